"""`spectui plot`: figure files from results tables, the app's histogram settings, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from analysis_support import LATEST, V31, extracted  # noqa: F401  (session fixture)
from cli_helpers import assert_one_line_error, run

from spectui.core.analysis.cuts import add_cut
from spectui.core.analysis.derived_columns import add_derived_column
from spectui.core.analysis.runs import Run, save_runs
from spectui.core.figures.spec import FigureSpec
from spectui.tui.screens.histogram import PlotSpec

PWV = "PWV [mm]_spectrum"


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def results(tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    nights = rng.choice([20250130, 20250131], n)
    frame = pd.DataFrame({"id": nights * 100_000 + np.arange(n), "day_obs": nights,
                          "FILTER": rng.choice(["empty", "BG40_65mm_1"], n), PWV: rng.normal(4, 1, n),
                          "PWV [mm]_spectrogram": rng.normal(4, 1, n), "CHI2_FIT": rng.lognormal(3, 1, n)})
    frame["DATE-OBS"] = pd.to_datetime(nights.astype(str)).tz_localize("UTC") + pd.Timedelta(hours=26)
    path = tmp_path / "results.csv"
    frame.to_csv(path, index=False)
    return path


def test_plot_help_imports_nothing_heavy(tmp_path):
    code = ("import sys; from click.testing import CliRunner; from spectui.tui.cli.main import main; "
            "r = CliRunner(); [r.invoke(main, ['plot', k, '--help']) for k in "
            "('hist', 'series', 'scatter', 'efficiency', 'compare')]; r.invoke(main, ['report', '--help']); "
            "print(','.join(m for m in ('pandas', 'matplotlib', 'textual') if m in sys.modules))")
    env = {"SPECTUI_CONFIG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ""


def test_each_kind_writes_its_figure(results, tmp_path):
    from matplotlib.image import imread

    hist = run("plot", "hist", str(results), "-C", PWV, "--by", "filter", "--bins", "12", "--log",
               "--where", "CHI2_FIT < 30", "-o", str(tmp_path / "h.png"))
    assert hist.exit_code == 0, hist.output
    chosen = int((pd.read_csv(results)["CHI2_FIT"] < 30).sum())
    assert f"{chosen} of 300 rows" in hist.stderr and imread(tmp_path / "h.png").shape == (500, 800, 4)
    series = run("plot", "series", str(results), "-C", PWV, "-o", str(tmp_path / "s.svg"))
    assert series.exit_code == 0 and "DATE-OBS (UTC)" in (tmp_path / "s.svg").read_text()
    scatter = run("plot", "scatter", str(results), "-x", "PWV [mm]_spectrogram", "-y", PWV, "--title",
                  "Both fits", "-o", str(tmp_path / "c.pdf"))
    assert scatter.exit_code == 0 and (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")


def test_the_apps_histogram_settings_describe_the_cli_figure(results, tmp_path, monkeypatch):
    add_cut("good", "CHI2_FIT < 30")
    drawn = []
    monkeypatch.setattr("spectui.core.figures.files.write_figure", lambda figure, path, **_: drawn.append(figure))
    result = run("plot", "hist", str(results), "-C", PWV, "--by", "filter", "--bins", "15", "--log", "--split",
                 "--full-range", "--cut", "good", "-o", str(tmp_path / "h.png"))
    assert result.exit_code == 0, result.output
    app = PlotSpec(column=PWV, by="filter", bins=15, log=True, multiples=True, cut="good", full_range=True)
    assert replace(drawn[0].spec, title="") == app.figure
    assert drawn[0].spec.title == f"PWV (spectrum fit) [mm]: histogram · {results.name}"
    assert isinstance(drawn[0].spec, FigureSpec)


def test_derived_columns_can_be_plotted(results, tmp_path, monkeypatch):
    add_derived_column("pwv_gap", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    drawn = []
    monkeypatch.setattr("spectui.core.figures.files.write_figure", lambda figure, path, **_: drawn.append(figure))
    assert run("plot", "hist", str(results), "-C", "pwv_gap", "-o", str(tmp_path / "g.png")).exit_code == 0
    table = pd.read_csv(results)
    gap = table[PWV] - table["PWV [mm]_spectrogram"]
    assert drawn[0].stats[0].median == pytest.approx(gap.median())


def test_the_demo_results_plot_per_filter(extracted, tmp_path):  # noqa: F811
    from matplotlib.image import imread

    table = pd.read_parquet(extracted[LATEST])
    result = run("plot", "hist", str(extracted[LATEST]), "-C", PWV, "--by", "filter", "-o", str(tmp_path / "d.png"))
    assert result.exit_code == 0, result.output
    assert f"{len(table):,} of {len(table):,} rows" in result.stderr
    assert imread(tmp_path / "d.png").shape == (500, 800, 4)


@pytest.mark.parametrize(("args", "message"), [
    (["hist", "{results}", "-C", "PWV", "-o", "{out}.png"], "unknown column 'PWV'"),
    (["hist", "{results}", "-C", "FILTER", "-o", "{out}.png"], "not numbers"),
    (["scatter", "{results}", "-x", "FILTER", "-y", PWV, "-o", "{out}.png"], "not numbers"),
    (["series", "{results}", "-C", PWV, "-o", "{out}.jpg"], "cannot tell the figure format"),
    (["series", "{results}", "-C", PWV, "-o", "{out}.parquet"], "cannot tell the figure format"),
    (["hist", "{results}", "-C", PWV, "-o", "{out}/missing/f.png"], "does not exist"),
    (["hist", "{results}", "-C", PWV, "--by", "colour", "-o", "{out}.png"], "cannot group by 'colour'"),
    (["hist", "{results}", "-C", PWV, "--where", "CHI2_FIT <", "-o", "{out}.png"], "bad --where expression"),
    (["hist", "{results}", "-C", PWV, "--cut", "nope", "-o", "{out}.png"], "no quality cut named 'nope'"),
    (["hist", "{results}", "-C", PWV, "--bins", "0", "-o", "{out}.png"], "--bins"),
    (["hist", "{out}/none.csv", "-C", PWV, "-o", "{out}.png"], "none.csv"),
    (["series", "{results}", "-C", PWV], "-o"),
])
def test_bad_input_is_one_line(results, tmp_path, args, message):
    filled = [a.format(results=results, out=tmp_path / "fig") for a in args]
    assert_one_line_error(run("plot", *filled), message)
    assert not list(tmp_path.glob("fig*"))


def capture_figures(monkeypatch) -> list:
    """The figures `spectui plot` writes, still written to their files."""
    from spectui.core.figures import files

    drawn, real = [], files.write_figure

    def keep(figure, path, **settings):
        drawn.append(figure)
        return real(figure, path, **settings)

    monkeypatch.setattr(files, "write_figure", keep)
    return drawn


@pytest.mark.both_registries
def test_efficiency_bars_count_the_registry_status(demo_repo, tmp_path, monkeypatch):
    from matplotlib.image import imread

    from spectui.core.analysis.status import exposure_status
    from spectui.core.butler.exposures import ExposureSelection
    from spectui.core.butler.repo import open_repo

    drawn = capture_figures(monkeypatch)
    result = run("plot", "efficiency", "--repo", str(demo_repo), "-c", LATEST, "--until", "20250108",
                 "--dpi", "80", "-o", str(tmp_path / "e.png"))
    assert result.exit_code == 0, result.output
    status = exposure_status(open_repo(demo_repo), LATEST, ExposureSelection(until=20250108))
    expected = status.groupby(["physical_filter", "day_obs", "status"]).size()
    figure = drawn[0]
    assert figure.nights == tuple(sorted(status["day_obs"].unique())) and LATEST in figure.title
    for name in status["physical_filter"].unique():
        for state in ("ok", "partial", "missing"):
            wanted = [expected.get((name, night, state), 0) for night in figure.nights]
            assert figure.counts[name][state].tolist() == wanted
    ok = int((status["status"] == "ok").sum())
    assert f"{len(status):,} exposures, {ok:,} ok" in result.stderr
    image = imread(tmp_path / "e.png")
    assert image.shape[1] == 640 and image.shape[0] >= 400 and image[..., :3].std() > 0.05


@pytest.mark.both_registries
def test_efficiency_takes_a_registered_run(demo_repo, tmp_path):
    save_runs([Run("latest", str(demo_repo), LATEST)])
    result = run("plot", "efficiency", "--run", "latest", "-o", str(tmp_path / "e.svg"))
    assert result.exit_code == 0, result.output
    assert LATEST in (tmp_path / "e.svg").read_text()


def test_compare_draws_each_common_visits_difference(extracted, tmp_path, monkeypatch):  # noqa: F811
    save_runs([Run("v31", collection=V31, files={"extracted": str(extracted[V31])})])
    drawn = capture_figures(monkeypatch)
    result = run("plot", "compare", "v31", LATEST, "--results-b", str(extracted[LATEST]), "-C", "D2CCD",
                 "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.output
    a, b = pd.read_parquet(extracted[V31]), pd.read_parquet(extracted[LATEST])
    both = a[["id", "D2CCD"]].merge(b[["id", "D2CCD"]], on="id", suffixes=("_a", "_b")).dropna()
    difference = (both["D2CCD_b"] - both["D2CCD_a"]).set_axis(both["id"])
    figure = drawn[0]
    assert sorted(figure.ids.tolist()) == sorted(both["id"].tolist())
    assert np.allclose(figure.differences, difference.loc[figure.ids].to_numpy())
    assert f"{len(both):,} common visits" in result.stderr
    from matplotlib.image import imread

    assert imread(tmp_path / "c.png").shape[1] == 800


@pytest.mark.parametrize(("args", "message"), [
    (["compare", "nope", "{b}", "-C", "D2CCD", "-o", "{out}.png"], "unknown run 'nope'"),
    (["compare", "{a}", "{b}", "-C", "PWV", "-o", "{out}.png"], "unknown column 'PWV'"),
    (["compare", "{a}", "{out}/none.parquet", "-C", "D2CCD", "-o", "{out}.png"], "no results file"),
    (["compare", "{a}", "{b}", "-C", "TARGET", "-o", "{out}.png"], "not numbers"),
    (["compare", "{a}", "{b}", "-C", "D2CCD", "-o", "{out}.tiff"], "cannot tell the figure format"),
    (["compare", "{a}", "{b}", "-C", "D2CCD", "-o", "{out}/missing/c.png"], "does not exist"),
    (["efficiency", "-c", "u/nobody/none", "-o", "{out}.png"], "no collection named 'u/nobody/none'"),
    (["efficiency", "--run", "nope", "-o", "{out}.png"], "nope"),
    (["efficiency", "-c", LATEST, "-o", "{out}.jpg"], "cannot tell the figure format"),
    (["efficiency", "-o", "{out}.png"], "no collection"),
])
def test_bad_run_figures_are_one_line(extracted, demo_repo, tmp_path, monkeypatch, args, message):  # noqa: F811
    monkeypatch.setenv("SPECTUI_REPO", str(demo_repo))
    filled = [x.format(a=extracted[V31], b=extracted[LATEST], out=tmp_path / "fig") for x in args]
    assert_one_line_error(run("plot", *filled), message)
    assert not list(tmp_path.glob("fig*"))
