"""The commands through a Butler server's URL and on a repository whose files are on S3 (both real, local):
the same answers as on the local demo, and one line for each way the server refuses."""

from __future__ import annotations

import re
from io import StringIO

import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run, run_on_terminal
from extract_support import RUN_302, RUN_320
from postgres_server import free_port

pytestmark = pytest.mark.remote

SINCE = ("--since", "20250110")


def table(result) -> pd.DataFrame:
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(StringIO(result.stdout))


def test_collections_as_on_the_local_repository(remote_repo, demo_repo):
    local = table(run("collections", "u/*", "--repo", str(demo_repo), "--format", "csv"))
    pd.testing.assert_frame_equal(table(run("collections", "u/*", "--repo", remote_repo, "--format", "csv")), local)


def test_exposures_and_missing_as_on_the_local_repository(remote_repo, demo_repo):
    for command in (("exposures", "--where", "exposure.zenith_angle < 40"), ("missing", "-c", RUN_320)):
        local = table(run(*command, "--repo", str(demo_repo), "-o", "-"))
        assert len(local) > 50
        pd.testing.assert_frame_equal(table(run(*command, "--repo", remote_repo, "-o", "-")), local)


def test_compare_as_on_the_local_repository(remote_repo, demo_repo, tmp_path):
    outputs = [tmp_path / "local.csv", tmp_path / "remote.csv"]
    for repo, output in zip((str(demo_repo), remote_repo), outputs):
        result = run("compare", RUN_302, RUN_320, "--repo", repo, *SINCE, "-o", str(output))
        assert result.exit_code == 0, result.stderr
    pd.testing.assert_frame_equal(pd.read_csv(outputs[1]), pd.read_csv(outputs[0]))


def test_extract_gives_exactly_the_local_table(remote_repo, demo_repo, tmp_path):
    local, remote = tmp_path / "local.parquet", tmp_path / "remote.parquet"
    assert run("extract", "--repo", str(demo_repo), "-c", RUN_320, *SINCE, "-o", str(local),
               "--workers", "1").exit_code == 0
    result = run("extract", "--repo", remote_repo, "-c", RUN_320, *SINCE, "-o", str(remote), "--workers", "2")
    assert result.exit_code == 0, result.stderr
    expected = pd.read_parquet(local)
    assert len(expected) > 50 and (expected["status"] == "ok").sum() > 50
    pd.testing.assert_frame_equal(pd.read_parquet(remote), expected)


def test_no_token_wrong_url_and_no_server_are_one_line_each(butler_servers, monkeypatch):
    url = butler_servers.url
    assert_one_line_error(run("exposures", "--repo", url.replace("/api/butler/", "/api/"), "-o", "-"),
                          "404 Not Found")
    down = f"http://127.0.0.1:{free_port()}/api/butler/repo/demo/butler.yaml"
    assert_one_line_error(run("collections", "--repo", down), "cannot reach the Butler server")
    monkeypatch.setenv("BUTLER_RUBIN_ACCESS_TOKEN", "expired")
    assert_one_line_error(run("missing", "--repo", url, "-c", RUN_320, "-o", "-"), "403 Forbidden")
    monkeypatch.delenv("BUTLER_RUBIN_ACCESS_TOKEN")
    assert_one_line_error(run("extract", "--repo", url, "-c", RUN_320, "-o", "-"),
                          "set BUTLER_RUBIN_ACCESS_TOKEN")


def test_the_progress_line_says_the_workers_resolve_urls_through_the_server(butler_servers, tmp_path):
    status, lines = run_on_terminal("extract", "--repo", butler_servers.url, "-c", RUN_320, "-o",
                                    str(tmp_path / "r.parquet"), "-j", "1")
    assert status == 0
    bars = [redraw for line in lines for redraw in line.split("\r") if re.search(r"\] \d+/\d+ visits", redraw)]
    assert bars and all(bar.startswith("resolving URLs, reading [") for bar in bars)
