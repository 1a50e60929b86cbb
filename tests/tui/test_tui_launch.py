"""Opening straight on Exposures: the query runs in a process of its own, the saved list shows before any import
of the Butler or pandas, and the real command does both in a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pandas as pd
import pytest
from terminal import Terminal, spectui_command
from textual._compositor import CompositorUpdate
from tui_support import config_dir, notifications, screen_text, shared_butler, wait_for  # noqa: F401  (autouse fixtures)

from spectui.core.butler import exposure_cache
from spectui.core.butler.exposure_process import BACKGROUND_NICENESS, ExposureQueryProcess
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.errors import BadQuery, Cancelled, RepoNotFound
from spectui.tui.app import SpectuiApp
from spectui.tui.cli.launch import SavedListReader

pytestmark = pytest.mark.both_registries

RUN = "u/dagoret/auxtel_latest"


def test_the_query_process_answers_as_the_butler_does_and_saves_the_list(demo_repo, science):
    query = ExposureQueryProcess(str(demo_repo))
    assert query.answers(str(demo_repo), ExposureSelection())
    assert not query.answers(str(demo_repo), ExposureSelection(since=20250108))
    pd.testing.assert_frame_equal(query.result().to_pandas(), science)
    assert query.process.wait(60) == 0
    table, _ = exposure_cache.load_saved(str(demo_repo), ExposureSelection())
    pd.testing.assert_frame_equal(table.to_pandas(), science)


def priorities_while_running(query: ExposureQueryProcess) -> set[int]:
    """The scheduling priorities (nice values) the query process had while it ran to its end."""
    seen: set[int] = set()

    def sample() -> None:
        while query.process.poll() is None:
            try:
                seen.add(os.getpriority(os.PRIO_PROCESS, query.process.pid))
            except ProcessLookupError:
                return
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    query.result()
    query.process.wait(60)
    sampler.join()
    return seen


def test_the_query_process_yields_the_processor_only_while_a_saved_list_is_drawn(demo_repo, science):
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert priorities_while_running(ExposureQueryProcess(str(demo_repo))) == {mine}
    assert mine + BACKGROUND_NICENESS in priorities_while_running(ExposureQueryProcess(str(demo_repo)))


def test_the_query_process_reports_spectui_errors_by_kind_and_line(demo_repo, tmp_path):
    with pytest.raises(RepoNotFound, match="no Butler repository at"):
        ExposureQueryProcess(str(tmp_path / "nowhere")).result()
    bad = ExposureSelection(where="exposure.nonsense > 3")
    with pytest.raises(BadQuery, match=r"bad --where expression 'exposure.nonsense > 3'"):
        ExposureQueryProcess(str(demo_repo), bad).result()


def test_a_cancelled_query_process_is_stopped(demo_repo):
    query = ExposureQueryProcess(str(demo_repo))
    query.cancel()
    assert query.process.poll() is not None
    with pytest.raises(Cancelled):
        query.result()


async def test_the_app_shows_the_answer_of_the_launch_query_then_opens_its_own_butler(demo_repo, science):
    app = SpectuiApp(repo=str(demo_repo), collection=RUN, launch_query=ExposureQueryProcess(str(demo_repo)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "view", None) is not None
                       and app.screen.loading_selection is None)
        assert app.screen.view.frame()["id"].tolist() == science["id"].tolist()
        assert f"{len(science):,} of {len(science):,} rows" in screen_text(app)
        await wait_for(pilot, lambda: app._butler is not None)


async def test_a_launch_query_for_another_repository_is_stopped_not_used(demo_repo, tmp_path, science):
    other = ExposureQueryProcess(str(tmp_path / "elsewhere"))
    app = SpectuiApp(repo=str(demo_repo), collection=RUN, launch_query=other)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "view", None) is not None
                       and app.screen.loading_selection is None)
        assert app.screen.view.total_count == len(science)
    assert other.process.poll() is not None


class NeverAnswers:
    """A launch query that answers nothing until the app stops it."""

    answered = False

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def answers(self, repo, selection) -> bool:
        return True

    def result(self):
        self.stopped.wait(60)
        raise Cancelled("stopped")

    def cancel(self) -> None:
        self.stopped.set()


async def test_the_saved_list_read_at_launch_is_in_the_apps_first_frame(demo_repo, science):
    exposure_cache.save(str(demo_repo), ExposureSelection(), science)
    app = SpectuiApp(repo=str(demo_repo), collection=RUN, launch_query=NeverAnswers(),
                     saved_list=SavedListReader(str(demo_repo)))
    frames = []
    display = app._display

    def record(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate) and not frames:
            frames.append("\n".join(strip.text for strip in screen._compositor.render_strips()))

    app._display = record
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: frames)
        assert str(science["id"].iloc[0]) in frames[0] and "not yet refreshed" in frames[0]
        await wait_for(pilot, lambda: app.screen.view is not None)
        assert app.screen.view.total_count == len(science) and app.screen.saved_at is not None


SHOW_SAVED = textwrap.dedent("""
    import json, sys, threading
    from spectui.tui.app import SpectuiApp
    from spectui.tui.screens.exposures import ExposuresScreen

    class NeverAnswers:
        answered = False
        def __init__(self):
            self.stopped = threading.Event()
        def answers(self, repo, selection):
            return True
        def result(self):
            self.stopped.wait(60)
            from spectui.core.errors import Cancelled
            raise Cancelled("stopped")
        def cancel(self):
            self.stopped.set()

    seen = {}
    show_rows = ExposuresScreen._show_rows

    def shown(screen, *args):
        show_rows(screen, *args)
        seen["rows"] = screen.table.row_count
        seen["imported"] = [name for name in ("lsst.daf.butler", "pandas") if name in sys.modules]
        screen.app.call_after_refresh(screen.app.exit)

    ExposuresScreen._show_rows = shown
    SpectuiApp(repo=sys.argv[1], collection="run", launch_query=NeverAnswers()).run(headless=True,
                                                                                   size=(120, 40))
    print(json.dumps(seen))
