"""The app opened on a Butler server's URL, as on the local demo: it lists the repository's collections and
exposures, extracts a collection, shows its spectra, its status and the merged table."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_support import label_text
from tui_support import config_dir, screen_text, settle, wait_for  # noqa: F401  (autouse fixtures)

from spectui.core.demo.build import LATEST_CHAIN, RUNS
from spectui.tui.app import SpectuiApp

pytestmark = pytest.mark.remote


async def test_the_app_on_a_server_url_lists_the_collections(butler_servers):
    app = SpectuiApp(repo=butler_servers.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen

        def listed() -> bool:
            """the collections are listed"""
            return bool(getattr(screen, "results", None)) and " match " in screen_text(app)

        await wait_for(pilot, listed, timeout=60)
        await settle(pilot)
        names = [entry.name for entry in screen.results]
        assert "u/dagoret/auxtel_latest" in names and "LATISS/raw/all" in names
        await wait_for(pilot, lambda: all(entry.name in screen.summaries for entry in screen.results), 60)
        text = screen_text(app)
        assert "127.0.0.1" in text and "CHAINED" in text and "yes" in text


async def test_the_app_on_a_server_url_lists_the_exposures_and_shows_a_rows_fields(butler_servers, science):
    from spectui.tui.screens.row_details import RowDetailsScreen

    app = SpectuiApp(repo=butler_servers.url, collection="u/dagoret/auxtel_latest")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: getattr(screen, "view", None) is not None
                       and getattr(screen, "saved_at", None) is None, timeout=60)
        await settle(pilot)
        assert screen.view.total_count == len(science)
        assert f"{len(science):,} of {len(science):,} rows" in screen_text(app)
        first = screen.view.key_at(0)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, RowDetailsScreen))
        assert f"id {first}" in screen_text(app)


def visits_with_a_spectrum(demo_manifest) -> set[int]:
    """The visits of the latest chain (the v3.2.1 chain, then the v3.2 run) that have a spectrum."""
    runs = demo_manifest["runs"]
    return {visit for name in (RUNS[-1].chain, RUNS[-2].name)
            for kind in ("ok", "partial", "corrupt") for visit in runs[name][kind]}


async def extract_through_the_server(pilot, monkeypatch):
    """From the exposures table, go to the Extraction screen (3), start it with 2 workers and wait for its table;
    the screen and the phase lines it showed."""
    from spectui.tui.screens.extraction import ExtractionScreen
    from spectui.tui.screens.results import ResultsScreen

    app = pilot.app
    await wait_for(pilot, lambda: getattr(app.screen, "table", None) is not None, timeout=60)
    await settle(pilot)
    await pilot.press("3")
    screen = app.screen
    assert isinstance(screen, ExtractionScreen)
    shown: list[str] = []
    show = screen._phase
    monkeypatch.setattr(screen, "_phase", lambda text: (shown.append(text), show(text)))
    await pilot.press("w", "backspace", "2", "escape", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen.table is not None,
                   timeout=180)
    return screen, shown


async def test_the_app_extracts_through_the_server_then_shows_a_spectrum_and_the_status(
        butler_servers, butler, demo_manifest, tmp_path, monkeypatch):
    from spectui.core.analysis.result_files import file_name_for
    from spectui.core.analysis.status import exposure_status
    from spectui.core.butler.exposures import ExposureSelection
    from spectui.core.extraction.visit_files import read_visit_outputs, visit_locations
    from spectui.tui.screens.extraction import PHASES
    from spectui.tui.screens.results import ResultsScreen
    from spectui.tui.screens.spectrum import SpectrumScreen
    from spectui.tui.screens.status import StatusScreen

    monkeypatch.chdir(tmp_path)
    app = SpectuiApp(repo=butler_servers.url, collection=LATEST_CHAIN)
    async with app.run_test(size=(120, 40)) as pilot:
        extraction, phases = await extract_through_the_server(pilot, monkeypatch)
        expected = visits_with_a_spectrum(demo_manifest)
        result = extraction.result
        assert set(result.frame["id"]) == expected and result.ok + result.partial + result.failed == len(expected)
        assert result.output.name == file_name_for(LATEST_CHAIN) and (tmp_path / result.output).is_file()
        assert any(line.startswith(f"{PHASES['fetch']}: ") and line.endswith(f" of {len(expected):,} visits")
                   for line in phases)
        assert not any(line.startswith(f"{PHASES['read']}:") for line in phases)
        assert f"done: {len(expected):,} visits" in label_text(extraction, "#extract-phase")
        assert "Extraction done" in [n.title for n in app._notifications]
        table = app.screen
        assert table.view.row_count == len(expected)

        statuses = result.frame.set_index("id")["status"]
        rows = [row for row in range(table.view.row_count) if statuses[table.view.key_at(row)] == "ok"][:2]
        table.table.move_cursor(row=rows[0])
        await pilot.press("enter")
        for visit in (int(table.view.key_at(row)) for row in rows):
            await wait_for(pilot, lambda visit=visit: isinstance(app.screen, SpectrumScreen)
                           and app.screen.shown is not None and app.screen.shown.visit == visit, timeout=60)
            local = read_visit_outputs(visit, visit_locations(butler, LATEST_CHAIN, visit))
            shown = app.screen.shown
            assert np.array_equal(shown.spectrum.flux, local.spectrum.flux) and len(shown.spectrum.lambdas) > 100
            assert set(shown.fits) == {"spectrum", "spectrogram"} and not shown.problems
            text = screen_text(app)
            assert f"visit {visit}" in text and "wavelength [nm]" in text
            await pilot.press("n")

        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen) and app.screen.summary is not None,
                       timeout=60)
        status = exposure_status(butler, LATEST_CHAIN, ExposureSelection())
        counts = status["status"].value_counts()
        assert f"{len(status):,} exposures: {counts['ok']:,} ok, {counts.get('partial', 0):,} partial, " \
               f"{counts['missing']:,} missing" in label_text(app.screen, "#status-counts")
        assert counts["ok"] + counts.get("partial", 0) == len(expected & set(status["id"]))
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen is not table,
                       timeout=60)
        merged = app.screen.view.base
        assert len(merged) == len(status) and "ex_physical_filter" in merged.columns
        assert int(merged["status"].notna().sum()) == len(expected & set(status["id"]))
        assert not [n for n in app._notifications if n.severity == "error"]
