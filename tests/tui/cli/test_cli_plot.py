"""`spectui plot`: figure files from results tables, the app's histogram settings, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from analysis_support import LATEST, extracted  # noqa: F401  (session fixture)
from cli_helpers import assert_one_line_error, run

from spectui.core.analysis.cuts import add_cut
from spectui.core.analysis.derived_columns import add_derived_column
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
            "r = CliRunner(); [r.invoke(main, ['plot', k, '--help']) for k in ('hist', 'series', 'scatter')]; "
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
    monkeypatch.setattr("spectui.core.figures.files.write_figure", lambda figure, path: drawn.append(figure))
    result = run("plot", "hist", str(results), "-C", PWV, "--by", "filter", "--bins", "15", "--log", "--split",
                 "--full-range", "--cut", "good", "-o", str(tmp_path / "h.png"))
    assert result.exit_code == 0, result.output
    app = PlotSpec(column=PWV, by="filter", bins=15, log=True, multiples=True, cut="good", full_range=True)
    assert drawn[0].spec == app.figure_spec()
    assert isinstance(drawn[0].spec, FigureSpec)


def test_derived_columns_can_be_plotted(results, tmp_path, monkeypatch):
    add_derived_column("pwv_gap", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    drawn = []
    monkeypatch.setattr("spectui.core.figures.files.write_figure", lambda figure, path: drawn.append(figure))
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
