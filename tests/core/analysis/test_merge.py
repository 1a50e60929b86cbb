"""Merging results with exposures: keyed by id, ex_ prefix, both times kept, every join kind, clear refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis.merge import merge_files, merge_results, table_kind
from spectui.core.errors import BadInput
from spectui.core.tables.table_io import read_table, write_table

pytestmark = pytest.mark.both_registries


@pytest.fixture(scope="module")
def exposures(butler):
    from spectui.core.butler.exposures import query_exposures

    return query_exposures(butler)


@pytest.fixture(scope="module")
def results(exposures):
    """Results for a shuffled subset of exposures plus two visits the exposure list does not hold."""
    rng = np.random.default_rng(5)
    chosen = exposures.sample(120, random_state=2)
    frame = pd.DataFrame({
        "id": np.concatenate([chosen["id"].to_numpy(), [2024010100001, 2024010100002]]),
        "TARGET": list(chosen["target"]) + ["HD2811", "HD2811"],
        "D2CCD": rng.normal(187.2, 0.1, 122),
        "PWV [mm]_spectrum": rng.normal(4, 1, 122),
        "status": "ok",
    })
    midpoint = chosen["time_start"] + pd.to_timedelta(chosen["exposure_time"].to_numpy(float) / 2, "s")
    frame["DATE-OBS"] = list(midpoint) + [pd.Timestamp("2024-01-02T01:00:00Z")] * 2
    return frame.iloc[rng.permutation(122)].reset_index(drop=True)


def test_inner_merge_keys_rows_by_id_and_keeps_both_times(results, exposures):
    merged = merge_results(results, exposures)
    assert len(merged) == 120 and merged["id"].is_monotonic_increasing
    assert (merged["ex_day_obs"] == merged["id"] // 100_000).all()
    assert (merged["ex_seq_num"] == merged["id"] % 100_000).all()
    assert (merged["TARGET"] == merged["ex_target"]).all()
    assert {"DATE-OBS", "ex_time_start", "ex_time_end"} <= set(merged.columns)
    half = pd.to_timedelta(merged["ex_exposure_time"].to_numpy(float) / 2, "s")
    assert (merged["DATE-OBS"] - merged["ex_time_start"] == half).all()
    assert isinstance(merged["DATE-OBS"].dtype, pd.DatetimeTZDtype)
    exposure_columns = [c for c in exposures.columns if c != "id"]
    assert all(f"ex_{c}" in merged.columns for c in exposure_columns)
    assert not set(exposure_columns) & set(merged.columns) - set(results.columns)


def test_join_kinds(results, exposures):
    left = merge_results(results, exposures, how="left")
    assert len(left) == len(results) and left["ex_obs_id"].isna().sum() == 2
    right = merge_results(results, exposures, how="right")
    assert len(right) == len(exposures) and right["D2CCD"].isna().sum() == len(exposures) - 120
    outer = merge_results(results, exposures, how="outer")
    assert len(outer) == len(exposures) + 2
    with pytest.raises(BadInput, match="unknown join 'cross'"):
        merge_results(results, exposures, how="cross")


def test_csv_inputs_are_parsed_back_to_utc_times(results, exposures, tmp_path):
    write_table(results, tmp_path / "results.csv")
    write_table(exposures, tmp_path / "exposures.csv")
    merged = merge_results(read_table(tmp_path / "results.csv"), read_table(tmp_path / "exposures.csv"))
    direct = merge_results(results, exposures)
    assert isinstance(merged["ex_time_start"].dtype, pd.DatetimeTZDtype)
    assert (merged["DATE-OBS"] == direct["DATE-OBS"]).all()
    assert (merged["ex_time_start"] == direct["ex_time_start"]).all()


def test_legacy_naive_times_are_utc(results, exposures):
    legacy = results.assign(**{"DATE-OBS": results["DATE-OBS"].dt.tz_localize(None)})
    merged = merge_results(legacy, exposures)
    assert (merged["DATE-OBS"] == merge_results(results, exposures)["DATE-OBS"]).all()


def test_refusals_are_clear(results, exposures):
    with pytest.raises(BadInput, match="results has no `id` column.*`ID`"):
        merge_results(results.rename(columns={"id": "ID"}), exposures)
    with pytest.raises(BadInput, match="exposure list has 1 repeated ids"):
        merge_results(results, pd.concat([exposures, exposures.iloc[:1]]))
    with pytest.raises(BadInput, match="not an exposure id"):
        merge_results(results.assign(id=results["id"].astype(object).where(results.index > 0, "x")), exposures)
    merged = merge_results(results, exposures)
    with pytest.raises(BadInput, match="merged already"):
        merge_results(merged, exposures)


def test_which_file_is_which_is_told_by_the_columns(results, exposures, tmp_path):
    names = ("results", "exposures", "more_results", "more_exposures")
    paths = {name: tmp_path / f"{name}.parquet" for name in names}
    for name, frame in (("results", results), ("more_results", results), ("exposures", exposures),
                        ("more_exposures", exposures)):
        write_table(frame, paths[name])
    merged, swapped = merge_files(paths["results"], paths["exposures"], how="left")
    assert not swapped
    swapped_merge, swapped = merge_files(paths["exposures"], paths["results"], how="left")
    assert swapped
    pd.testing.assert_frame_equal(swapped_merge, merged)
    with pytest.raises(BadInput, match=r"both files are results \(Spectractor columns"):
        merge_files(paths["results"], paths["more_results"])
    with pytest.raises(BadInput, match=r"both files are exposure lists \(obs_id"):
        merge_files(paths["exposures"], paths["more_exposures"])
    with pytest.raises(BadInput, match="is given twice: merge takes a results file"):
        merge_files(paths["results"], tmp_path / "." / "results.parquet")


@pytest.mark.parametrize(("columns", "kind"), [
    (["id", "D2CCD", "status", "error"], "results"),
    (["id", "PWV [mm]_y", "PWV [mm]_err_x"], "results"),
    (["id", "VAOD_spectrogram", "ex_obs_id"], "results"),
    (["id", "obs_id", "day_obs", "seq_num", "physical_filter", "target"], "exposures"),
    (["id", "day_obs", "seq_num", "physical_filter", "target", "status", "lacking"], "exposures"),
    (["id", "value"], None),
])
def test_table_kinds(columns, kind):
    assert table_kind(pd.DataFrame(columns=columns)) == kind
