"""The run comparison screen: runs chosen by key, status changes, parameter shifts with their histogram."""

from __future__ import annotations

import pytest
from analysis_support import (  # noqa: F401
    LATEST,
    SIZES,
    V31,
    app_on,
    extracted,
    label_text,
    open_screen,
    steady,
    with_results,
    workdir,
)
from tui_support import settle, wait_for

from spectui.core.analysis.compare import compare_parameters, compare_status
from spectui.core.analysis.runs import Run, save_runs
from spectui.core.analysis.status import exposure_status
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.tables.table_io import read_table
from spectui.tui.dialogs.pick import PickScreen
from spectui.tui.screens.compare import CHANGES, CompareScreen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.widgets.plot_widgets import Chart


@pytest.fixture
def registered(with_results, extracted):
    """Run v31 registered with its extracted file; the latest chain's results sit in the working directory."""
    save_runs([Run("v31", collection=V31, label="v3.1", files={"extracted": str(extracted[V31])})])


@pytest.fixture(scope="module")
def changes(butler):
    return compare_status(exposure_status(butler, V31, ExposureSelection()),
                          exposure_status(butler, LATEST, ExposureSelection()))


async def compared(pilot) -> CompareScreen:
    screen = await open_screen(pilot, "6", lambda s: isinstance(s, CompareScreen))
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickScreen))
    assert pilot.app.screen.choices[0] == "v31" and LATEST in pilot.app.screen.choices
    await pilot.press(*"v31", "enter")
    await wait_for(pilot, lambda: screen.comparison is not None)
    await settle(pilot)
    return screen


async def test_status_changes_and_transitions_between_two_runs(registered, changes):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await compared(pilot)
        assert label_text(screen, "#compare-a").startswith(" A  v31 (" + V31)
        assert label_text(screen, "#compare-b").startswith(f" B  {LATEST}")
        counts = changes["change"].value_counts()
        line = label_text(screen, "#compare-changes")
        for name in CHANGES:
            assert f"{name} {int(counts.get(name, 0)):,}" in line
        transitions = screen.query_one("#compare-transitions")
        assert transitions.row_count == len(screen.comparison.transitions)
        await pilot.press("g")
        assert isinstance(app.screen, ResultsScreen) and app.screen.view.row_count == counts["gained"]
        assert app.screen.collection == LATEST
        await pilot.press("escape")
        await pilot.press("l")
        assert app.screen.view.row_count == counts["lost"] and app.screen.collection == V31
        await pilot.press("escape", "c")
        assert app.screen.view.row_count == int((changes["change"] != "same").sum())


async def test_parameter_shifts_with_a_histogram_of_the_highlighted_one(registered, extracted):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await compared(pilot)
        expected = compare_parameters(read_table(extracted[V31]), read_table(extracted[LATEST]))
        table = screen.query_one("#compare-parameters")
        assert table.row_count == len(expected) > 10
        shown = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert sorted(shown) == sorted(expected["parameter"])
        assert shown[0].endswith(("_spectrum", "_spectrogram")) and "_err_" not in shown[0]
        assert all("_err_" in name for name in shown[shown.index("D2CCD"):][-5:])
        chart = screen.query_one(Chart)
        await wait_for(pilot, lambda: chart.drawing is not None)
        first = chart.drawing
        table.focus()
        await pilot.press("down")
        await wait_for(pilot, lambda: chart.drawing is not first)


async def test_swap_exchanges_gained_and_lost(registered, changes):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await compared(pilot)
        before = screen.comparison.status["change"].value_counts()
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.sides["a"] is not None and screen.sides["a"].name == LATEST)
        after = screen.comparison.status["change"].value_counts()
        assert after.get("gained", 0) == before.get("lost", 0)
        assert after.get("lost", 0) == before.get("gained", 0)


async def test_a_run_without_results_compares_statuses_only(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "6", lambda s: isinstance(s, CompareScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press(*"v31_holo", "enter")
        await wait_for(pilot, lambda: screen.comparison is not None)
        await settle(pilot)
        assert screen.comparison.parameters is None and screen.comparison.status is not None
        header = str(screen.query_one("#compare-parameters").ordered_columns[0].label)
        assert header.startswith("no results table for A")


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_compare(snap_compare, registered, size):
    async def ready(pilot) -> None:
        await compared(pilot)
        await steady(pilot)

    assert snap_compare(app_on(), terminal_size=size, run_before=ready)
