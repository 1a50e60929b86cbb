"""The analysis commands: merge, missing, stats, cuts, runs, compare; --run in place of --repo/--collection."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run
from notebook_parameters import PARAMETERS

pytestmark = pytest.mark.both_registries

RUN = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
OTHER = "u/dagoret/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a"


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def files(demo_repo, tmp_path_factory):
    """An exposure list from the demo and a results table for part of it, as files."""
    from spectui.core.butler.exposures import query_exposures
    from spectui.core.butler.repo import open_repo

    folder = tmp_path_factory.mktemp("files")
    exposures = query_exposures(open_repo(demo_repo))
    rng = np.random.default_rng(4)
    chosen = exposures.sample(200, random_state=3)
    results = pd.DataFrame({"id": chosen["id"].to_numpy(), "FILTER": chosen["filter"].to_numpy(),
                            "DATE-OBS": (chosen["time_start"] + pd.Timedelta(seconds=15)).to_numpy(),
                            "CHI2_FIT": rng.uniform(5, 60, 200), "D2CCD": rng.normal(187.2, 0.2, 200),
                            "PWV [mm]_spectrum": rng.normal(4, 1, 200)})
    shifted = results.assign(**{"PWV [mm]_spectrum": results["PWV [mm]_spectrum"] + 0.25})
    paths = {"exposures": folder / "exposures.parquet", "results": folder / "results.parquet",
             "shifted": folder / "shifted.csv"}
    exposures.to_parquet(paths["exposures"])
    results.to_parquet(paths["results"])
    shifted.to_csv(paths["shifted"], index=False)
    return paths


def test_analysis_commands_import_nothing_heavy_for_help_and_registry_listings(tmp_path):
    code = ("import sys; from click.testing import CliRunner; from spectui.tui.cli.main import main; r = CliRunner(); "
            "[r.invoke(main, a) for a in (['missing', '--help'], ['stats', '--help'], ['runs', 'list'], "
            "['cuts', 'list'], ['compare', '--help'], ['merge', '--help'])]; "
            "print(','.join(m for m in ('pandas', 'lsst.daf.butler', 'textual') if m in sys.modules))")
    env = {"SPECTUI_CONFIG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ""


def test_missing_writes_status_and_summary_that_add_up(demo_repo, tmp_path):
    status_path, summary_path = tmp_path / "status.csv", tmp_path / "summary.csv"
    result = run("missing", "--repo", str(demo_repo), "-c", RUN, "-o", str(status_path), "--summary",
                 str(summary_path))
    assert result.exit_code == 0, result.stderr
    status, summary = pd.read_csv(status_path), pd.read_csv(summary_path)
    assert list(status.columns[:6]) == ["id", "day_obs", "seq_num", "physical_filter", "target", "status"]
    assert summary["total"].sum() == len(status)
    for column in ("ok", "partial", "missing"):
        assert summary[column].sum() == (status["status"] == column).sum()
    ok = (status["status"] == "ok").sum()
    assert f"{len(status)} exposures: {ok} ok" in result.stderr
    by_target = run("missing", "--repo", str(demo_repo), "-c", RUN, "--by", "target", "--filter", "empty",
                    "--summary", "-")
    table = pd.read_csv(StringIO(by_target.stdout))
    assert list(table.columns) == ["target", "total", "ok", "partial", "missing", "efficiency"]
    assert table["total"].sum() == (status["physical_filter"].str.startswith("empty~")).sum()
    printed = run("missing", "--repo", str(demo_repo), "-c", RUN).stdout.splitlines()
    assert printed[0].split() == list(summary.columns) and len(printed) == len(summary) + 1


def test_missing_prints_the_reprocessing_queries(demo_repo):
    from spectui.core.analysis.status import exposure_status, reprocess_queries
    from spectui.core.butler.repo import open_repo

    status = exposure_status(open_repo(demo_repo), RUN)
    result = run("missing", "--repo", str(demo_repo), "-c", RUN, "--requery", "--chunk", "100")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == reprocess_queries(status.loc[status["status"] == "missing", "id"], 100)
    not_ok = run("missing", "--repo", str(demo_repo), "-c", RUN, "--requery", "not-ok", "--chunk", "100000")
    assert not_ok.stdout.count(",") + 1 == (status["status"] != "ok").sum()


def test_run_names_stand_for_repo_and_collection(demo_repo, tmp_path):
    added = run("runs", "add", "v32", "--repo", str(demo_repo), "-c", RUN, "--label", "demo 3.2")
    assert added.exit_code == 0, added.stderr
    by_run = run("missing", "--run", "v32", "-o", str(tmp_path / "a.csv"))
    by_collection = run("missing", "--repo", str(demo_repo), "-c", RUN, "-o", str(tmp_path / "b.csv"))
    assert by_run.exit_code == 0 and by_collection.exit_code == 0, by_run.stderr + by_collection.stderr
    assert pd.read_csv(tmp_path / "a.csv").equals(pd.read_csv(tmp_path / "b.csv"))
    assert_one_line_error(run("missing", "--run", "v23"), "no run named 'v23'; did you mean v32?")
    assert run("missing", "--run", "v32", "-c", RUN, "-o", str(tmp_path / "c.csv")).exit_code == 0
    assert_one_line_error(run("missing", "--run", "v32", "-c", OTHER), f"run 'v32' gives {RUN}, not --collection")
    shown = run("runs", "show", "v32")
    assert f"collection: {RUN}" in shown.stdout and "label: demo 3.2" in shown.stdout
    assert "v32" in run("runs", "list").stdout
    assert run("runs", "remove", "v32").exit_code == 0 and "no run registered" in run("runs", "list").stderr


def test_missing_bad_input_is_one_line(demo_repo, tmp_path):
    assert_one_line_error(run("missing", "--repo", str(demo_repo), "-c", "u/dagoret/auxtel_run_2025102"),
                          "no collection named")
    assert_one_line_error(run("missing", "--repo", str(demo_repo), "-c", RUN, "--by", "night"),
                          "cannot group by night")
    assert_one_line_error(run("missing", "--repo", str(demo_repo)), "no collection")
    assert_one_line_error(run("missing", "--repo", str(demo_repo), "-c", RUN, "-o", str(tmp_path / "x.txt")),
                          "cannot tell the format")


def test_merge_command(files, tmp_path):
    out = tmp_path / "merged.parquet"
    result = run("merge", str(files["results"]), str(files["exposures"]), "-o", str(out), "--how", "right")
    assert result.exit_code == 0, result.stderr
    merged = pd.read_parquet(out)
    assert len(merged) == len(pd.read_parquet(files["exposures"])) and merged["DATE-OBS"].notna().sum() == 200
    assert (merged["DATE-OBS"].dropna() - merged.dropna(subset=["DATE-OBS"])["ex_time_start"]
            == pd.Timedelta(seconds=15)).all()
    assert_one_line_error(run("merge", str(tmp_path / "absent.csv"), str(files["exposures"]), "-o", str(out)),
                          "no such file")
    assert_one_line_error(run("merge", str(out), str(files["exposures"]), "-o", str(tmp_path / "again.csv")),
                          "merged already")
    swapped = run("merge", str(files["exposures"]), str(files["results"]), "-o", str(tmp_path / "swapped.parquet"),
                  "--how", "right")
    assert swapped.exit_code == 0, swapped.stderr
    assert f"note: {files['exposures']} is an exposure list and {files['results']} the results" in swapped.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "swapped.parquet"), merged)
    assert_one_line_error(run("merge", str(files["results"]), str(files["results"]), "-o", str(tmp_path / "x.csv")),
                          "is given twice")
    assert_one_line_error(run("merge", str(files["results"]), str(files["shifted"]), "-o", str(tmp_path / "x.csv")),
                          "both files are results")
    assert not (tmp_path / "x.csv").exists()


def test_stats_command_with_cuts(files):
    text = run("stats", str(files["results"]), "-C", "D2CCD", "--bins", "6", "--by", "FILTER", "--per-night",
               "--cumulative")
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("D2CCD: median") and "200 rows, 200 in range" in lines[1]
    assert sum(int(line.split()[-2]) for line in lines[2:8]) == 200
    assert "robust_sigma" in text.stdout and "night" in text.stdout
    added = run("cuts", "add", "good", "CHI2_FIT<30 & 186.7<D2CCD<187.4", "--check", str(files["results"]))
    assert added.exit_code == 0 and "rows pass" in added.stderr
    frame = pd.read_parquet(files["results"])
    passing = ((frame.CHI2_FIT < 30) & (frame.D2CCD > 186.7) & (frame.D2CCD < 187.4)).sum()
    cut = run("stats", str(files["results"]), "-C", "D2CCD", "--cut", "good")
    assert f"{passing} of 200 rows pass" in cut.stderr and f"{passing} rows, {passing} in range" in cut.stdout
    assert "good\tCHI2_FIT<30" in run("cuts", "list").stdout
    assert_one_line_error(run("stats", str(files["results"]), "-C", "D2CCX"), "did you mean D2CCD?")
    assert_one_line_error(run("stats", str(files["results"]), "-C", "D2CCD", "--cut", "god"),
                          "no quality cut named 'god'; did you mean good?")
    assert_one_line_error(run("cuts", "add", "typo", "CHI2_FIT <", "--check", str(files["results"])),
                          "bad expression")
    assert_one_line_error(run("stats", str(files["results"]), "-C", "D2CCD", "--where", "CHI2 < 3"),
                          "unknown column 'CHI2'")
    assert run("cuts", "remove", "good").exit_code == 0 and "good" not in run("cuts", "list").stdout


def test_runs_import_command(tmp_path):

    path = tmp_path / "BUTLER00_parameters.py"
    path.write_text(PARAMETERS.replace("{marker}", str(tmp_path / "executed")))
    dry = run("runs", "import", str(path), "--dry-run")
    assert dry.exit_code == 0 and "dry run" in dry.stderr and "no run registered" in run("runs", "list").stderr
    result = run("runs", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "not imported: run_7, run_v7" in result.stderr and "imported 15 runs" in result.stderr
    assert "'run_v5' appears 2 times" in result.stderr
    listed = run("runs", "list").stdout.splitlines()
    names = [line.split()[0] for line in listed]
    assert len(names) == 15 and names.index("run_v2") < names.index("run_v10") and "(files only)" in listed[1]
    again = run("runs", "import", str(path))
    assert "kept 15 already registered" in again.stderr
    assert not (tmp_path / "executed").exists()


def test_compare_command(demo_repo, files, tmp_path):
    out = tmp_path / "compare.csv"
    result = run("compare", OTHER, RUN, "--repo", str(demo_repo), "-o", str(out),
                 "--results-a", str(files["results"]), "--results-b", str(files["shifted"]))
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(out)
    counts = table["change"].value_counts()
    assert f"gained {counts.get('gained', 0)}, lost {counts.get('lost', 0)}" in result.stdout
    assert counts.get("degraded", 0) == 0 and counts.get("improved", 0) > 0  # A has no spectrogram fits
    shift_line = next(line for line in result.stdout.splitlines() if line.startswith("PWV [mm]_spectrum"))
    assert shift_line.split()[-2] == "0.25" and shift_line.split()[-1] == "0"
    assert_one_line_error(run("compare", OTHER, "u/nobody/nothing", "--repo", str(demo_repo)), "no collection")


def test_compare_runs_known_by_their_files_only(files):
    for name, key in (("a", "results"), ("b", "shifted")):
        assert run("runs", "add", name, "--file", f"extracted={files[key]}").exit_code == 0
    result = run("compare", "a", "b")
    assert result.exit_code == 0, result.stderr
    assert "status comparison skipped" in result.stderr
    shift_line = next(line for line in result.stdout.splitlines() if line.startswith("PWV [mm]_spectrum"))
    assert shift_line.split()[2] == "200" and shift_line.split()[-2] == "0.25"
    assert_one_line_error(run("missing", "--run", "a"), "run 'a' has no Butler collection")
