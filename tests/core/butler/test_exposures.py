"""Exposure selection: the pushed-down query, columns, UTC times, selection options and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from spectui.core.butler.exposures import COLUMNS, ExposureSelection, query_exposures
from spectui.core.errors import BadInput, BadQuery

pytestmark = pytest.mark.both_registries


@pytest.fixture(scope="module")
def all_records(butler):
    return {r.id: r for r in butler.query_dimension_records("exposure", instrument="LATISS", limit=None,
                                                             explain=False)}


def test_default_is_science_with_every_holo4_disperser(butler, all_records):
    frame = query_exposures(butler)
    assert tuple(frame.columns) == COLUMNS
    expected = {i for i, r in all_records.items()
                if r.observation_type == "science" and r.physical_filter.split("~")[1].startswith("holo4")}
    assert set(frame["id"]) == expected
    assert frame["id"].is_monotonic_increasing
    assert (frame["id"] == frame["day_obs"] * 100_000 + frame["seq_num"]).all()
    assert set(frame["disperser"]) <= {"holo4_003", "holo4_001"}


def test_times_are_utc_converted_not_relabelled(butler, all_records):
    frame = query_exposures(butler)
    for row in frame.sample(40, random_state=0).itertuples():
        record = all_records[row.id]
        expected_start = pd.Timestamp(record.timespan.begin.utc.isot, tz="UTC")
        expected_end = pd.Timestamp(record.timespan.end.utc.isot, tz="UTC")
        assert abs(row.time_start - expected_start) < pd.Timedelta(microseconds=2)
        assert abs(row.time_end - expected_end) < pd.Timedelta(microseconds=2)
        assert abs(row.mjd - record.timespan.begin.utc.mjd) < 1e-8
        tai_minus_utc = pd.Timestamp(record.timespan.begin.isot, tz="UTC") - row.time_start
        assert abs(tai_minus_utc - pd.Timedelta(seconds=37)) < pd.Timedelta(microseconds=2)


def test_selection_options_narrow_the_query(butler, all_records):
    full = query_exposures(butler)
    nights = sorted(full["day_obs"].unique())
    og = query_exposures(butler, ExposureSelection(filters=("OG550_65mm_1",)))
    assert set(og["filter"]) == {"OG550_65mm_1"} and len(og) < len(full)
    late = query_exposures(butler, ExposureSelection(since=int(nights[1]), until=int(nights[-1])))
    assert set(late["day_obs"]) == set(nights[1:])
    target = full["target"].iloc[0]
    one = query_exposures(butler, ExposureSelection(targets=(target,)))
    assert set(one["target"]) == {target} and len(one) == (full["target"] == target).sum()
    every = query_exposures(butler, ExposureSelection(all_types=True))
    assert {"acq", "science"} <= set(every["observation_type"])
    where = query_exposures(butler, ExposureSelection(where="exposure.zenith_angle < 40"))
    assert len(where) == (full["zenith_angle"] < 40).sum()


def test_user_values_travel_through_bind(butler):
    assert query_exposures(butler, ExposureSelection(targets=("HD' OR 1=1 --",))).empty


def test_bad_selections_say_what_is_wrong(butler):
    with pytest.raises(BadInput, match="dispersers in this repository: .*holo4_003"):
        query_exposures(butler, ExposureSelection(dispersers=("ronchi90lpmm",)))
    with pytest.raises(BadInput, match="filters there"):
        query_exposures(butler, ExposureSelection(filters=("NOPE",)))
    with pytest.raises(BadInput, match="after --until"):
        query_exposures(butler, ExposureSelection(since=20250301, until=20250101))
    with pytest.raises(BadQuery, match=r"'exposure.seq_num > AND 1': syntax error at position 20"):
        query_exposures(butler, ExposureSelection(where="exposure.seq_num > AND 1"))
    with pytest.raises(BadQuery, match="Unrecognized field 'nope'"):
        query_exposures(butler, ExposureSelection(where="exposure.nope = 1"))
    with pytest.raises(BadQuery, match=r"'exposure.id IN \(1..3:0\)': unexpected character ':' at position 21; a "
                                       "Butler where expression looks like `exposure.zenith_angle < 40`.$"):
        query_exposures(butler, ExposureSelection(where="exposure.id IN (1..3:0)"))
