"""Every headless command on a demo of about 100k exposures: each succeeds, their row counts agree, and no
command's processes together ever hold 1 GB of memory.

The repository is built once (`spectui demo --nights 330`, several minutes) under SPECTUI_SCALE_DIR, or in a
temporary directory when that is unset; SPECTUI_SCALE_NIGHTS changes its size. Wall time and peak memory of
every command are printed at the end (`pytest -s`) and saved in scale-figures.json beside the repository.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psutil
import pytest
from extract_support import RUN_320

pytestmark = pytest.mark.slow

NIGHTS = int(os.environ.get("SPECTUI_SCALE_NIGHTS", "330"))
MEMORY_LIMIT = 1 << 30
COMMAND_TIMEOUT = 3600
BUILD_TIMEOUT = 4 * 3600
SAMPLE_SECONDS = 0.05
SPECTUI = Path(sys.executable).with_name("spectui")
RUN_321 = "u/dagoret/auxtel_run_20251210_w_2025_49_spectractorv321_all_main_2025data_ptc_holoallfilt_b"
SPECTRUM = "spectractorSpectrum"
PWV = "PWV [mm]_spectrum"
CUT = "CHI2_FIT<30 & PSF_REG>1e-2 & 186.7<D2CCD<187.4"


@dataclass
class Figure:
    """How one command went: wall time and the peak summed resident memory of its processes."""

    command: str
    seconds: float
    peak_bytes: int


@dataclass
class Scale:
    """The large repository, a directory for the commands' outputs, and the figures measured so far."""

    repo: Path
    work: Path
    manifest: dict
    figures: list[Figure] = field(default_factory=list)

    def run(self, name: str, *args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
        """Run `spectui NAME ARGS` measured; it must succeed and stay under the memory limit."""
        result, figure = measured([str(SPECTUI), *args], self.work, timeout)
        figure.command = name
        self.figures.append(figure)
        assert result.returncode == 0, f"{name} failed: {result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        assert figure.peak_bytes < MEMORY_LIMIT, f"{name} peaked at {figure.peak_bytes / 2**20:.0f} MB"
        return result


def measured(command: list[str], cwd: Path, timeout: float) -> tuple[subprocess.CompletedProcess, Figure]:
    """Run a command to its end, sampling the resident memory of it and all its descendants."""
    out, err = cwd / ".stdout", cwd / ".stderr"
    started = time.perf_counter()
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True, cwd=cwd)
        root = psutil.Process(process.pid)
        peak = 0
        try:
            while process.poll() is None:
                assert time.perf_counter() - started < timeout, f"{command} ran over {timeout} s"
                peak = max(peak, resident(root))
                time.sleep(SAMPLE_SECONDS)
        finally:
            if process.poll() is None:
                for child in root.children(recursive=True):
                    child.kill()
                process.kill()
            process.wait()
    seconds = time.perf_counter() - started
    result = subprocess.CompletedProcess(command, process.returncode, out.read_text(), err.read_text())
    return result, Figure(" ".join(command[1:3]), seconds, peak)


def resident(root: psutil.Process) -> int:
    """The resident memory of a process and its descendants, now."""
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


@pytest.fixture(scope="module")
def scale(tmp_path_factory) -> Scale:
    from spectui.core.demo.build import MANIFEST, is_demo_repo

    base = Path(os.environ.get("SPECTUI_SCALE_DIR") or tmp_path_factory.mktemp("scale"))
    repo = base / f"demo-{NIGHTS}"
    work = tmp_path_factory.mktemp("scale-outputs")
    figures = []
    if not is_demo_repo(repo):
        base.mkdir(parents=True, exist_ok=True)
        command = [str(SPECTUI), "demo", "--path", str(repo), "--nights", str(NIGHTS), "--seed", "1",
                   "--force"]
        built, figure = measured(command, work, BUILD_TIMEOUT)
        assert built.returncode == 0, built.stderr
        figure.command = f"demo --nights {NIGHTS} (build)"
        figures.append(figure)
    state = Scale(repo=repo, work=work, manifest=json.loads((repo / MANIFEST).read_text()), figures=figures)
    yield state
    print_figures(state, base / "scale-figures.json")


def print_figures(state: Scale, path: Path) -> None:
    rows = [{"command": f.command, "seconds": round(f.seconds, 1), "peak_MB": round(f.peak_bytes / 2**20)}
            for f in state.figures]
    summary = {"exposures": state.manifest["exposures"], "nights": NIGHTS, "commands": rows}
    path.write_text(json.dumps(summary, indent=1))
    print(f"\n{state.manifest['exposures']} exposures over {NIGHTS} nights ({state.repo})")
    for row in rows:
        print(f"{row['command']:<44} {row['seconds']:>8.1f} s {row['peak_MB']:>6} MB")


def run_counts(scale: Scale, collection: str) -> dict[str, int]:
    """What the demo generator put in a run: visits ok, partial, unreadable and missing."""
    run = scale.manifest["runs"][collection]
    return {key: len(run[key]) for key in ("ok", "partial", "corrupt", "missing")}


@pytest.fixture(scope="module")
def exposures(scale) -> pd.DataFrame:
    scale.run("exposures -o", "exposures", "--repo", str(scale.repo), "-o", "exposures.parquet")
    return pd.read_parquet(scale.work / "exposures.parquet")


@pytest.fixture(scope="module")
def results(scale) -> pd.DataFrame:
    scale.run("extract --workers 2 -o", "extract", "--repo", str(scale.repo), "-c", RUN_320, "--workers", "2",
              "-o", "results.parquet")
    return pd.read_parquet(scale.work / "results.parquet")


