"""What the analysis plots draw: every row counted once, groups capped, ticks readable, nights spaced by date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis import plot_data
from spectui.core.analysis.result_files import file_name_for, proposed_output
from spectui.core.analysis.runs import Run, save_runs
from spectui.core.analysis.status_view import StatusFilter, night_counts, to_reprocess
from spectui.core.errors import BadInput


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 2000
    nights = rng.choice([20250130, 20250131, 20250203], n)
    frame = pd.DataFrame({
        "id": nights * 100_000 + np.arange(n),
        "FILTER": pd.array(rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n), dtype="string"),
        "TARGET": pd.array(rng.choice([f"HD{k}" for k in range(12)], n), dtype="string"),
        "CHI2_FIT": rng.lognormal(3, 1, n),
    })
    frame["DATE-OBS"] = pd.to_datetime(nights.astype(str)).tz_localize("UTC") + pd.to_timedelta(
        rng.uniform(23, 33, n), "h")
    frame.loc[::40, "CHI2_FIT"] = np.nan
    frame.loc[3, "CHI2_FIT"] = np.inf
    return frame


@pytest.mark.parametrize("by", plot_data.GROUPINGS)
def test_every_row_is_in_a_bin_outside_or_missing(results, by):
    hist = plot_data.grouped_histogram(results, "CHI2_FIT", by, bins=17)
    assert len(hist.edges) == 18 and hist.rows == len(results)
    assert sum(int(c.sum()) for c in hist.counts) + hist.outside + hist.missing == len(results)
    assert hist.missing == int(results["CHI2_FIT"].isna().sum()) and hist.outside >= 1


def test_the_robust_range_leaves_the_wild_values_outside_and_full_range_keeps_them(results):
    robust = plot_data.grouped_histogram(results, "CHI2_FIT")
    full = plot_data.grouped_histogram(results, "CHI2_FIT", full_range=True)
    finite = results["CHI2_FIT"][np.isfinite(results["CHI2_FIT"])]
    assert full.edges[0] == finite.min() and full.edges[-1] == finite.max() and full.outside == 1
    assert robust.outside > full.outside and robust.edges[-1] < full.edges[-1]


def test_groups_beyond_the_largest_are_merged_into_other(results):
    hist = plot_data.grouped_histogram(results, "CHI2_FIT", "target", max_groups=5)
    counts = results["TARGET"].value_counts()
    assert len(hist.labels) == 5 and hist.labels[-1] == plot_data.OTHER
    assert set(hist.labels[:-1]) == set(counts.index[:4])
    table = hist.table()
    assert list(table.columns) == ["bin", *hist.labels] and len(table) == 20


def test_mask_keeps_the_chosen_rows_only(results):
    mask = (results["FILTER"] == "empty").to_numpy()
    hist = plot_data.grouped_histogram(results, "CHI2_FIT", "filter", mask=mask)
    assert hist.labels == ("empty",) and hist.rows == mask.sum()


def test_bad_requests_say_why(results):
    with pytest.raises(BadInput, match="positive integer"):
        plot_data.grouped_histogram(results, "CHI2_FIT", bins=0)
    with pytest.raises(BadInput, match="cannot group by 'colour'"):
        plot_data.grouped_histogram(results, "CHI2_FIT", "colour")
    with pytest.raises(BadInput, match="not numbers"):
        plot_data.grouped_histogram(results, "FILTER")
    with pytest.raises(BadInput, match="cannot group by target"):
        plot_data.grouped_histogram(results[["id", "CHI2_FIT"]], "CHI2_FIT", "target")


def test_nightly_series_and_cumulative_counts(results):
    series = plot_data.nightly_series(results, "CHI2_FIT", "filter")
    assert list(series.nights) == [20250130, 20250131, 20250203]
    night_one = results[(results["id"] // 100_000 == 20250130) & (results["FILTER"] == "empty")]["CHI2_FIT"]
    index = series.labels.index("empty")
    assert series.values[index][0] == pytest.approx(night_one[np.isfinite(night_one)].median())
    counted = plot_data.cumulative_series(results, "filter")
    assert counted.labels[0] == "total" and list(counted.values[0]) == list(
        np.cumsum((results["id"] // 100_000).value_counts().sort_index()))
    assert sum(v[-1] for v in counted.values[1:]) == len(results)


def test_ticks_steps_and_log_scale():
    positions, labels = plot_data.value_ticks(186.9, 187.5, 8)
    assert labels[0] == "186.9" and labels[-1] == "187.5" and len(positions) <= 8
    xs, ys = plot_data.step_xy(np.array([0.0, 1.0, 2.0]), np.array([3, 5]))
    assert xs == [0.0, 1.0, 1.0, 2.0] and ys == [3.0, 3.0, 5.0, 5.0]
    ticks, names = plot_data.log_ticks(345)
    assert names == ["1", "10", "100", "1,000"] and ticks[1] == pytest.approx(np.log10(11))
    days = plot_data.night_days([20250131, 20250201])
    assert days[1] - days[0] == 1
    assert plot_data.night_ticks(np.array([20250131, 20250201, 20250301]), 2)[1] == ["2025-01-31", "2025-03-01"]


def test_envelope_keeps_every_spike_with_fewer_points():
    x = np.linspace(300, 1000, 2000)
    y = np.sin(x / 20)
    y[1234] = 50.0
    xs, ys = plot_data.envelope(x, y, 100)
    assert len(xs) == len(ys) == 200 and ys.max() == 50.0 and ys.min() == y.min()
    assert np.all(np.diff(xs) >= 0) and xs[0] >= x[0] and xs[-1] <= x[-1]
    highs = plot_data.envelope(x, y, 100, "high")[1]
    assert len(highs) == 100 and highs.max() == 50.0
    assert plot_data.envelope(x[:50], y[:50], 100)[1].tolist() == y[:50].tolist()


def test_differences_on_common_visits():
    a = pd.DataFrame({"id": [1, 2, 3], "x": [1.0, 2.0, np.nan]})
    b = pd.DataFrame({"id": [2, 3, 4], "x": [2.5, 1.0, 9.0]})
    assert list(plot_data.differences(a, b, "x")) == [0.5]


def test_results_file_names_and_the_registry_first(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path))
    assert file_name_for("u/dagoret/auxtel_run_2025/20251210T101010Z") == \
        "u_dagoret_auxtel_run_2025_20251210T101010Z.parquet"
    assert proposed_output("u/x", directory=tmp_path) == tmp_path / "u_x.parquet"
    save_runs([Run("r1", collection="u/x", files={"extracted": "/data/r1.parquet"})])
    assert str(proposed_output("u/x", "r1", tmp_path)) == "/data/r1.parquet"
    assert proposed_output("u/x", "unknown", tmp_path) == tmp_path / "u_x.parquet"


def test_status_narrowing_and_what_to_reprocess():
    status = pd.DataFrame({
        "id": [1, 2, 3, 4, 5], "day_obs": pd.array([20250107, 20250107, 20250108, 20250108, 20250108], "Int64"),
        "seq_num": [1, 2, 3, 4, 5], "physical_filter": pd.array(["a", "b", "a", "a", "b"], dtype="string"),
        "target": pd.array(["t", "t", "u", "t", "u"], dtype="string"),
        "status": pd.array(["ok", "missing", "missing", "partial", "missing"], dtype="string"),
        "lacking": pd.array([""] * 5, dtype="string")})
    assert list(to_reprocess(status, StatusFilter())["id"]) == [2, 3, 5]
    assert list(to_reprocess(status, StatusFilter(status="partial"))["id"]) == [4]
    chosen = StatusFilter(filter="a")
    assert chosen.expression() == "physical_filter == 'a'"
    nights, counts = night_counts(status, chosen)
    assert list(nights) == [20250107, 20250108] and list(counts["missing"]) == [0, 1]
    assert list(counts["ok"]) == [1, 0] and list(counts["partial"]) == [0, 1]
