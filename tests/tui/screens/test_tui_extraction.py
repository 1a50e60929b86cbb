"""The extraction screen: a run to completion listing failures, stop and resume, progress in every header."""

from __future__ import annotations

import pytest
from analysis_support import (  # noqa: F401
    LATEST,
    SIZES,
    V32,
    app_on,
    label_text,
    open_screen,
    steady,
    workdir,
)
from tui_support import notifications, screen_text, wait_for

from spectui.core.analysis.result_files import file_name_for, saved_visits
from spectui.core.extraction.checkpoint import checkpoint_dir
from spectui.tui.dialogs.confirm import ConfirmScreen
from spectui.tui.dialogs.resume import ResumeScreen
from spectui.tui.screens.extraction import ExtractionScreen
from spectui.tui.screens.results import ResultsScreen


async def extraction_screen(pilot, workers: int = 1) -> ExtractionScreen:
    screen = await open_screen(pilot, "3", lambda s: isinstance(s, ExtractionScreen))
    field = screen.query_one("#extract-workers")
    field.value = str(workers)
    return screen


async def start_and_read(pilot, screen: ExtractionScreen, visits: int = 1) -> None:
    """Start the extraction and let it read at least `visits` visits."""
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.job.progress is not None and screen.job.progress.done >= visits)


def expected_counts(demo_manifest, collection: str) -> dict[str, int]:
    run = demo_manifest["runs"][collection]
    return {"ok": len(run["ok"]), "partial": len(run["partial"]), "failed": len(run["corrupt"])}


async def test_extraction_runs_to_completion_lists_failures_and_opens_the_table(workdir, demo_repo,
                                                                                 demo_manifest):
    app = app_on(V32, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot, workers=2)
        proposed = file_name_for(V32)
        assert screen.query_one("#extract-output").value == proposed
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen), timeout=120)
        await pilot.pause()
        expected = expected_counts(demo_manifest, V32)
        result = screen.result
        assert {"ok": result.ok, "partial": result.partial, "failed": result.failed} == expected
        assert (workdir / proposed).is_file() and not checkpoint_dir(workdir / proposed).exists()
        table = app.screen
        assert table.view.row_count == sum(expected.values()) and table.collection == V32
        failures = screen.query_one("#extract-failures")
        corrupt = set(demo_manifest["runs"][V32]["corrupt"])
        assert failures.row_count == len(corrupt) > 0
        assert {int(failures.get_row_at(i)[0]) for i in range(failures.row_count)} == corrupt
        assert "Extraction done" in [n.title for n in app._notifications]
        assert app.activity == ""
        await pilot.press("escape")
        assert app.screen is screen
        assert f"{sum(expected.values()):,} visits" in label_text(screen, "#extract-phase")
        await pilot.press("o")
        assert isinstance(app.screen, ResultsScreen)


async def test_escape_asks_then_stops_and_a_later_start_resumes(workdir, demo_repo, slow_chunks):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        output = workdir / file_name_for(LATEST)
        await start_and_read(pilot, screen, 32)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is screen and not screen.job.cancel.is_set()
        await pilot.press("escape")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.job.ended)
        await pilot.pause()
        saved = saved_visits(output)
        assert label_text(screen, "#extract-phase") == f" stopped: {saved:,} visits read and kept; enter resumes."
        assert any("Extraction stopped" in n and "--resume" not in n for n in notifications(app))
        total = screen.job.progress.total
        assert 0 < saved < total and not output.exists()

        await pilot.press("enter")
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen), timeout=60)
        assert screen.result.resumed == saved and len(screen.result.frame) == total
        assert screen.result.frame["id"].is_unique and output.is_file()


async def test_the_stop_question_is_whole_at_80_columns(workdir, demo_repo, slow_chunks):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await extraction_screen(pilot)
        await start_and_read(pilot, screen)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        words = [word for word in screen_text(app).split() if word != "│"]
        assert "What was read is kept; starting again resumes." in " ".join(words)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.job.ended)


async def test_screen_keys_work_and_fields_take_text_only_when_asked(workdir, demo_repo):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        output = screen.query_one("#extract-output").value
        await pilot.press("4")
        assert app.screen is not screen and screen.query_one("#extract-output").value == output
        await pilot.press("3")
        assert app.screen is screen
        await pilot.press("e", "backspace", *"x", "escape")
        assert screen.query_one("#extract-output").value == output[:-1] + "x"
        assert app.focused.id == "extract-failures" and app.screen is screen
        await pilot.press("w", "backspace", "3", "escape", "o")
        assert screen.query_one("#extract-workers").value == "3" and app.screen is screen
        await pilot.press("escape")
        assert app.screen is not screen


async def test_start_over_deletes_the_checkpoint(workdir, demo_repo, slow_chunks):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        output = workdir / file_name_for(LATEST)
        await start_and_read(pilot, screen)
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: screen.job.ended)
        assert saved_visits(output)
        await pilot.press("enter", "o")
        await wait_for(pilot, lambda: screen.job.progress is not None and screen.job.progress.phase == "read")
        assert not screen.job.resume
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: screen.job.ended)


async def test_extraction_goes_on_elsewhere_with_its_progress_in_the_header(workdir, demo_repo, slow_chunks):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        await start_and_read(pilot, screen)
        await pilot.press("2")
        await wait_for(pilot, lambda: "⧗ extracting" in screen_text(app).splitlines()[0])
        assert app.screen is not screen
        await wait_for(pilot, lambda: screen.job.ended, timeout=60)
        await pilot.pause()
        assert "⧗" not in screen_text(app).splitlines()[0]
        assert "Extraction done" in [n.title for n in app._notifications]
        assert not isinstance(app.screen, ResultsScreen)
        await pilot.press("3")
        assert app.screen is screen
        await pilot.press("o")
        assert isinstance(app.screen, ResultsScreen)


async def test_bad_form_values_are_one_line_notifications(workdir, demo_repo):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        screen.query_one("#extract-workers").value = "0"
        await pilot.press("enter")
        assert any("workers must be" in n for n in notifications(app)) and screen.job is None
        screen.query_one("#extract-workers").value = "1"
        screen.query_one("#extract-output").value = "results.txt"
        await pilot.press("enter")
        assert screen.job is None and len(notifications(app)) == 2


async def test_an_existing_output_is_replaced_only_when_confirmed(workdir, demo_repo):
    app = app_on(LATEST, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        (workdir / file_name_for(LATEST)).write_text("old")
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert screen.job is None and (workdir / file_name_for(LATEST)).read_text() == "old"


async def test_without_a_collection_the_screen_says_to_choose_one(workdir, demo_repo):
    app = app_on(None, repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await extraction_screen(pilot)
        assert "no collection chosen" in label_text(screen, "#extract-collection")
        await pilot.press("enter")
        assert screen.job is None and any("no collection chosen" in n for n in notifications(app))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_extraction_form(snap_compare, workdir, size):
    async def ready(pilot) -> None:
        await extraction_screen(pilot, workers=2)
        await steady(pilot)

    assert snap_compare(app_on(LATEST), terminal_size=size, run_before=ready)
