"""The spectrum figure draws the finite points the spectrum view shows; the screens' nightly figures and file names."""

from __future__ import annotations

import numpy as np
import pytest

from spectui.core.analysis.plot_data import Series
from spectui.core.figures.files import write_figure
from spectui.core.figures.screen_figures import NightlyFigure, default_figure_path, figure_stem
from spectui.core.figures.spec import FigureSpec
from spectui.core.figures.spectrum_figure import spectrum_figure

PWV = "PWV [mm]_spectrum"


@pytest.fixture
def spectrum():
    lambdas = np.linspace(350.0, 1000.0, 400)
    flux = 3.2e-13 * np.exp(-((lambdas - 600) / 150) ** 2)
    err = np.full_like(flux, 1e-14)
    flux[10], lambdas[20], err[30] = np.nan, np.nan, np.nan
    return lambdas, flux, err


def test_the_finite_points_are_kept_in_a_power_of_ten(spectrum):
    lambdas, flux, err = spectrum
    figure = spectrum_figure(2025010700123, lambdas, flux, err, "HD111980  empty")
    keep = np.isfinite(lambdas) & np.isfinite(flux)
    assert figure.exponent == -13 and len(figure.lambdas) == keep.sum() == 398
    assert np.allclose(figure.flux, flux[keep] * 1e13) and np.allclose(figure.err, np.nan_to_num(err[keep]) * 1e13)
    assert figure.title == "visit 2025010700123: HD111980  empty" and "1e-13" in figure.flux_label


def test_the_file_draws_the_same_points(spectrum, tmp_path):
    from matplotlib.image import imread

    figure = spectrum_figure(1, *spectrum)
    ax = figure.draw().axes[0]
    line = next(line for line in ax.get_lines() if line.get_label() == "flux")
    assert np.array_equal(line.get_xdata(), figure.lambdas) and np.array_equal(line.get_ydata(), figure.flux)
    assert ax.get_xlabel() == "wavelength [nm]"
    assert imread(write_figure(figure, tmp_path / "s.png")).shape == (500, 800, 4)
    assert write_figure(figure, tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    assert "visit 1" in write_figure(figure, tmp_path / "s.svg").read_text()


def test_an_empty_spectrum_still_draws(tmp_path):
    figure = spectrum_figure(1, [np.nan], [np.nan], [np.nan])
    assert figure.exponent == 0 and not len(figure.lambdas)
    assert write_figure(figure, tmp_path / "e.png").stat().st_size > 0


def test_a_nightly_series_draws_each_group_across_its_nights(tmp_path):
    from matplotlib.image import imread

    series = Series("PWV: median per night", np.array([20250107, 20250108, 20250110]), ("a", "b"),
                    (np.array([4.0, 5.0, np.nan]), np.array([3.0, 3.5, 4.0])),
                    (np.array([0.1, 0.2, np.nan]), np.array([0.1, 0.1, 0.1])))
    figure = NightlyFigure(series, FigureSpec(column=PWV, by="filter", cuts=("good",)))
    ax = figure.draw().axes[0]
    drawn = {container.get_label(): container.lines[0].get_ydata() for container in ax.containers}
    assert np.array_equal(drawn["a"], [4.0, 5.0]) and np.array_equal(drawn["b"], [3.0, 3.5, 4.0])
    assert "cut good" in ax.get_title(loc="left") and ax.get_ylabel() == "median PWV (spectrum fit) [mm]"
    assert imread(write_figure(figure, tmp_path / "n.png")).shape == (500, 800, 4)


@pytest.mark.parametrize(("spec", "view", "stem"), [
    (FigureSpec(column=PWV, by="filter"), "", "pwv_spectrum_by_filter"),
    (FigureSpec(column="CHI2_FIT"), "per night", "chi2_fit_per_night"),
    (FigureSpec(column=PWV, by="night"), "cumulative", "rows_cumulative"),
    (FigureSpec("series", PWV, by="target"), "", "pwv_spectrum_series_by_target"),
    (FigureSpec("scatter", PWV, x="PWV [mm]_spectrogram"), "", "pwv_spectrum_vs_pwv_spectrogram"),
])
def test_file_names_say_what_is_plotted(spec, view, stem):
    assert figure_stem(spec, view) == stem


def test_the_offered_file_does_not_exist_yet(tmp_path):
    (tmp_path / "pwv.png").write_bytes(b"")
    assert default_figure_path("pwv", tmp_path) == tmp_path / "pwv-2.png"


def test_a_pair_draws_both_runs_in_one_power_of_ten(spectrum, tmp_path):
    from spectui.core.extraction.readers import Spectrum
    from spectui.core.extraction.visit_files import VisitOutputs
    from spectui.core.figures.spectrum_figure import spectrum_pair

    lambdas, flux, err = spectrum
    a = VisitOutputs(5, Spectrum(lambdas, flux, err, {}))
    b = VisitOutputs(5, Spectrum(lambdas, flux * 20, err * 20, {}))
    pair = spectrum_pair(5, a, b, ("v31", "latest"), "HD111980")
    assert pair.exponent == -12 and [side.label for side in pair.sides] == ["v31", "latest"]
    alone = spectrum_figure(5, lambdas, flux, err)
    assert np.allclose(pair.sides[0].flux, alone.flux / 10) and np.allclose(pair.sides[1].flux, alone.flux * 2)
    assert pair.title == "visit 5: HD111980  ·  v31 vs latest"
    lines = {line.get_label(): line for line in pair.draw().axes[0].get_lines()}
    assert set(lines) == {"v31", "latest"}
    one = spectrum_pair(5, None, b, ("v31", "latest"))
    assert one.sides[0] is None and [line.get_label() for line in one.draw().axes[0].get_lines()] == ["latest"]
    assert write_figure(one, tmp_path / "pair.png").stat().st_size > 0
