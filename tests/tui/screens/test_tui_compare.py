"""The run comparison screen: runs chosen by key, status changes, parameter shifts with their histogram."""

from __future__ import annotations

import numpy as np
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
from tui_support import notifications, settle, wait_for

from spectui.core.analysis.compare import compare_parameters, compare_status
from spectui.core.analysis.runs import Run, save_runs
from spectui.core.analysis.status import exposure_status
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.extraction.extract_rows import SPECTRUM
from spectui.core.extraction.visit_files import read_visit_outputs, visit_locations
from spectui.core.figures.spectrum_figure import spectrum_figure
from spectui.core.tables.table_io import read_table
from spectui.tui.dialogs.pick import PickScreen
from spectui.tui.screens.compare import CHANGES, ChangesScreen, CompareScreen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.spectrum import TwoRunSpectrumScreen
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


def read_both(butler, visit: int) -> list:
    """The visit's outputs in V31 and in LATEST, read here apart from the screen (None without a spectrum)."""
    read = []
    for collection in (V31, LATEST):
        locations = visit_locations(butler, collection, visit)
        read.append(read_visit_outputs(visit, locations) if SPECTRUM in locations else None)
    return read


async def two_runs_of(pilot, table: ChangesScreen, visit: int) -> TwoRunSpectrumScreen:
    """Enter on `visit`'s row of the table and wait for the two-run view to show it."""
    table.table.move_cursor(row=table.view.row_of_key(visit))
    await pilot.press("enter")
    return await shown_visit(pilot, visit)


async def shown_visit(pilot, visit: int) -> TwoRunSpectrumScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TwoRunSpectrumScreen)
                   and pilot.app.screen.drawn is not None and pilot.app.screen.drawn.visit == visit)
    await settle(pilot)
    return pilot.app.screen


async def test_enter_on_a_changed_visit_shows_it_in_both_runs(registered, changes, butler):
    both = changes[changes["change"].isin(["improved", "degraded"])]["id"].tolist()
    visit, a, b = next((v, a, b) for v in both for a, b in [read_both(butler, v)]
                       if a is not None and b is not None and "spectrum" in a.fits and "spectrum" in b.fits)
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await compared(pilot)
        await pilot.press("c")
        table = app.screen
        assert isinstance(table, ChangesScreen)
        screen = await two_runs_of(pilot, table, visit)
        drawn = screen.drawn
        assert [side.label for side in drawn.sides] == ["v31", LATEST]
        for side, outputs in zip(drawn.sides, (a, b)):
            alone = spectrum_figure(visit, outputs.spectrum.lambdas, outputs.spectrum.flux, outputs.spectrum.err)
            assert np.array_equal(side.lambdas, alone.lambdas)
            assert np.allclose(side.flux * 10.0 ** drawn.exponent, alone.flux * 10.0 ** alone.exponent)
        rows = screen.query_one("#spectrum-parameters")
        cells = [[str(c) for c in rows.get_row_at(i)] for i in range(rows.row_count)]
        first = cells[1:[c[0] for c in cells].index("spectrogram fit")]
        fit_a, fit_b = a.fits["spectrum"], b.fits["spectrum"]
        labels = [*fit_a.labels, *(label for label in fit_b.labels if label not in fit_a.labels)]
        assert [c[0].strip() for c in first] == labels
        for (_, _, _, shift), label in zip(first, labels):
            if label in fit_a.labels and label in fit_b.labels:
                assert float(shift) == pytest.approx(fit_b.value(label) - fit_a.value(label), rel=1e-4, abs=1e-12)
            else:
                assert shift == ""
        assert [str(c.label) for c in rows.ordered_columns] == ["parameter", "A", "B", "B − A"]
        await pilot.press("escape")
        assert app.screen is table


async def test_a_visit_missing_in_one_run_shows_the_other_and_says_so(registered, changes, butler, workdir):
    gained = changes[changes["change"] == "gained"]["id"].tolist()
    visit, b = next((v, read_both(butler, v)[1]) for v in gained if read_both(butler, v)[0] is None)
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await compared(pilot)
        await pilot.press("g")
        screen = await two_runs_of(pilot, app.screen, visit)
        assert screen.drawn.sides[0] is None and screen.drawn.sides[1].label == LATEST
        assert np.array_equal(screen.pair[1].spectrum.flux, b.spectrum.flux)
        assert "A (v31)" in label_text(screen, "#spectrum-line") and "no spectrum" in label_text(
            screen, "#spectrum-line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("wrote" in n for n in notifications(app)))
        assert (workdir / f"spectrum_{visit}.png").stat().st_size > 0


async def test_n_and_p_move_through_the_changed_visits(registered, changes):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await compared(pilot)
        await pilot.press("c")
        table = app.screen
        order = [table.view.key_at(row) for row in range(3)]
        table.table.move_cursor(row=0)
        await pilot.press("enter")
        await shown_visit(pilot, order[0])
        await pilot.press("n")
        await shown_visit(pilot, order[1])
        await pilot.press("n", "p")
        await shown_visit(pilot, order[1])
        assert table.table.cursor_row == 1


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_compare(snap_compare, registered, size):
    async def ready(pilot) -> None:
        await compared(pilot)
        await steady(pilot)

    assert snap_compare(app_on(), terminal_size=size, run_before=ready)
