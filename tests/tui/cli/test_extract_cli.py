"""`spectui extract`: a summary saying where failures are, a progress bar on terminals, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run, run_on_terminal
from extract_support import RUN_320

pytestmark = pytest.mark.both_registries

SPECTUI = os.path.join(os.path.dirname(sys.executable), "spectui")
HEAVY = {"pandas", "pyarrow", "numpy", "astropy", "lsst.daf.butler", "textual", "distributed"}


def test_extract_help_imports_no_heavy_module():
    shown = subprocess.run([sys.executable, "-X", "importtime", SPECTUI, "extract", "--help"],
                           capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in shown.stderr.splitlines()
                if line.startswith("import time:")}
    assert "--legacy-names" in shown.stdout and "spectui.tui.cli.extract" in imported
    assert not HEAVY & imported, HEAVY & imported


def test_summary_counts_and_points_at_the_failures(demo_repo, demo_manifest, tmp_path):
    output = tmp_path / "results.parquet"
    result = run("extract", "--repo", str(demo_repo), "--collection", RUN_320, "-o", str(output), "-j", "2")
    assert result.exit_code == 0, result.stderr
    truth = demo_manifest["runs"][RUN_320]
    frame = pd.read_parquet(output)
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"wrote {len(frame)} visits to {output}: {len(truth['ok'])} ok, "
                               f"{len(truth['partial'])} partial, {len(truth['corrupt'])} failed")
    assert "rows whose `status` is not 'ok'" in lines[1]
    corrupt = truth["corrupt"][0]
    assert lines[2].split()[:2] == [str(corrupt), "failed:"] and "truncated FITS file" in lines[2]
    assert lines[-1].startswith("  ... and ") and str(output) in lines[-1]
    assert "\r" not in result.stderr and result.stdout == ""


def test_npy_and_csv_on_request_and_legacy_names(demo_repo, tmp_path):
    result = run("extract", "-r", str(demo_repo), "-c", RUN_320, "-o", str(tmp_path / "r.npy"),
                 "--legacy-names")
    assert result.exit_code == 0, result.stderr
    records = np.load(tmp_path / "r.npy", allow_pickle=False)
    assert "PWV [mm]_x" in records.dtype.names and "PWV [mm]_err_y" in records.dtype.names
    result = run("extract", "-r", str(demo_repo), "-c", RUN_320, "-o", str(tmp_path / "r.csv"), "--since",
                 "20250108", "--filter", "empty")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(tmp_path / "r.csv")
    assert set(frame["FILTER"]) == {"empty"} and (frame["id"] // 100_000 >= 20250108).all()


def test_progress_bar_on_a_terminal(demo_repo, tmp_path):
    status, lines = run_on_terminal("extract", "-r", str(demo_repo), "-c", RUN_320, "-o",
                                    str(tmp_path / "r.parquet"), "-j", "1")
    assert status == 0
    bars = [line for line in lines if "\r[" in line]
    assert bars and "visits" in bars[0] and " ok " in bars[0]
    summary = next(line for line in lines if "wrote " in line)
    assert summary.split("\r")[-1].startswith("wrote ")


@pytest.mark.parametrize("args, message", [
    (["-c", "u/nobody/nothing"], "No collection with name 'u/nobody/nothing' found"),
    (["-c", "u/other/unrelated_run"], "holds no spectractorSpectrum datasets"),
    (["-c", RUN_320, "--executor", "threads"], "unknown --executor 'threads'"),
    (["-c", RUN_320, "--executor", "dask://nohost"], "write dask://HOST:PORT"),
    (["-c", RUN_320, "--executor", "local", "-j", "3"], "--executor local reads in this process"),
    (["-c", RUN_320, "--target", "NO_SUCH_STAR"], "has target 'NO_SUCH_STAR'; targets there: "),
])
def test_bad_input_is_one_line(demo_repo, tmp_path, args, message):
    result = run("extract", "--repo", str(demo_repo), "-o", str(tmp_path / "r.parquet"), *args)
    assert_one_line_error(result, message)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_outputs_are_one_line(demo_repo, tmp_path):
    (tmp_path / "dir.parquet").mkdir()
    for output, message in [(tmp_path / "no" / "r.parquet", "does not exist"),
                            (tmp_path, "cannot tell the format"),
                            (tmp_path / "dir.parquet", "it is a directory"),
                            (demo_repo / "r.parquet", "inside the Butler repository")]:
        assert_one_line_error(run("extract", "-r", str(demo_repo), "-c", RUN_320, "-o", str(output)), message)
    assert_one_line_error(run("extract", "-r", str(demo_repo), "-c", RUN_320, "-o", "-", "--resume"),
                          "--resume needs an output file")
