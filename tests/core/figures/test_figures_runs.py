"""Efficiency bars are the status table's counts, run comparisons draw B − A, reports are searchable PDFs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from spectui.core.errors import BadInput
from spectui.core.figures.comparison import comparison_figure
from spectui.core.figures.efficiency import efficiency_figure
from spectui.core.figures.files import draw, write_figure
from spectui.core.figures.report import ReportInputs, parameter_specs, write_report

PWV = "PWV [mm]_spectrum"
NIGHTS = (20250130, 20250131, 20250203)
FILTERS = ("BG40_65mm_1~holo4_003", "OG550_65mm_1~holo4_003", "empty~holo4_003")
LACKING = {"ok": "", "partial": "spectrumLibradtranFitParameters", "missing": "spectractorSpectrum"}


@pytest.fixture(scope="module")
def status() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 500
    nights = rng.choice(NIGHTS, n)
    statuses = rng.choice(["ok", "partial", "missing"], n, p=[0.7, 0.1, 0.2])
    return pd.DataFrame({
        "id": nights * 100_000 + np.arange(n), "day_obs": pd.array(nights, dtype="Int64"),
        "seq_num": pd.array(np.arange(n), dtype="Int64"),
        "physical_filter": pd.array(rng.choice(FILTERS, n), dtype="string"),
        "target": pd.array(rng.choice(["HD1", "HD2"], n), dtype="string"),
        "status": pd.array(statuses, dtype="string"),
        "lacking": pd.array([LACKING[s] for s in statuses], dtype="string")})


def results_table(seed: int, ids: np.ndarray, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(ids)
    frame = pd.DataFrame({"id": ids, "FILTER": rng.choice(["empty", "BG40_65mm_1"], n),
                          PWV: rng.normal(4, 1, n) + shift, "PWV [mm]_spectrogram": rng.normal(4, 1, n),
                          "VAOD_spectrum": rng.normal(0.03, 0.01, n), "TARGET": rng.choice(["HD1", "HD2"], n)})
    frame["DATE-OBS"] = (pd.Timestamp("2025-01-31T00:00Z") + pd.to_timedelta(rng.uniform(0, 80, n), "h"))
    frame.loc[::17, PWV] = np.nan
    return frame


def test_efficiency_bars_are_the_status_counts_per_night_and_filter(status):
    figure = efficiency_figure(status, "Efficiency · u/me/run")
    expected = status.groupby(["physical_filter", "day_obs", "status"]).size()
    fig = draw(figure)
    panels = [ax for ax in fig.axes if ax.containers]
    assert len(panels) == len(set(status["physical_filter"]))
    for ax in panels:
        name = ax.get_title(loc="left").split(":")[0]
        below = np.zeros(len(NIGHTS))
        for container, wanted in zip(ax.containers, ("ok", "partial", "missing")):
            heights = [patch.get_height() for patch in container]
            counts = [expected.get((name, night, wanted), 0) for night in NIGHTS]
            assert container.get_label() == wanted and heights == counts
            assert [patch.get_y() for patch in container] == below.tolist()
            below += counts
        hatches = {container.patches[0].get_hatch() for container in ax.containers}
        assert len(hatches) == 3, "statuses must differ by more than colour"
    ok = int((status["status"] == "ok").sum())
    assert figure.total() == len(status) and figure.efficiency() == pytest.approx(ok / len(status))
    assert "u/me/run" in fig._suptitle.get_text()


def test_many_nights_are_stacked_steps_of_the_same_counts(status):
    many = status.assign(day_obs=pd.array(20250101 + np.arange(len(status)) % 90, dtype="Int64"))
    figure = efficiency_figure(many)
    expected = many.groupby(["physical_filter", "day_obs", "status"]).size()
    ax = next(ax for ax in draw(figure).axes if ax.get_title(loc="left").startswith(FILTERS[1]))
    below = np.zeros(len(figure.nights))
    for patch, wanted in zip(ax.patches, ("ok", "partial", "missing")):
        values, _, baseline = patch.get_data()
        counts = np.array([expected.get((FILTERS[1], night, wanted), 0) for night in figure.nights])
        assert patch.get_label() == wanted and len(figure.nights) == 90
        assert np.array_equal(baseline, below) and np.array_equal(values, below + counts)
        below += counts


def test_an_empty_selection_has_no_efficiency(status):
    with pytest.raises(BadInput, match="no exposure"):
        efficiency_figure(status.iloc[:0])


def test_comparison_draws_b_minus_a_on_common_visits_in_time_order():
    a = results_table(1, np.arange(1000, 1400))
    b = results_table(2, np.arange(1200, 1700)[::-1], shift=0.3)
    figure = comparison_figure(a, b, PWV, "v1", "v2")
    both = a[["id", PWV]].merge(b[["id", PWV, "DATE-OBS"]], on="id", suffixes=("_a", "_b")).dropna()
    both = both.sort_values("DATE-OBS")
    assert figure.ids.tolist() == both["id"].tolist()
    assert np.allclose(figure.differences, both[f"{PWV}_b"] - both[f"{PWV}_a"])
    assert figure.shift == pytest.approx(np.median(both[f"{PWV}_b"] - both[f"{PWV}_a"]))
    top, bottom = draw(figure).axes
    assert np.allclose(top.get_lines()[0].get_ydata(), figure.differences)
    assert top.get_ylabel() == "Δ PWV (spectrum fit) [mm]" and "v2 − v1" in bottom.get_xlabel()
    assert {line.get_linestyle() for line in top.get_lines()[1:]} == {"--", ":"}


def test_comparison_reads_the_notebooks_names_and_refuses_bad_columns():
    a = results_table(1, np.arange(100))
    legacy = a.drop(columns=["VAOD_spectrum"]).rename(
        columns={PWV: "PWV [mm]_y", "PWV [mm]_spectrogram": "PWV [mm]_x"})
    assert np.allclose(comparison_figure(a, legacy, PWV).differences, 0)
    with pytest.raises(BadInput, match="unknown column 'PWV'"):
        comparison_figure(a, a, "PWV")
    with pytest.raises(BadInput, match="not numbers"):
        comparison_figure(a, a, "TARGET")


def test_efficiency_and_comparison_files_decode(status, tmp_path):
    from matplotlib.image import imread

    write_figure(efficiency_figure(status), tmp_path / "e.png")
    a = results_table(1, np.arange(300))
    write_figure(comparison_figure(a, results_table(2, np.arange(300)), PWV), tmp_path / "c.png")
    assert imread(tmp_path / "e.png").shape[1] == 800 and imread(tmp_path / "c.png").shape[1] == 800
    write_figure(comparison_figure(a, a, PWV), tmp_path / "c.svg")
    assert "Δ PWV (spectrum fit) [mm]" in (tmp_path / "c.svg").read_text()


def test_the_report_is_one_searchable_pdf_of_every_page(status, tmp_path):
    results = results_table(3, status["id"].to_numpy()[:400])
    other = results_table(4, status["id"].to_numpy()[100:], shift=0.5)
    inputs = ReportInputs("/repo/main", "u/me/run_a", "science exposures", status, results, "a.parquet",
                          "spectui report -c u/me/run_a -o r.pdf", compare_name="u/me/run_b",
                          compare_results=other)
    written = write_report(inputs, tmp_path / "r.pdf")
    reader = PdfReader(tmp_path / "r.pdf")
    specs = parameter_specs(results, "u/me/run_a")
    kinds = [spec.kind for spec in specs]
    assert kinds == ["hist", "hist", "series", "scatter", "hist", "series"]
    compared = [PWV, "VAOD_spectrum"]
    assert written.pages == len(reader.pages) == 1 + 1 + len(specs) + len(compared)
    first = reader.pages[0].extract_text()
    counts = status["status"].value_counts()
    assert "u/me/run_a" in first and "/repo/main" in first and "spectui report -c u/me/run_a" in first
    assert f"{len(status):,} selected: ok {counts['ok']:,}, partial {counts['partial']:,}" in first
    assert f"efficiency {counts['ok'] / len(status):.1%}" in first
    for name, group in status.groupby("physical_filter"):
        ok = int((group["status"] == "ok").sum())
        assert f"{name}" in first and f"{ok / len(group):.1%}" in first
    assert f"{int((status['status'] == 'missing').sum()):>7,}  spectractorSpectrum" in first
    texts = [page.extract_text() for page in reader.pages]
    assert all("u/me/run_a" in text for text in texts[1:]), "every figure names the collection"
    assert "PWV (spectrum fit) [mm]" in texts[2]
    assert not [p for p in tmp_path.iterdir() if p.name != "r.pdf"]


def test_a_report_is_only_a_pdf(status, tmp_path):
    inputs = ReportInputs("r", "c", "", status, None, "", "")
    with pytest.raises(BadInput, match="multi-page PDF"):
        write_report(inputs, tmp_path / "r.png")
    assert write_report(inputs, tmp_path / "r.pdf").pages == 2
