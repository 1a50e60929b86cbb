"""Comparing two runs: gained, lost and changed exposures, and parameter shifts on common visits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis.compare import compare_parameters, compare_status, transitions
from spectui.core.errors import BadInput

pytestmark = pytest.mark.both_registries


def _status(rows: dict[int, str]) -> pd.DataFrame:
    ids = list(rows)
    return pd.DataFrame({"id": ids, "day_obs": [i // 100_000 for i in ids], "seq_num": [i % 100_000 for i in ids],
                         "physical_filter": "empty~holo4_003", "target": "HD2811", "status": list(rows.values())})


def test_changes_between_two_status_tables():
    base = 2025010700000
    a = _status({base + 1: "ok", base + 2: "missing", base + 3: "ok", base + 4: "partial", base + 5: "ok",
                 base + 6: "partial", base + 7: "missing"})
    b = _status({base + 1: "ok", base + 2: "ok", base + 3: "missing", base + 4: "ok", base + 5: "partial",
                 base + 6: "missing", base + 8: "partial"})
    table = compare_status(a, b)
    changes = dict(zip(table["id"] - base, table["change"]))
    assert changes == {1: "same", 2: "gained", 3: "lost", 4: "improved", 5: "degraded", 6: "lost", 7: "same",
                       8: "gained"}
    assert table.set_index("id").loc[base + 8, "status_a"] == "absent"
    assert table.set_index("id").loc[base + 7, "status_b"] == "absent"
    assert table["day_obs"].notna().all() and table["target"].notna().all()
    counts = transitions(table)
    assert counts.to_numpy().sum() == len(table)
    assert counts.loc["missing", "ok"] == 1 and counts.loc["absent", "partial"] == 1


def test_demo_runs_comparison_matches_each_status(butler, demo_manifest):
    from spectui.core.analysis.status import exposure_status

    first, last = list(demo_manifest["runs"])[0], list(demo_manifest["runs"])[-1]
    a, b = exposure_status(butler, first), exposure_status(butler, last)
    table = compare_status(a, b)
    assert len(table) == len(a) == len(b)
    has_a = set(a.loc[a["status"] != "missing", "id"])
    has_b = set(b.loc[b["status"] != "missing", "id"])
    assert set(table.loc[table["change"] == "gained", "id"]) == has_b - has_a
    assert set(table.loc[table["change"] == "lost", "id"]) == has_a - has_b


def test_parameter_shift_and_scatter_on_common_visits():
    rng = np.random.default_rng(2)
    ids = 2025010700000 + np.arange(2000)
    a = pd.DataFrame({"id": ids, "PWV [mm]_spectrum": rng.normal(4, 1, 2000), "D2CCD": rng.normal(187.2, 0.1, 2000),
                      "FILTER": "empty", "day_obs": 20250107})
    b = a.iloc[500:].copy()
    b["PWV [mm]_spectrum"] += 0.3 + rng.normal(0, 0.05, len(b))
    b = b.sample(frac=1, random_state=1)
    table = compare_parameters(a, b).set_index("parameter")
    assert list(table.index) == ["PWV [mm]_spectrum", "D2CCD"]
    pwv = table.loc["PWV [mm]_spectrum"]
    assert pwv["common"] == 1500
    assert pwv["median_shift"] == pytest.approx(0.3, abs=0.01) and pwv["scatter"] == pytest.approx(0.05, rel=0.1)
    assert table.loc["D2CCD", "median_shift"] == 0 and table.loc["D2CCD", "scatter"] == 0
    only = compare_parameters(a, b, ["D2CCD"])
    assert list(only["parameter"]) == ["D2CCD"]
    with pytest.raises(BadInput, match="'ozone' is not in both"):
        compare_parameters(a, b, ["ozone"])
    with pytest.raises(BadInput, match="run B repeat 1 visit ids"):
        compare_parameters(a, pd.concat([b, b.iloc[:1]]))


def test_notebook_column_names_are_matched_with_spectuis_own():
    rng = np.random.default_rng(3)
    ids = 2025010700000 + np.arange(300)
    pwv, pwv_2d, err = rng.normal(4, 1, 300), rng.normal(4, 1, 300), rng.uniform(0.1, 0.2, 300)
    modern = pd.DataFrame({"id": ids, "PWV [mm]_spectrum": pwv, "PWV [mm]_err_spectrum": err,
                           "PWV [mm]_spectrogram": pwv_2d, "A1_spectrogram": pwv_2d, "D2CCD": pwv})
    legacy = pd.DataFrame({"id": ids, "PWV [mm]_y": pwv + 0.5, "PWV [mm]_err_y": err,
                           "PWV [mm]_x": pwv_2d, "A1": pwv_2d, "D2CCD": pwv})
    table = compare_parameters(legacy, modern).set_index("parameter")
    assert set(table.index) == {"PWV [mm]_spectrum", "PWV [mm]_err_spectrum", "PWV [mm]_spectrogram", "D2CCD"}
    assert table.loc["PWV [mm]_spectrum", "median_shift"] == pytest.approx(-0.5)
    assert table.loc["PWV [mm]_spectrogram", "median_shift"] == 0 and table.loc["D2CCD", "common"] == 300
    both_legacy = compare_parameters(legacy, legacy).set_index("parameter")
    assert {"PWV [mm]_y", "PWV [mm]_x", "A1"} <= set(both_legacy.index)
