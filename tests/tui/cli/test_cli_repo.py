"""The command line over a repository: demo, collections, exposures, and one clear line for every mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run
from extract_support import RUN_320

pytestmark = pytest.mark.both_registries


def test_help_imports_no_heavy_module():
    code = ("import sys; from click.testing import CliRunner; from spectui.tui.cli.main import main; "
            "CliRunner().invoke(main, ['--help']); CliRunner().invoke(main, ['exposures', '--help']); "
            "print(','.join(m for m in ('pandas', 'lsst.daf.butler', 'textual', 'numpy', 'astropy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_exposures_to_stdout_and_files(demo_repo, tmp_path):
    result = run("exposures", "--repo", str(demo_repo), "--filter", "OG550_65mm_1", "-o", "-")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(StringIO(result.stdout))
    assert len(frame) > 50 and set(frame["filter"]) == {"OG550_65mm_1"}
    for suffix in ("csv", "parquet", "json"):
        out = tmp_path / f"exp.{suffix}"
        result = run("exposures", "--repo", str(demo_repo), "--since", "20250108", "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert f"to {out}" in result.stderr
        read = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json}[suffix](out)
        assert len(read) > 50 and read["day_obs"].min() >= 20250108


def test_collections_formats(demo_repo):
    table = run("collections", "u/dagoret/*", "--repo", str(demo_repo))
    assert table.exit_code == 0 and "auxtel_latest" in table.stdout and "CHAINED" in table.stdout
    data = json.loads(run("collections", "*", "--repo", str(demo_repo), "--format", "json").stdout)
    assert any(c["spectractor"] for c in data) and any(c["type"] == "CHAINED" for c in data)
    csv_out = run("collections", "LATISS/*", "--repo", str(demo_repo), "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "name,type,children,dataset_types,spectractor"


def test_collections_of_one_user_as_csv_are_those_of_the_pattern(demo_repo):
    by_user = run("collections", "--user", "dagoret", "--repo", str(demo_repo), "--format", "csv")
    by_pattern = json.loads(run("collections", "u/dagoret/*", "--repo", str(demo_repo), "--format", "json").stdout)
    rows = pd.read_csv(StringIO(by_user.stdout))
    assert by_user.exit_code == 0 and list(rows["name"]) == [c["name"] for c in by_pattern] and len(rows) >= 3
    assert list(rows["spectractor"]) == [c["spectractor"] for c in by_pattern]
    assert_one_line_error(run("collections", "u/*", "--user", "dagoret", "--repo", str(demo_repo)),
                          "give a PATTERN or --user, not both")


def test_collection_names_are_whole_when_piped(demo_repo):
    listed = json.loads(run("collections", "*", "--repo", str(demo_repo), "--format", "json").stdout)
    assert max(len(c["name"]) for c in listed) > 100
    table = run("collections", "*", "--repo", str(demo_repo), "--format", "table")
    assert table.exit_code == 0 and "…" not in table.stdout and "\x1b" not in table.stdout
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["collection", "type", "spectractor", "dataset", "types"]
    rows = [line.split() for line in lines[1:] if not line.startswith(" ")]
    assert [row[0] for row in rows] == [c["name"] for c in listed]
    children = [line.split()[1:] for line in lines[1:] if line.startswith("  └ ")]
    assert children == [[child] for c in listed for child in c["children"]]
    counts = [", ".join(f"{t} {n}" for t, n in c["dataset_types"].items()) for c in listed]
    assert [" ".join(row[3 if c["spectractor"] else 2:]) for row, c in zip(rows, listed)] == counts


def test_in_a_terminal_the_other_columns_give_way_to_the_names():
    from io import StringIO

    from rich.console import Console

    from spectui.tui.cli.repo import collections_table

    name = "u/someone/" + "very_long_collection_name_" * 5
    types = "spectractorSpectrum 10, spectrumLibradtranFitParameters 9"
    table, width = collections_table([(name, "RUN", "yes", types)])
    shown = StringIO()
    Console(file=shown, width=width, color_system=None).print(table)
    assert name in shown.getvalue() and "…" in shown.getvalue()


def test_demo_command_prints_the_path_also_when_the_demo_exists(tmp_path, monkeypatch):
    result = run("demo", "--path", str(tmp_path / "d"), "--nights", "1", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "d")
    again = run("demo", "--path", str(tmp_path / "d"), "--nights", "1")
    assert again.exit_code == 0 and again.stdout == result.stdout, again.stderr
    assert "already at" in again.stderr and "1 night, seed 3" in again.stderr and "--force" in again.stderr
    rebuilt = []
    monkeypatch.setattr("spectui.core.demo.build.build_demo", lambda path, **kw: rebuilt.append(kw) or path)
    forced = run("demo", "--path", str(tmp_path / "d"), "--nights", "2", "--force")
    assert forced.stdout == result.stdout and rebuilt[0]["force"] and rebuilt[0]["nights"] == 2
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    monkeypatch.undo()
    assert_one_line_error(run("demo", "--path", str(tmp_path / "other")), "not a spectui demo repository")
    assert_one_line_error(run("demo", "--path", str(tmp_path / "other" / "notes.txt")), "is a file")


@pytest.mark.parametrize(("args", "message"), [
    (["exposures", "--repo", "/no/such/repo", "-o", "-"], "no Butler repository at /no/such/repo"),
    (["exposures", "--repo", "nosuchalias", "-o", "-"], "unknown repository 'nosuchalias'"),
    (["collections", "u/nobody/none", "--repo", "{repo}"], "No collection with name 'u/nobody/none'"),
    (["exposures", "--repo", "{repo}", "--where", "exposure.seq_num >", "-o", "-"], "syntax error at the end"),
    (["exposures", "--repo", "{repo}", "--since", "2025-01-01", "-o", "-"], "--since must be a date as YYYYMMDD"),
    (["exposures", "--repo", "{repo}", "-o", "/no/such/dir/x.csv"], "directory /no/such/dir does not exist"),
    (["exposures", "--repo", "{repo}", "-o", "x.xlsx"], "cannot tell the format of x.xlsx"),
    (["exposures", "--repo", "{repo}", "--disperser", "ronchi*", "-o", "-"], "no exposure uses disperser"),
])
def test_bad_input_is_one_line_and_exit_2(demo_repo, args, message):
    assert_one_line_error(run(*[a.replace("{repo}", str(demo_repo)) for a in args]), message)


def test_run_names_stand_for_the_repository(demo_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))
    assert run("runs", "add", "demo32", "--repo", str(demo_repo), "-c", "u/other/unrelated_run").exit_code == 0
    by_run = run("exposures", "--run", "demo32", "-o", "-")
    by_repo = run("exposures", "--repo", str(demo_repo), "-o", "-")
    assert by_run.exit_code == 0 and by_run.stdout == by_repo.stdout
    assert "u/other/unrelated_run" in run("collections", "u/other/*", "--run", "demo32").stdout
    assert_one_line_error(run("exposures", "--run", "nope", "-o", "-"), "no run named 'nope'")


def test_extract_takes_a_run_name(demo_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))
    run_name = "u/dagoret/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a"
    assert run("runs", "add", "v31", "--repo", str(demo_repo), "-c", run_name).exit_code == 0
    result = run("extract", "--run", "v31", "-o", str(tmp_path / "v31.parquet"), "--executor", "local")
    assert result.exit_code == 0, result.stderr
    assert len(pd.read_parquet(tmp_path / "v31.parquet")) > 100
    assert_one_line_error(run("extract", "-o", str(tmp_path / "x.parquet")), "no collection")


@pytest.mark.parametrize("command", [["exposures", "-o"], ["missing", "-c", RUN_320, "-o"],
                                     ["missing", "-c", RUN_320, "--summary"]], ids=["exposures", "missing", "summary"])
def test_no_command_writes_inside_the_repository(demo_repo, command):
    before = sorted(path.name for path in demo_repo.iterdir())
    result = run(*command, str(demo_repo / "out.csv"), "--repo", str(demo_repo))
    assert_one_line_error(result, "inside the Butler repository")
    assert sorted(path.name for path in demo_repo.iterdir()) == before
