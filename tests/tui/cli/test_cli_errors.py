"""Mistakes that reach the Butler or its database: one line on stderr, exit 2, never a traceback."""

from __future__ import annotations

import sys

import pytest
from cli_helpers import assert_one_line_error, run

RUN = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
BUTLER_EXAMPLE = "a Butler where expression looks like `exposure.zenith_angle < 40`"


@pytest.mark.parametrize(("where", "message"), [
    ("foo(1)", "Unknown function 'foo' in expression"),
    ("A()", "Unknown function 'A' in expression"),
    ("exposure.seq_num > 99999999999999999999", "a number is out of the database's range"),
])
@pytest.mark.parametrize("command", [["exposures", "-o", "-"], ["missing", "-c", RUN]],
                         ids=["exposures", "missing"])
def test_where_clauses_the_query_system_or_the_database_refuse(demo_repo, command, where, message):
    result = run(*command, "--repo", str(demo_repo), "--where", where)
    assert_one_line_error(result, message)
    assert BUTLER_EXAMPLE in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", [["exposures", "-o", "-"], ["missing", "-c", RUN]],
                         ids=["exposures", "missing"])
def test_the_users_own_where_expression_is_quoted(demo_repo, command):
    result = run(*command, "--repo", str(demo_repo), "--where", "POINT(1,2)")
    assert_one_line_error(result, "bad --where expression 'POINT(1,2)': Invalid types bool, region")
    assert "spectui_" not in result.stderr


def test_a_postgresql_repository_without_its_driver_says_what_to_install(tmp_path, monkeypatch):
    (tmp_path / "butler.yaml").write_text("datastore:\n  root: <butlerRoot>\n"
                                          "registry:\n  db: postgresql://spectui@127.0.0.1:9/registry\n")
    for driver in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, driver, None)
    result = run("collections", "--repo", str(tmp_path))
    assert_one_line_error(result, f"cannot open repository '{tmp_path}': its registry is a PostgreSQL database")
    assert "is not installed: pip install 'spectui[postgres]'." in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["missing", "--chunk", "0"], "Invalid value for '--chunk': 0 is not in the range x>=1. See `spectui missing "
                                  "--help`."),
    (["exposuers"], "No such command 'exposuers'. Did you mean 'exposures'? See `spectui --help`."),
    (["--bogus"], "No such option '--bogus'"),
    (["runs", "add"], "Missing argument 'NAME'. See `spectui runs add --help`."),
    (["collections", "--format", "xml"], "'xml' is not one of 'table', 'csv', 'json'"),
])
def test_mistyped_commands_are_one_line_too(args, message):
    assert_one_line_error(run(*args), message)


@pytest.mark.parametrize("args", [["open", "~no_such_user_here/x.csv"],
                                  ["exposures", "--repo", "REPO", "-o", "~no_such_user_here/x.csv"]])
def test_the_home_of_an_unknown_user_is_one_line(args, demo_repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [str(demo_repo) if arg == "REPO" else arg for arg in args]
    assert_one_line_error(run(*args), "~no_such_user_here/ has no home folder")


def test_missing_refuses_two_tables_on_stdout(demo_repo):
    assert_one_line_error(run("missing", "--repo", str(demo_repo), "-c", RUN, "-o", "-", "--summary", "-"),
                          "-o and --summary cannot both go to stdout")