""")


async def test_escape_before_the_saved_list_is_ready_still_leaves_it_to_work_on_and_keys_typed_wait_for_it(demo_repo, science, monkeypatch):
    from spectui.tui.screens.exposures import ExposuresScreen

    exposure_cache.save(str(demo_repo), ExposureSelection(), science)
    escaped = threading.Event()
    wait_for_paint = ExposuresScreen._wait_for_paint

    def after_escape(screen) -> None:
        escaped.wait(30)
        wait_for_paint(screen)

    monkeypatch.setattr(ExposuresScreen, "_wait_for_paint", after_escape)
    app = SpectuiApp(repo=str(demo_repo), collection=RUN, launch_query=NeverAnswers(),
                     saved_list=SavedListReader(str(demo_repo)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "table", None) is not None)
        assert app.screen.view is None
        await pilot.press("escape", "s")
        assert "Query cancelled; the table shows the list saved earlier." in notifications(app)
        escaped.set()
        await wait_for(pilot, lambda: app.screen.view is not None and app.screen.view.selected_count == 1)
        assert app.screen.view.total_count == len(science)


def test_the_saved_list_shows_before_the_butler_or_pandas_is_imported(demo_repo, science):
    exposure_cache.save(str(demo_repo), ExposureSelection(), science)
    done = subprocess.run([sys.executable, "-c", SHOW_SAVED, str(demo_repo)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"rows": len(science), "imported": []}


def test_spectui_in_tmux_shows_the_saved_list_then_the_butlers_answer(demo_repo, science, tmp_path):
    first_id, counted = str(science["id"].iloc[0]), f"{len(science):,} of {len(science):,} rows"
    command = f"export SPECTUI_DATA_DIR={tmp_path}/data; " + spectui_command(
        tmp_path, "--repo", str(demo_repo), "-c", RUN)
    for launch in ("cold", "warm"):
        terminal = Terminal(f"launch-{launch}", 120, 40)
        try:
            terminal.start(command)
            shown = terminal.wait_until(lambda text: first_id in text, "the first exposure")
            assert ("not yet refreshed" in shown) == (launch == "warm"), shown
            shown = terminal.wait_until(lambda text: counted in text and "not yet refreshed" not in text,
                                        "the Butler's answer")
            assert "spectui · Exposures" in shown and "⧗" not in shown
            terminal.wait_until(lambda _: exposure_cache.load_saved(str(demo_repo), ExposureSelection()),
                                "the list saved for the next launch")
            terminal.keys("C-q")
            terminal.wait_until(lambda _: terminal.exited(), "spectui quits")
        finally:
            terminal.close()


@pytest.mark.parametrize("make", [lambda tmp: tmp / "nosuch" / "repo", lambda tmp: tmp])
def test_a_path_that_is_no_repository_stops_the_launch_in_one_line(tmp_path, make):
    from click.testing import CliRunner

    from spectui.tui.cli.main import main

    path = make(tmp_path)
    result = CliRunner().invoke(main, ["--repo", str(path), "-c", "u/x"])
    assert result.exit_code == 2
    assert result.output.strip() == f"spectui: error: no Butler repository at {path} (no butler.yaml there); " \
                                    "check the path."