@pytest.fixture(scope="module")
def status(scale) -> pd.DataFrame:
    scale.run("missing -o --summary", "missing", "--repo", str(scale.repo), "-c", RUN_320, "-o",
              "status.parquet", "--summary", "summary.csv")
    return pd.read_parquet(scale.work / "status.parquet")


def test_the_repository_has_about_100k_exposures(scale):
    """The demo is as large as the test means it to be."""
    assert scale.manifest["exposures"] >= 300 * NIGHTS * 0.9


def test_collections_counts_every_spectrum(scale):
    """`collections` lists the runs with dataset counts that match what the generator wrote."""
    listed = json.loads(scale.run("collections --format json", "collections", "--repo", str(scale.repo),
                                  "--format", "json").stdout)
    by_name = {c["name"]: c for c in listed}
    counts = run_counts(scale, RUN_320)
    assert by_name[RUN_320]["dataset_types"][SPECTRUM] == counts["ok"] + counts["partial"] + counts["corrupt"]
    assert by_name[RUN_321]["type"] == "CHAINED" and by_name[RUN_321]["spectractor"]


def test_exposures_lists_every_selected_exposure_once(scale, exposures):
    """`exposures` gives one row per science hologram exposure, which the full-coverage run accounts for."""
    assert exposures["id"].is_unique
    assert len(exposures) == sum(run_counts(scale, RUN_320).values())
    assert set(exposures["disperser"].str.startswith("holo4")) == {True}


def test_extract_gives_one_row_per_visit_with_a_spectrum(scale, results):
    """`extract` with two workers writes one row per visit with a spectrum, with the statuses expected."""
    counts = run_counts(scale, RUN_320)
    assert results["id"].is_unique
    assert len(results) == counts["ok"] + counts["partial"] + counts["corrupt"]
    failed = results.loc[results["status"] == "failed", "id"]
    assert set(failed) == set(scale.manifest["runs"][RUN_320]["corrupt"])
    assert (results["status"] == "partial").sum() == counts["partial"]


def test_missing_and_extracted_add_up_to_the_selected_exposures(scale, exposures, results, status):
    """`missing` covers every selected exposure; its found ones are exactly the extracted visits."""
    assert len(status) == len(exposures) and set(status["id"]) == set(exposures["id"])
    found = status.loc[status["status"] != "missing", "id"]
    assert set(found) == set(results["id"])
    assert (status["status"] == "missing").sum() + len(results) == len(exposures)
    summary = pd.read_csv(scale.work / "summary.csv")
    assert summary["total"].sum() == len(exposures)
    assert summary["missing"].sum() == (status["status"] == "missing").sum()


def test_merge_keeps_every_result_and_every_exposure(scale, exposures, results):
    """`merge` inner keeps every result row, right keeps every exposure."""
    scale.run("merge --how inner", "merge", "results.parquet", "exposures.parquet", "-o", "merged.parquet")
    scale.run("merge --how right", "merge", "results.parquet", "exposures.parquet", "-o", "all.parquet",
              "--how", "right")
    merged = pd.read_parquet(scale.work / "merged.parquet", columns=["id"])
    everything = pd.read_parquet(scale.work / "all.parquet", columns=["id"])
    assert sorted(merged["id"]) == sorted(results["id"])
    assert sorted(everything["id"]) == sorted(exposures["id"])


def test_stats_and_cuts_describe_every_result(scale, results):
    """`stats` counts every row of the results, grouped and per night, and a saved cut selects a subset."""
    described = scale.run("stats --by --per-night --cumulative", "stats", "results.parquet", "-C", PWV,
                          "--by", "FILTER", "--per-night", "--cumulative").stdout
    assert f"{PWV}: {len(results)} rows" in described
    scale.run("cuts add", "cuts", "add", "good", CUT)
    cut = scale.run("stats --cut", "stats", "results.parquet", "-C", PWV, "--cut", "good")
    passing = int(re.search(r"(\d+) of (\d+) rows pass", cut.stderr + cut.stdout).group(1))
    assert 0 < passing < len(results)


def test_runs_and_compare_work_at_scale(scale, exposures, results):
    """A registered run answers `missing --run`; `compare` of two extracted runs covers every exposure."""
    scale.run("runs add", "runs", "add", "v320", "--repo", str(scale.repo), "-c", RUN_320, "--file",
              f"extracted={scale.work / 'results.parquet'}")
    assert "v320" in scale.run("runs list", "runs", "list").stdout
    assert RUN_320 in scale.run("runs show", "runs", "show", "v320").stdout
    summary = scale.run("missing --run (summary)", "missing", "--run", "v320")
    assert f"{len(exposures)} exposures" in summary.stderr + summary.stdout
    scale.run("extract (second run) --workers 2 -o", "extract", "--repo", str(scale.repo), "-c", RUN_321,
              "--workers", "2", "-o", "results-321.parquet")
    compared = scale.run("compare --results-a --results-b -o", "compare", RUN_320, RUN_321, "--repo",
                         str(scale.repo), "--results-a", "results.parquet", "--results-b",
                         "results-321.parquet", "-o", "compare.parquet")
    assert "parameter comparison skipped" not in compared.stderr
    table = pd.read_parquet(scale.work / "compare.parquet", columns=["id", "status_a"])
    assert sorted(table["id"]) == sorted(exposures["id"])
    assert (table["status_a"] != "missing").sum() == len(results)
