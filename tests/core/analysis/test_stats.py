"""Statistics: histogram bookkeeping, robust sigma, per-group and nightly summaries, cumulative counts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis import stats
from spectui.core.errors import BadInput


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 3000
    nights = rng.choice([20250107, 20250108, 20250110], n)
    frame = pd.DataFrame({
        "id": nights * 100_000 + rng.integers(1, 900, n),
        "FILTER": pd.array(rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n), dtype="string"),
        "PWV [mm]_spectrum": rng.normal(4.0, 0.5, n),
        "D2CCD": rng.normal(187.2, 0.1, n),
    })
    frame["DATE-OBS"] = pd.to_datetime(nights.astype(str)).tz_localize("UTC") + pd.to_timedelta(
        rng.uniform(23, 33, n), "h")
    frame.loc[::50, "PWV [mm]_spectrum"] = np.nan
    frame.loc[1, "PWV [mm]_spectrum"] = np.inf
    return frame


def test_histogram_accounts_for_every_row(results):
    hist = stats.histogram(results, "PWV [mm]_spectrum", bins=12, lo=3.0, hi=5.0)
    values = results["PWV [mm]_spectrum"].to_numpy()
    assert hist.total == len(results) and hist.missing == np.isnan(values).sum()
    assert hist.underflow == (values < 3).sum() and hist.overflow == (values > 5).sum() >= 1
    expected, edges = np.histogram(values[(values >= 3) & (values <= 5)], bins=12, range=(3, 5))
    assert (hist.counts == expected).all() and np.allclose(hist.edges, edges)
    full = stats.histogram(results, "PWV [mm]_spectrum", bins=7)
    assert full.underflow == 0 and full.inside + full.overflow + full.missing == len(results)


def test_histogram_edge_cases(results):
    constant = pd.DataFrame({"x": [2.0, 2.0, 2.0]})
    assert stats.histogram(constant, "x", bins=4).inside == 3
    assert stats.histogram(pd.DataFrame({"x": [np.nan]}), "x").missing == 1
    with pytest.raises(BadInput, match="low before high"):
        stats.histogram(results, "D2CCD", lo=5, hi=1)
    with pytest.raises(BadInput, match="positive integer"):
        stats.histogram(results, "D2CCD", bins=0)
    with pytest.raises(BadInput, match="holds string values, not numbers"):
        stats.histogram(results, "FILTER")
    with pytest.raises(BadInput, match="unknown column 'D2CD'; did you mean D2CCD"):
        stats.histogram(results, "D2CD")


def test_render_histogram_lines(results):
    hist = stats.histogram(results, "PWV [mm]_spectrum", bins=5, lo=3.5, hi=4.5)
    text = stats.render_histogram(hist, width=30)
    lines = text.splitlines()
    assert lines[0].startswith("PWV [mm]_spectrum:") and len(lines) == 1 + 5 + 3
    assert lines[1].lstrip().startswith("< 3.5") and lines[-2].lstrip().startswith("> 4.5")
    peak = int(np.argmax(hist.counts))
    assert lines[2 + peak].count("█") == 30
    labels = [re.match(r"\s*(\[.*?[)\]])", line).group(1) for line in lines[2:7]]
    assert len(set(labels)) == 5 and labels[0].startswith("[3.5,") and labels[-1].endswith("4.5]")


def test_robust_sigma():
    assert stats.robust_sigma([1, 2, 3, 4, 100]) == pytest.approx(1.4826)
    sample = np.random.default_rng(1).normal(0, 2.0, 200_000)
    assert stats.robust_sigma(np.append(sample, [1e6, np.nan])) == pytest.approx(2.0, rel=0.02)
    assert np.isnan(stats.robust_sigma([np.nan]))


def test_group_summary_and_nightly(results):
    summary = stats.group_summary(results, "D2CCD", "FILTER")
    assert list(summary.columns) == ["FILTER", "count", "median", "robust_sigma"]
    for row in summary.itertuples():
        values = results.loc[results["FILTER"] == row.FILTER, "D2CCD"]
        assert row.count == len(values) and row.median == pytest.approx(values.median())
        assert row.robust_sigma == pytest.approx(stats.robust_sigma(values))
    two = stats.group_summary(results, "PWV [mm]_spectrum", ["FILTER", "id"])
    assert two["count"].sum() == np.isfinite(results["PWV [mm]_spectrum"]).sum()
    nightly = stats.nightly(results, "D2CCD")
    assert list(nightly["night"]) == [20250107, 20250108, 20250110]
    assert nightly["count"].sum() == len(results)
    with pytest.raises(BadInput, match="cannot tell the night"):
        stats.nightly(results.drop(columns="id"), "D2CCD")


def test_cumulative_counts_per_filter(results):
    counts = stats.cumulative_counts(results, "FILTER")
    assert counts["DATE-OBS"].is_monotonic_increasing and list(counts["total"]) == list(range(1, len(results) + 1))
    finals = counts.iloc[-1]
    for name, n in results["FILTER"].value_counts().items():
        assert finals[name] == n
    per_night = stats.cumulative_per_night(results, "FILTER")
    assert list(per_night["night"]) == [20250107, 20250108, 20250110]
    assert per_night["total"].iloc[-1] == len(results)
    first = (results["id"] // 100_000 == 20250107).sum()
    assert per_night["total"].iloc[0] == first
    with pytest.raises(BadInput, match="no time column"):
        stats.cumulative_counts(results.drop(columns="DATE-OBS"), "FILTER")
