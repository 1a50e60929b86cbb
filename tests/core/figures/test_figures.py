"""Figure descriptions draw exactly the selected rows, and figure files are whole PNG, PDF and SVG files."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis.cuts import add_cut
from spectui.core.analysis.stats import MAD_TO_SIGMA
from spectui.core.errors import BadInput, OutputError
from spectui.core.figures.files import check_figure_path, draw, write_figure
from spectui.core.figures.spec import FigureSpec, axis_label, figure_data, unit_of

PWV = "PWV [mm]_spectrum"
PWV_2D = "PWV [mm]_spectrogram"
NIGHTS = (20250130, 20250131, 20250203)


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    nights = rng.choice(NIGHTS, n)
    frame = pd.DataFrame({
        "id": nights * 100_000 + np.arange(n), "day_obs": nights,
        "FILTER": pd.array(rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n), dtype="string"),
        "TARGET": pd.array(rng.choice([f"HD{k}" for k in range(12)], n), dtype="string"),
        PWV: rng.normal(4, 1, n), PWV_2D: rng.normal(4.2, 1, n), "CHI2_FIT": rng.lognormal(3, 1, n),
    })
    frame["DATE-OBS"] = pd.to_datetime(nights.astype(str)).tz_localize("UTC") + pd.to_timedelta(
        rng.uniform(23, 33, n), "h")
    frame.loc[::30, PWV] = np.nan
    frame.loc[5, PWV] = np.inf
    frame.loc[7, "DATE-OBS"] = pd.NaT
    return frame


def test_axis_labels_put_the_unit_of_the_column_name_last():
    assert axis_label(PWV) == "PWV (spectrum fit) [mm]"
    assert axis_label("ozone [db]_x") == "ozone (spectrogram fit) [db]"
    assert axis_label("PWV [mm]_err_rum") == "PWV_err (spectrum fit) [mm]"
    assert axis_label("CHI2_FIT") == "CHI2_FIT"
    assert (unit_of("D2CCD"), unit_of("EXPTIME"), unit_of("VAOD_y")) == ("mm", "s", "")


def test_histogram_counts_are_the_selected_rows_per_group(results):
    spec = FigureSpec("hist", PWV, by="filter", bins=12, where="CHI2_FIT < 40")
    figure = figure_data(results, spec)
    chosen = results[results["CHI2_FIT"] < 40]
    values = chosen[PWV].to_numpy(dtype="float64")
    finite = values[np.isfinite(values)]
    assert np.allclose(figure.hist.edges[[0, -1]], np.percentile(finite, [0.5, 99.5]))
    assert figure.selected == len(chosen) and figure.rows == len(results)
    for label, counts, stats in zip(figure.hist.labels, figure.hist.counts, figure.stats):
        group = chosen.loc[chosen["FILTER"] == label, PWV].to_numpy(dtype="float64")
        group = group[np.isfinite(group)]
        assert counts.tolist() == np.histogram(group, bins=figure.hist.edges)[0].tolist()
        assert stats.count == len(group) and stats.median == pytest.approx(np.median(group))
        assert stats.sigma == pytest.approx(MAD_TO_SIGMA * np.median(np.abs(group - np.median(group))))
    assert figure.underflow == int((values < figure.hist.edges[0]).sum())
    assert figure.overflow == int((values > figure.hist.edges[-1]).sum()) >= 1
    assert figure.hist.missing == int(np.isnan(values).sum())
    inside = sum(int(c.sum()) for c in figure.hist.counts)
    assert inside + figure.underflow + figure.overflow + figure.hist.missing == len(chosen)


def test_groups_may_be_any_column_and_cuts_apply(results, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path))
    add_cut("good", "CHI2_FIT < 30")
    figure = figure_data(results, FigureSpec("hist", PWV, by="day_obs", cuts=("good",), full_range=True))
    chosen = results[results["CHI2_FIT"] < 30]
    assert figure.hist.labels == tuple(str(n) for n in NIGHTS)
    finite = chosen[np.isfinite(chosen[PWV])]
    assert [int(c.sum()) for c in figure.hist.counts] == finite.groupby("day_obs").size().tolist()
    assert figure.underflow == 0 and figure.overflow == int(np.isposinf(chosen[PWV]).sum())


def test_series_are_the_finite_values_against_utc_time_with_nights_marked(results):
    figure = figure_data(results, FigureSpec("series", PWV, by="filter"))
    usable = results[np.isfinite(results[PWV]) & results["DATE-OBS"].notna()]
    sizes = usable.groupby("FILTER").size()
    assert {label: len(x) for label, x in zip(figure.labels, figure.xs)} == sizes.to_dict()
    first = figure.labels[0]
    rows = usable[usable["FILTER"] == first]
    assert figure.xs[0].tolist() == rows["DATE-OBS"].dt.tz_localize(None).to_numpy().tolist()
    assert figure.ys[0].tolist() == rows[PWV].tolist()
    assert figure.boundaries.astype("datetime64[h]").astype(str).tolist() == ["2025-01-31T12", "2025-02-03T12"]
    assert figure.x_label == "DATE-OBS (UTC)" and figure.y_label == "PWV (spectrum fit) [mm]"


def test_series_read_times_written_as_text_in_other_zones(results):
    text = results.assign(**{"DATE-OBS": results["DATE-OBS"].dt.tz_convert("America/Santiago").astype(str)})
    assert figure_data(text, FigureSpec("series", PWV)).xs[0].tolist() == figure_data(
        results, FigureSpec("series", PWV)).xs[0].tolist()


def test_scatter_draws_a_one_to_one_line_only_between_columns_of_one_unit(results):
    same = figure_data(results, FigureSpec("scatter", PWV, x=PWV_2D, by="TARGET"))
    assert same.same_unit and len(same.labels) == 8 and same.labels[-1] == "(other)"
    assert same.drawn == int((np.isfinite(results[PWV]) & np.isfinite(results[PWV_2D])).sum())
    assert not figure_data(results, FigureSpec("scatter", PWV, x="CHI2_FIT")).same_unit


def test_the_one_to_one_line_leaves_the_axes_on_the_data(results):
    far = results.assign(**{PWV: results[PWV] + 100, PWV_2D: results[PWV_2D] + 100})
    ax = draw(figure_data(far, FigureSpec("scatter", PWV, x=PWV_2D))).axes[0]
    assert min(ax.get_xlim()) > 90 and min(ax.get_ylim()) > 90
    assert "1:1" in [line.get_label() for line in ax.get_lines()]


def test_bad_descriptions_say_why(results):
    with pytest.raises(BadInput, match="unknown column 'PWV'"):
        figure_data(results, FigureSpec("hist", "PWV"))
    with pytest.raises(BadInput, match="not numbers"):
        figure_data(results, FigureSpec("scatter", PWV, x="FILTER"))
    with pytest.raises(BadInput, match="cannot group by 'colour'"):
        figure_data(results, FigureSpec("series", PWV, by="colour"))
    with pytest.raises(BadInput, match="bad --where expression"):
        figure_data(results, FigureSpec("hist", PWV, where="CHI2_FIT <"))
    with pytest.raises(BadInput, match="no time to plot against"):
        figure_data(results.drop(columns=["DATE-OBS"]), FigureSpec("series", PWV))
    with pytest.raises(BadInput, match="figure format"):
        check_figure_path("figure.jpg")


def pdf_text(data: bytes) -> tuple[int, str]:
    """The page count of a matplotlib PDF and the text its pages show (UTF-16 strings of TJ operators)."""
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for array in re.findall(rb"\[(.*?)\]\s*TJ", content, re.DOTALL):
            pieces = re.findall(rb"\(((?:\\.|[^\\)])*)\)", array, re.DOTALL)
            raw = b"".join(re.sub(rb"\\(.)", rb"\1", p, flags=re.DOTALL) for p in pieces)
            shown.append(raw.decode("utf-16-be", errors="replace"))
    return pages, "\n".join(shown)


def test_files_are_whole_figures_of_the_requested_format(results, tmp_path):
    from matplotlib.image import imread

    figure = figure_data(results, FigureSpec("hist", PWV, by="filter", title="Water vapour"))
    png = write_figure(figure, tmp_path / "hist.png")
    assert imread(png).shape == (500, 800, 4)
    pages, text = pdf_text(write_figure(figure, tmp_path / "hist.pdf").read_bytes())
    assert pages == 1 and "Water vapour" in text and "PWV (spectrum" in text and "[mm]" in text
    svg = write_figure(figure_data(results, FigureSpec("scatter", PWV, x=PWV_2D)), tmp_path / "s.svg").read_text()
    assert svg.startswith("<?xml") and "PWV (spectrum fit) [mm]" in svg and "1:1" in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hist.pdf", "hist.png", "s.svg"]


def test_small_multiples_grow_with_the_groups(results, tmp_path):
    from matplotlib.image import imread

    figure = figure_data(results, FigureSpec("hist", PWV, by="target", multiples=True, log=True))
    assert imread(write_figure(figure, tmp_path / "m.png")).shape == (820, 800, 4)


def test_a_figure_replaces_a_file_whole_and_a_failed_write_leaves_none(results, tmp_path):
    target = tmp_path / "old.png"
    target.write_bytes(b"old")
    write_figure(figure_data(results, FigureSpec("series", PWV)), target)
    assert target.read_bytes().startswith(b"\x89PNG") and [p.name for p in tmp_path.iterdir()] == ["old.png"]
    with pytest.raises(OutputError, match="does not exist"):
        write_figure(figure_data(results, FigureSpec("series", PWV)), tmp_path / "no" / "f.png")


def test_many_points_are_one_image_in_vector_files_and_few_are_markers(results, tmp_path):
    many = pd.concat([results] * 5, ignore_index=True)
    big = write_figure(figure_data(many, FigureSpec("series", PWV)), tmp_path / "many.svg").read_text()
    small = write_figure(figure_data(results, FigureSpec("series", PWV)), tmp_path / "few.svg").read_text()
    assert big.count("<image") == 1 and "DATE-OBS (UTC)" in big
    assert "<image" not in small and small.count("<use") >= figure_data(results, FigureSpec("series", PWV)).drawn
