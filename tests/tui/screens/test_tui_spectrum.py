"""The spectrum view: a row's spectrum and both fits by URI, flipping through rows in the table's order."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_support import (  # noqa: F401
    LATEST,
    SIZES,
    app_on,
    extracted,
    latest_results,
    open_screen,
    steady,
    workdir,
)
from tui_support import notifications, screen_text, settle, wait_for

from spectui.core.analysis.status import exposure_status
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.extraction.visit_files import read_visit_outputs, visit_locations
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.spectrum import SpectrumScreen


async def results_table(pilot, frame, collection: str | None = LATEST) -> ResultsScreen:
    await open_screen(pilot, "2", lambda s: getattr(s, "table", None) is not None)
    pilot.app.push_screen(ResultsScreen(frame, collection=collection, title="Results", export_stem="results"))
    await settle(pilot)
    return pilot.app.screen


async def spectrum_of(pilot, visit: int) -> SpectrumScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SpectrumScreen)
                   and pilot.app.screen.shown is not None and pilot.app.screen.shown.visit == visit)
    await settle(pilot)
    return pilot.app.screen


async def test_enter_shows_the_spectrum_and_both_fits_of_the_row(workdir, butler, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await results_table(pilot, latest_results)
        first = int(latest_results["id"].iloc[0])
        await pilot.press("enter")
        screen = await spectrum_of(pilot, first)
        expected = read_visit_outputs(first, visit_locations(butler, LATEST, first))
        shown = screen.shown
        assert np.array_equal(shown.spectrum.flux, expected.spectrum.flux)
        assert len(shown.spectrum.lambdas) > 100
        assert set(shown.fits) == {"spectrum", "spectrogram"}
        table = screen.query_one("#spectrum-parameters")
        side = "\n".join(" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count))
        pwv = expected.fits["spectrum"]
        assert f"{pwv.value('PWV [mm]'):.5g} ± {pwv.error('PWV [mm]'):.2g}" in side
        assert "spectrogram fit" in side and str(expected.spectrum.header["TARGET"]) in side
        text = screen_text(app)
        assert f"visit {first}" in text and "wavelength [nm]" in text and "1 of" in text


async def test_n_and_p_flip_through_the_rows_in_the_tables_order(workdir, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await results_table(pilot, latest_results)
        column = table.view.columns.index("D2CCD") + 1
        table.table.move_cursor(column=column)
        await pilot.press("right_square_bracket")
        ordered = latest_results.sort_values("D2CCD", ascending=False, kind="stable")["id"].tolist()
        table.table.move_cursor(row=0)
        await pilot.press("enter")
        await spectrum_of(pilot, ordered[0])
        await pilot.press("n")
        await spectrum_of(pilot, ordered[1])
        await pilot.press("j")
        screen = await spectrum_of(pilot, ordered[2])
        await pilot.press("p")
        await spectrum_of(pilot, ordered[1])
        assert table.table.cursor_row == 1
        await pilot.press("p", "p")
        await spectrum_of(pilot, ordered[0])
        assert "first row" in str(screen.query_one("#spectrum-line").render())
        await pilot.press("escape")
        assert app.screen is table and table.table.cursor_row == 0
        table.table.move_cursor(row=5)
        await pilot.press("enter")
        again = await spectrum_of(pilot, ordered[5])
        assert again is screen and again.index == 5
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: not screen.is_attached)
        assert not app.is_screen_installed(f"spectrum-{id(table)}")


async def test_rows_without_a_spectrum_are_skipped_or_refused(workdir, butler):
    status = exposure_status(butler, LATEST, ExposureSelection())
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await results_table(pilot, status)
        missing_row = int(np.flatnonzero(status["status"].to_numpy() == "missing")[0])
        table.table.move_cursor(row=missing_row)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is table
        assert any("has no spectrum" in n for n in notifications(app))
        with_spectra = status[status["status"] != "missing"]["id"].tolist()
        table.table.move_cursor(row=0)
        await pilot.press("enter")
        await spectrum_of(pilot, with_spectra[0])
        for visit in with_spectra[1:4]:
            await pilot.press("n")
            await spectrum_of(pilot, visit)


async def test_a_table_without_a_collection_says_to_choose_one(workdir, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await results_table(pilot, latest_results, collection=None)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is table and any("not tied to a collection" in n for n in notifications(app))


async def test_ctrl_s_saves_the_spectrum_on_show(workdir, butler, latest_results, monkeypatch):
    from matplotlib.image import imread

    from spectui.core.figures import files

    written, real = [], files.write_figure
    monkeypatch.setattr(files, "write_figure", lambda figure, path: written.append(figure) or real(figure, path))
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await results_table(pilot, latest_results)
        first = int(latest_results["id"].iloc[0])
        await pilot.press("enter")
        screen = await spectrum_of(pilot, first)
        await pilot.press("ctrl+s")
        await settle(pilot)
        field = screen.query_one("#prompt-input")
        assert field.value == f"spectrum_{first}.png"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.shown.visit == first and not screen.query_one("#prompt").display
        assert any(f"wrote {workdir / field.value}" in n for n in notifications(app))
        await pilot.press("ctrl+s")
        screen.query_one("#prompt-input").value = "spectrum.gif"
        await pilot.press("enter")
        await settle(pilot)
        assert sum("cannot tell the figure format" in n for n in notifications(app)) == 1
        assert app.screen is screen
    spectrum = read_visit_outputs(first, visit_locations(butler, LATEST, first)).spectrum
    keep = np.isfinite(spectrum.lambdas) & np.isfinite(spectrum.flux)
    (figure,) = written
    assert figure is screen.drawn and figure.visit == first
    assert np.array_equal(figure.lambdas, spectrum.lambdas[keep])
    assert np.allclose(figure.flux * 10.0 ** figure.exponent, spectrum.flux[keep])
    assert imread(workdir / f"spectrum_{first}.png").shape == (500, 800, 4)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_spectrum(snap_compare, workdir, latest_results, size):
    async def ready(pilot) -> None:
        await results_table(pilot, latest_results)
        await pilot.press("enter")
        await spectrum_of(pilot, int(latest_results["id"].iloc[0]))
        await steady(pilot)

    assert snap_compare(app_on(), terminal_size=size, run_before=ready)
