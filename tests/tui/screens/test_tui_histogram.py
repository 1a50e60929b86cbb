"""The histograms screen: regrouping, small multiples, bins, log, cuts, views, picker, text fallback."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_support import (  # noqa: F401
    SIZES,
    app_on,
    extracted,
    label_text,
    latest_results,
    open_screen,
    steady,
    with_results,
    workdir,
)
from tui_support import notifications, screen_text, settle, wait_for

from spectui.core.analysis.cuts import add_cut
from spectui.core.analysis.plot_data import GroupedHistogram, Series
from spectui.tui.screens.histogram import HistogramScreen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.widgets.plot_widgets import Chart
from spectui.tui.widgets.row_table import RowTable

PWV = "PWV [mm]_spectrum"


async def histogram_screen(pilot) -> HistogramScreen:
    return await open_screen(pilot, "5", lambda s: isinstance(s, HistogramScreen) and s.figure is not None)


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_opens_on_pwv_grouped_by_filter_from_the_collections_results(with_results, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        hist = screen.figure.data
        assert isinstance(hist, GroupedHistogram) and hist.column == PWV and hist.by == "filter"
        assert hist.labels == tuple(sorted(latest_results["FILTER"].dropna().unique()))
        finite = np.isfinite(latest_results[PWV].to_numpy(dtype=float))
        assert sum(int(c.sum()) for c in hist.counts) + hist.outside == finite.sum()
        assert hist.missing == (~finite).sum()
        line = label_text(screen, "#histogram-line")
        assert line.startswith(f" {PWV}  ·  histogram  ·  by filter  ·  20 bins")
        assert f"{len(latest_results):,} of {len(latest_results):,} rows" in line
        assert len(screen.query(Chart)) == 1


async def test_opening_a_file_of_an_unknown_users_home_is_a_notice_and_the_plot_stays(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        shown = screen.figure
        await pilot.press("o", *"~no_such_user_here/r.csv", "enter")
        await wait_for(pilot, lambda: any("no user 'no_such_user_here'" in m for m in notifications(app)))
        await settle(pilot)
        assert app.screen is screen and screen.figure is shown and "reading" not in label_text(screen, "#histogram-line")


async def test_g_regroups_and_m_splits_into_small_multiples(with_results, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "g")
        hist = screen.figure.data
        targets = latest_results["TARGET"].value_counts()
        assert hist.by == "target" and len(hist.labels) == 8 and hist.labels[-1] == "(other)"
        assert int(hist.counts[-1].sum()) + hist.outside <= int(targets.iloc[7:].sum())
        await press(pilot, "m")
        assert len(screen.query(Chart)) == 8 and "split" in label_text(screen, "#histogram-line")
        await press(pilot, "g")
        nights = tuple(str(n) for n in sorted(latest_results["id"].floordiv(100_000).unique()))
        assert screen.figure.data.by == "night" and screen.figure.data.labels == nights
        assert len(screen.query(Chart)) == len(nights)
        await press(pilot, "g")
        assert screen.figure.data.labels == ("all",) and len(screen.query(Chart)) == 1


async def test_bins_log_and_range(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "plus")
        assert len(screen.figure.data.edges) == 26
        await press(pilot, "minus", "minus")
        assert len(screen.figure.data.edges) == 16
        await press(pilot, "l")
        assert screen.spec.log and "log" in label_text(screen, "#histogram-line")
        await press(pilot, "r")
        assert "full range" in label_text(screen, "#histogram-line") and screen.figure.data.outside == 0


async def test_a_saved_cut_changes_the_counts_and_clears(with_results, latest_results):
    add_cut("good", "CHI2_FIT < 40")
    passing = int((latest_results["CHI2_FIT"] < 40).sum())
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "C", *"good", "enter")
        assert screen.figure.passing == passing < len(latest_results)
        line = label_text(screen, "#histogram-line")
        assert f"cut good: {passing:,} of {len(latest_results):,} rows" in line
        assert screen.figure.data.rows == passing
        await press(pilot, "C", *"no cut", "enter")
        assert screen.spec.cut is None and screen.figure.passing == len(latest_results)


async def test_without_saved_cuts_C_says_how_to_add_one(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await histogram_screen(pilot)
        await press(pilot, "C")
        assert any("spectui cuts add" in n for n in notifications(app))


async def test_v_switches_to_the_nightly_series_and_the_cumulative_count(with_results, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "v")
        series = screen.figure.data
        nights = sorted(latest_results["id"].floordiv(100_000).unique())
        assert isinstance(series, Series) and list(series.nights) == nights
        assert "per night" in label_text(screen, "#histogram-line")
        await press(pilot, "v")
        counted = screen.figure.data
        assert counted.labels[0] == "total" and counted.values[0][-1] == len(latest_results)
        by_filter = latest_results["FILTER"].value_counts()
        for label, values in zip(counted.labels[1:], counted.values[1:]):
            assert values[-1] == by_filter[label]
        await press(pilot, "v")
        assert isinstance(screen.figure.data, GroupedHistogram)


async def test_c_picks_a_column_by_a_few_letters(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "c", *"ozone spectrog", "enter")
        assert screen.figure.data.column == "ozone [db]_spectrogram"
        await press(pilot, "c", *"d2ccd", "enter")
        assert screen.figure.data.column == "D2CCD"
        await press(pilot, "c", "escape")
        assert screen.figure.data.column == "D2CCD"


async def test_a_table_replaces_the_plot_when_asked_or_when_too_small(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "t")
        table = screen.query_one(RowTable)
        assert table.row_count == 20 and not screen.query(Chart)
        await press(pilot, "t")
        assert screen.query(Chart) and not screen.query(RowTable)
        await pilot.resize_terminal(60, 12)
        await settle(pilot)
        await wait_for(pilot, lambda: bool(screen.query(RowTable)))
        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: bool(screen.query(Chart)))


async def test_nights_in_the_text_table_read_as_nights(with_results, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "v", "t")
        text = screen_text(app)
        night = int(latest_results["id"].min() // 100_000)
        assert str(night) in text and f"{night:,}" not in text


async def test_H_on_a_results_table_plots_its_current_column(workdir, latest_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "2", lambda s: getattr(s, "table", None) is not None)
        app.push_screen(ResultsScreen(latest_results, collection=None, title="Results", export_stem="r"))
        await settle(pilot)
        table = app.screen
        table.table.move_cursor(column=table.view.columns.index("D2CCD") + 1)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen)
                       and app.screen.figure is not None)
        assert app.screen.figure.data.column == "D2CCD" and app.screen.figure.rows == len(latest_results)


async def test_without_results_the_screen_says_how_to_get_them(workdir):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "5", lambda s: isinstance(s, HistogramScreen) and s.message)
        assert "No results table" in screen.message and "Extraction screen (3)" in screen.message


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_histogram_by_filter(snap_compare, with_results, size):
    async def ready(pilot) -> None:
        await histogram_screen(pilot)
        await steady(pilot)

    assert snap_compare(app_on(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_histogram_small_multiples(snap_compare, with_results, size):
    async def ready(pilot) -> None:
        await histogram_screen(pilot)
        await press(pilot, "c", *"chi2_fit", "enter", "m")
        await steady(pilot)

    assert snap_compare(app_on(), terminal_size=size, run_before=ready)


async def test_saved_derived_columns_are_columns_of_the_histograms_and_a_broken_file_is_said_once(
        with_results, latest_results, tmp_path, monkeypatch):
    from spectui.core.analysis.derived_columns import DERIVED, add_derived_column

    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path))
    add_derived_column("PWV_twice", f"`{PWV}` * 2")
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        np.testing.assert_allclose(screen.table["PWV_twice"], latest_results[PWV] * 2)
    DERIVED.path().write_text(DERIVED.path().read_text().replace("* 2", "* nosuch_column_here + ("))
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        assert "PWV_twice" not in screen.table and len(notifications(app)) == 1
