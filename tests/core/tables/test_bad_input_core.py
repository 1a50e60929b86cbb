"""Random and malformed input at every parser of the foundation: one clear spectui error, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import exc as sql

from spectui.core.butler.collections import search_collections
from spectui.core.butler.exposures import ExposureSelection, parse_day_obs, query_exposures
from spectui.core.butler.repo import butler_errors, open_repo
from spectui.core.config import load_config
from spectui.core.errors import BadQuery, RegistryUnavailable, SpectuiError
from spectui.core.settings import Settings, load_settings
from spectui.core.tables.table_io import read_table
from spectui.core.tables.views import default_export_path

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
@example("A()")
@example("exposure.seq_num > 99999999999999999999")
@example("exposure.seq_num / 0 > 1")
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
    try:
        settings = load_settings(path)
    except SpectuiError as exc:
        assert f"configuration {path}" in exc.message and "\n" not in exc.message
    else:
        assert isinstance(settings, Settings)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=st.one_of(st.text(max_size=30), st.sampled_from(["..", "../../etc/passwd", "/tmp/x", "a/../../b",
                                                             "~", ".hidden", "u/dagoret/run"])))
def test_default_export_names_stay_in_the_chosen_directory(tmp_path, stem):
    path = default_export_path(tmp_path, stem)
    assert path.parent == tmp_path and path.name not in (".csv", "..csv") and not path.name.startswith(".")


def driver_error(name: str, text: str, module: str = "psycopg", base: type = Exception) -> Exception:
    """An error of a PostgreSQL driver's class `name` (defined in `module`), as the driver raises it."""
    return type(name, (base,), {"__module__": module})(text)


PSYCOPG2_OPERATIONAL = type(driver_error("OperationalError", "", "psycopg2"))
QUERY_HINT = "; a Butler where expression looks like `exposure.zenith_angle < 40`."
UNREACHABLE = "; check the database is up and try again."


@pytest.mark.parametrize(("raised", "kind", "message"), [
    (sql.DataError("SELECT", {}, driver_error("DivisionByZero", "division by zero")), BadQuery,
     "bad exposure query: the database refused it (division by zero)" + QUERY_HINT),
    (sql.ProgrammingError("SELECT", {}, driver_error("UndefinedFunction", "function foo() does not exist")),
     BadQuery, "the database refused it (function foo() does not exist)"),
    (sql.IntegrityError("SELECT", {}, driver_error("NotNullViolation", "null value")), BadQuery, "(null value)"),
    (sql.StatementError("cannot bind", "SELECT", {}, TypeError("not a number")), BadQuery, "(not a number)"),
    (OverflowError("Python int too large to convert to SQLite INTEGER"), BadQuery,
     "a number is out of the database's range (Python int too large to convert to SQLite INTEGER)" + QUERY_HINT),
    (ValueError("Unknown function 'A' in expression"), BadQuery,
     "Unknown function 'A' in expression" + QUERY_HINT),
    (TypeError("unsupported operand"), BadQuery, "bad exposure query: unsupported operand" + QUERY_HINT),
    (sql.OperationalError("connect", {}, driver_error("OperationalError", "connection refused\nIs it running?")),
     RegistryUnavailable, "the repository's registry cannot be reached (exposure query: connection refused)"
     + UNREACHABLE),
    (sql.InterfaceError("SELECT", {}, driver_error("InterfaceError", "connection already closed")),
     RegistryUnavailable, "cannot be reached (exposure query: connection already closed)" + UNREACHABLE),
    (driver_error("OperationalError", "server closed the connection unexpectedly"), RegistryUnavailable,
     "cannot be reached (exposure query: server closed the connection unexpectedly)" + UNREACHABLE),
    (driver_error("AdminShutdown", "terminating connection", "psycopg2.errors", PSYCOPG2_OPERATIONAL),
     RegistryUnavailable, "cannot be reached (exposure query: terminating connection)" + UNREACHABLE),
    (ModuleNotFoundError("No module named 'psycopg2'", name="psycopg2"), RegistryUnavailable,
     "its driver (psycopg2) is not installed: pip install 'spectui[postgres]'."),
    (sql.OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked")), RegistryUnavailable,
     "the repository's registry cannot be read (exposure query: database is locked); check that it is in place"),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None)
def test_database_and_driver_errors_become_one_line_spectui_errors(raised, kind, message):
    with pytest.raises(kind) as caught, butler_errors("exposure query"):
        raise raised
    assert message in caught.value.message and "\n" not in caught.value.message


@pytest.mark.parametrize("raised", [RuntimeError("a bug"), KeyboardInterrupt(), driver_error("Warning", "x")])
def test_other_errors_are_not_taken_for_the_users(raised):
    with pytest.raises(type(raised)), butler_errors("exposure query"):
        raise raised
