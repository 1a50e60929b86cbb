"""Random and malformed input at every parser of the foundation: one clear spectui error, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectui.core.collections import search_collections
from spectui.core.config import load_config
from spectui.core.errors import SpectuiError
from spectui.core.exposures import ExposureSelection, parse_day_obs, query_exposures
from spectui.core.repo import open_repo
from spectui.core.tables import read_table
from spectui.core.views import default_export_path

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WHERE_ALPHABET = st.sampled_from(list("exposure.seq_num day_obs zenith_angle target_name ()'=<>!, AND OR NOT 123"))


@FAST
@given(st.text())
def test_day_obs_parser(text):
    try:
        value = parse_day_obs(text)
    except SpectuiError as exc:
        assert "YYYYMMDD" in exc.message
    else:
        assert 10000101 <= value <= 99991231


@FAST
@given(st.one_of(st.text(max_size=40), st.lists(WHERE_ALPHABET, max_size=25).map("".join)))
def test_where_clauses(butler, text):
    try:
        frame = query_exposures(butler, ExposureSelection(where=text))
    except SpectuiError as exc:
        assert "\n" not in exc.message
    else:
        assert "id" in frame.columns


@FAST
@given(st.text(max_size=30))
def test_collection_patterns(butler, text):
    try:
        found = search_collections(butler, text, counts=False)
    except SpectuiError as exc:
        assert "\n" not in exc.message
    else:
        assert isinstance(found, list)


@FAST
@given(st.text(max_size=60))
def test_repo_paths(text):
    try:
        open_repo(text)
    except SpectuiError as exc:
        assert exc.message


@pytest.mark.parametrize("suffix", ["csv", "parquet", "json", "npy", "parquet.gz"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(max_size=400))
def test_table_readers_on_random_bytes(tmp_path, suffix, payload):
    path = tmp_path / f"random.{suffix}"
    path.write_bytes(payload)
    try:
        frame = read_table(path)
    except SpectuiError as exc:
        assert str(path) in exc.message
    else:
        assert frame is not None


@FAST
@given(payload=st.binary(max_size=300))
def test_config_files(tmp_path, payload):
    path = tmp_path / "config.toml"
    path.write_bytes(payload)
    try:
        config = load_config(path)
    except SpectuiError as exc:
        assert str(path) in exc.message
    else:
        assert isinstance(config, dict)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=st.one_of(st.text(max_size=30), st.sampled_from(["..", "../../etc/passwd", "/tmp/x", "a/../../b",
                                                             "~", ".hidden", "u/dagoret/run"])))
def test_default_export_names_stay_in_the_chosen_directory(tmp_path, stem):
    path = default_export_path(tmp_path, stem)
    assert path.parent == tmp_path and path.name not in (".csv", "..csv") and not path.name.startswith(".")
