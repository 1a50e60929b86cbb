"""Saving figures from the app: the histograms screen's views drawn as `spectui plot` draws them, bad paths."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_support import (  # noqa: F401
    LATEST,
    V31,
    app_on,
    extracted,
    label_text,
    latest_results,
    open_screen,
    with_results,
    workdir,
)
from cli_helpers import run
from matplotlib.image import imread
from textual.widgets import Input
from tui_support import notifications, settle

from spectui.core.analysis.cuts import add_cut
from spectui.core.analysis.runs import Run, save_runs
from spectui.core.analysis.status import exposure_status
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.figures.efficiency import efficiency_figure
from spectui.core.figures.spec import HistFigure, PointsFigure, utc_times
from spectui.tui.screens.compare import CompareScreen
from spectui.tui.screens.histogram import HistogramScreen
from spectui.tui.screens.status import StatusScreen
from spectui.tui.widgets.plot_widgets import Chart

PWV = "PWV [mm]_spectrum"
PWV_2D = "PWV [mm]_spectrogram"


@pytest.fixture
def drawn(monkeypatch):
    """The figure descriptions written, by the app or the command line (then written as usual)."""
    from spectui.core.figures import files, screen_figures

    written, real = [], files.write_figure

    def recording(figure, path, **options):
        written.append(figure)
        return real(figure, path, **options)

    monkeypatch.setattr(files, "write_figure", recording)
    monkeypatch.setattr(screen_figures, "write_figure", recording)
    return written


async def histogram_screen(pilot) -> HistogramScreen:
    return await open_screen(pilot, "5", lambda s: isinstance(s, HistogramScreen) and s.figure is not None)


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def save_as(pilot, name: str | None = None) -> str:
    """Press ctrl+s, replace the name offered when one is given, press enter; the name offered."""
    await press(pilot, "ctrl+s")
    field = pilot.app.screen.query_one("#prompt-input", Input)
    offered = field.value
    if name is not None:
        field.value = name
    await press(pilot, "enter")
    return offered


def assert_same_figure(app_figure, cli_figure) -> None:
    assert app_figure.spec == cli_figure.spec
    assert type(app_figure) is type(cli_figure) and app_figure.rows == cli_figure.rows
    if isinstance(app_figure, HistFigure):
        assert np.array_equal(app_figure.hist.edges, cli_figure.hist.edges)
        assert app_figure.hist.labels == cli_figure.hist.labels
        for mine, theirs in zip(app_figure.hist.counts, cli_figure.hist.counts, strict=True):
            assert np.array_equal(mine, theirs)
        assert app_figure.stats == cli_figure.stats
        return
    assert app_figure.labels == cli_figure.labels and app_figure.drawn == cli_figure.drawn
    for mine, theirs in zip((*app_figure.xs, *app_figure.ys), (*cli_figure.xs, *cli_figure.ys), strict=True):
        assert np.array_equal(mine, theirs)


async def test_ctrl_s_saves_the_histogram_the_command_line_draws(with_results, latest_results, drawn):
    add_cut("good", "CHI2_FIT < 40")
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "C", *"good", "enter", "plus", "l")
        offered = await save_as(pilot)
        assert offered == "pwv_spectrum_by_filter.png"
        path = with_results.parent / offered
        assert any(f"wrote {path}" in n for n in notifications(app))
        assert isinstance(app.screen, HistogramScreen) and screen.figure.data.column == PWV
    app_figure = drawn.pop()
    result = run("plot", "hist", str(with_results), "-C", PWV, "--by", "filter", "--bins", "25", "--log",
                 "--cut", "good", "-o", str(path.with_name("cli.png")))
    assert result.exit_code == 0, result.output
    assert_same_figure(app_figure, drawn.pop())
    assert app_figure.selected == int((latest_results["CHI2_FIT"] < 40).sum())
    assert imread(path).shape == (500, 800, 4)


async def test_s_shows_the_column_against_time_and_saves_the_series(with_results, latest_results, drawn):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "s")
        points = screen.figure.data
        times = utc_times(latest_results["DATE-OBS"])
        expected = int((np.isfinite(latest_results[PWV].to_numpy(dtype=float)) & ~np.isnat(times)).sum())
        assert isinstance(points, PointsFigure) and points.spec.kind == "series" and points.drawn == expected
        assert set(points.labels) == set(latest_results["FILTER"].dropna().unique())
        assert f"{expected:,} points" in label_text(screen, "#histogram-line")
        assert len(screen.query(Chart)) == 1
        offered = await save_as(pilot)
        assert offered == "pwv_spectrum_series_by_filter.png"
        await press(pilot, "v")
        assert screen.figure.spec.view == "histogram"
    app_figure = drawn.pop()
    result = run("plot", "series", str(with_results), "-C", PWV, "--by", "filter", "-o",
                 str(with_results.parent / "cli.png"))
    assert result.exit_code == 0, result.output
    assert_same_figure(app_figure, drawn.pop())
    assert imread(with_results.parent / offered).shape == (500, 800, 4)


async def test_x_picks_the_column_along_x_and_saves_the_scatter(with_results, latest_results, drawn):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await press(pilot, "g", "g", "g", "x", *"pwv spectrogram", "enter")
        points = screen.figure.data
        both = np.isfinite(latest_results[[PWV, PWV_2D]].to_numpy(dtype=float)).all(axis=1)
        assert isinstance(points, PointsFigure) and points.spec.x == PWV_2D and points.drawn == int(both.sum())
        assert points.labels == ("all",) and points.same_unit
        assert f"against {PWV_2D}" in label_text(screen, "#histogram-line")
        await press(pilot, "t")
        assert screen.query_one("RowTable").row_count == int(both.sum())
        offered = await save_as(pilot, "scatter.svg")
        assert offered == "pwv_spectrum_vs_pwv_spectrogram.png"
    app_figure = drawn.pop()
    result = run("plot", "scatter", str(with_results), "-x", PWV_2D, "-y", PWV, "-o",
                 str(with_results.parent / "cli.svg"))
    assert result.exit_code == 0, result.output
    assert_same_figure(app_figure, drawn.pop())
    assert (with_results.parent / "scatter.svg").read_text().lstrip().startswith("<?xml")


async def test_the_nightly_views_save_what_they_show(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await histogram_screen(pilot)
        await press(pilot, "v")
        assert await save_as(pilot) == "pwv_spectrum_per_night_by_filter.png"
        await press(pilot, "v")
        assert await save_as(pilot, "counts.pdf") == "rows_cumulative_by_filter.png"
    assert imread(with_results.parent / "pwv_spectrum_per_night_by_filter.png").shape == (500, 800, 4)
    assert (with_results.parent / "counts.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("name", "message"), [("nowhere/f.png", "does not exist"),
                                               ("figure.jpg", "cannot tell the figure format")])
async def test_a_bad_path_is_one_notification_and_the_app_keeps_running(with_results, name, message):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        app.clear_notifications()
        await save_as(pilot, name)
        assert len(notifications(app)) == 1 and message in notifications(app)[0]
        assert not list(with_results.parent.glob("*.png")) and not screen.query_one("#prompt").display
        await press(pilot, "g")
        assert app.screen is screen and screen.figure.data.by == "target"


async def test_an_existing_file_is_overwritten_only_when_asked_twice(with_results):
    target = with_results.parent / "mine.png"
    target.write_bytes(b"old")
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        await save_as(pilot, "mine.png")
        assert target.read_bytes() == b"old" and "exists" in label_text(screen, "#prompt-message")
        await press(pilot, "enter")
    assert imread(target).shape == (500, 800, 4)


async def test_the_palette_offers_save_figure(with_results):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await histogram_screen(pilot)
        assert any(title.startswith("Save figure") for title, _, _ in screen.palette_commands())


async def test_ctrl_s_on_the_status_screen_saves_the_efficiency_figure(workdir, butler, drawn):
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "4", lambda s: isinstance(s, StatusScreen) and s.summary is not None)
        offered = await save_as(pilot)
        assert offered == "efficiency_u_dagoret_auxtel_latest.png"
    (figure,) = drawn
    expected = efficiency_figure(exposure_status(butler, LATEST, ExposureSelection()),
                                 f"Extraction efficiency · {LATEST}")
    assert (figure.title, figure.nights, figure.filters) == (expected.title, expected.nights, expected.filters)
    for name in expected.filters:
        for status, counts in expected.counts[name].items():
            assert np.array_equal(figure.counts[name][status], counts)
    assert imread(workdir / offered).shape[1] == 800


async def test_ctrl_s_on_the_compare_screen_saves_what_spectui_plot_compare_draws(with_results, extracted,
                                                                                  drawn):
    save_runs([Run("v31", collection=V31, label="v3.1", files={"extracted": str(extracted[V31])})])
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "6", lambda s: isinstance(s, CompareScreen))
        await press(pilot, "a", *"v31", "enter")
        parameter = screen.parameter
        assert parameter is not None
        offered = await save_as(pilot)
    app_figure = drawn.pop()
    result = run("plot", "compare", "v31", LATEST, "-C", parameter, "--results-b", str(with_results), "-o",
                 str(with_results.parent / "cli.png"))
    assert result.exit_code == 0, result.output
    cli_figure = drawn.pop()
    assert (app_figure.title, app_figure.run_a, app_figure.run_b) == (cli_figure.title, cli_figure.run_a,
                                                                       cli_figure.run_b)
    assert np.array_equal(app_figure.ids, cli_figure.ids)
    assert np.array_equal(app_figure.differences, cli_figure.differences) and len(app_figure.ids) > 100
    assert imread(with_results.parent / offered).shape[1] == 800
