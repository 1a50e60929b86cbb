"""The merge and missing screen: registry counts, drill-down, narrowing, export, reprocessing query, merge."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_support import (  # noqa: F401
    LATEST,
    SIZES,
    app_on,
    extracted,
    label_text,
    open_screen,
    steady,
    with_results,
    workdir,
)
from tui_support import notifications, settle, wait_for

from spectui.core.analysis.status import exposure_status, reprocess_queries, summarize
from spectui.core.butler.exposures import ExposureSelection
from spectui.tui.dialogs.export import ExportScreen
from spectui.tui.dialogs.pick import PickScreen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.status import StatusScreen


@pytest.fixture(scope="module")
def status(butler) -> pd.DataFrame:
    return exposure_status(butler, LATEST, ExposureSelection())


async def status_screen(pilot) -> StatusScreen:
    return await open_screen(pilot, "4", lambda s: isinstance(s, StatusScreen) and s.summary is not None)


async def choose(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    assert isinstance(pilot.app.screen, PickScreen)
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_counts_and_summary_per_night_and_filter_match_the_registry(workdir, status):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await status_screen(pilot)
        counts = status["status"].value_counts()
        text = label_text(screen, "#status-counts")
        assert f"{len(status):,} exposures: {counts['ok']:,} ok, {counts.get('partial', 0):,} partial, " \
               f"{counts['missing']:,} missing" in text
        assert f"efficiency {counts['ok'] / len(status):.1%}" in text
        expected = summarize(status, ["day_obs", "physical_filter"])
        table = screen.query_one("#status-summary")
        assert table.row_count == len(expected)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[:6] == [str(v) for v in expected.iloc[0][["day_obs", "physical_filter", "total", "ok",
                                                                  "partial", "missing"]]]
        assert list(screen.nights) == sorted(status["day_obs"].unique())
        assert sum(int(c.sum()) for c in screen.night_counts.values()) == len(status)
        await pilot.press("b")
        await wait_for(pilot, lambda: table.row_count == status["day_obs"].nunique())


async def test_enter_drills_into_the_exposures_of_the_highlighted_line(workdir, status):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await status_screen(pilot)
        await pilot.press("j", "enter")
        drilled = app.screen
        assert isinstance(drilled, ResultsScreen)
        line = screen.summary.iloc[1]
        wanted = status[(status["day_obs"] == line["day_obs"])
                        & (status["physical_filter"] == line["physical_filter"])]
        assert drilled.view.row_count == line["total"] == len(wanted)
        assert sorted(drilled.view.frame()["id"]) == sorted(wanted["id"])
        assert "day_obs ==" in drilled.view.filter_text
        await pilot.press("escape")
        assert app.screen is screen


async def test_narrowing_by_status_filter_and_target(workdir, status):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await status_screen(pilot)
        await choose(pilot, "s", "missing")
        missing = status[status["status"] == "missing"]
        await wait_for(pilot, lambda: screen.chosen.status == "missing")
        assert f"{len(missing):,} exposures: 0 ok, 0 partial, {len(missing):,} missing" in label_text(
            screen, "#status-counts")
        assert "efficiency" not in label_text(screen, "#status-counts")
        target = missing["target"].value_counts().index[0]
        await choose(pilot, "t", target)
        await wait_for(pilot, lambda: screen.chosen.target == target)
        both = missing[missing["target"] == target]
        assert int(screen.summary["total"].sum()) == len(both)
        await pilot.press("e")
        assert isinstance(app.screen, ResultsScreen) and app.screen.view.row_count == len(both)
        await pilot.press("escape")
        await choose(pilot, "s", "(any)")
        await wait_for(pilot, lambda: screen.chosen.status is None)
        assert int(screen.summary["total"].sum()) == int((status["target"] == target).sum())


async def test_copy_and_export_the_missing_exposures(workdir, status, monkeypatch):
    app = app_on()
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await status_screen(pilot)
        missing = status.loc[status["status"] == "missing", "id"]
        await pilot.press("y")
        assert copied == ["\n".join(reprocess_queries(missing))]
        assert any(f"for {len(missing):,} exposures" in n for n in notifications(app))
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await settle(pilot)
        written = pd.read_csv(workdir / "missing.csv")
        assert sorted(written["id"]) == sorted(missing) and set(written["status"]) == {"missing"}


async def test_merge_keeps_every_exposure_with_its_results(with_results, butler):
    from spectui.core.butler.exposures import query_exposures
    from spectui.core.tables.table_io import read_table

    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await status_screen(pilot)
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen))
        merged = app.screen.view.base
        exposures = query_exposures(butler, ExposureSelection())
        results = read_table(with_results)
        assert len(merged) == len(exposures) and "ex_physical_filter" in merged.columns
        assert int(merged["status"].notna().sum()) == int(results["id"].isin(exposures["id"]).sum())


async def test_merge_without_results_says_where_they_would_be(workdir):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await status_screen(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert app.screen is screen
        assert any("no results table" in n and "Extraction screen" in n for n in notifications(app))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_status(snap_compare, workdir, size):
    async def ready(pilot) -> None:
        await status_screen(pilot)
        await steady(pilot)

    assert snap_compare(app_on(), terminal_size=size, run_before=ready)
