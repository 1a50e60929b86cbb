"""The Butler registry removed, renamed, truncated or locked during an extraction: one line on stderr, exit
2, the checkpoint kept, no partial output, and --resume once the registry is back gives the uninterrupted
table."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from extract_support import RUN_320, SLOW_CLI, SPECTUI, copy_repo

from spectui.core.butler.repo import open_repo
from spectui.core.errors import RegistryUnavailable
from spectui.core.extraction.checkpoint import PARTIAL_GLOB
from spectui.core.extraction.extract import extract, find_refs

REGISTRY = "gen3.sqlite3"
RUN_TIMEOUT = 180
LOCK_SECONDS = 3.0
# Every process of the extraction (workers included) imports this at start-up through PYTHONPATH: it turns the
# Butler's five-minute wait on a locked SQLite registry into half a second, so a held lock fails fast.
SHORT_LOCK_WAIT = '''
import sqlite3

_connect = sqlite3.connect


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, *args):
        if sql.replace(" ", "").lower().startswith("pragmabusy_timeout="):
            sql = "PRAGMA busy_timeout = 500;"
        return super().execute(sql, *args)


class _Connection(sqlite3.Connection):
    def cursor(self, factory=_Cursor):
        return super().cursor(factory)


def _short_wait_connect(*args, **kwargs):
    kwargs.setdefault("factory", _Connection)
    return _connect(*args, **kwargs)


sqlite3.connect = _short_wait_connect
'''


@pytest.fixture(scope="module")
def uninterrupted(demo_repo):
    return extract(demo_repo, RUN_320).frame


@pytest.fixture
def repo(demo_repo, tmp_path) -> Path:
    return copy_repo(demo_repo, tmp_path / "repo")


@pytest.fixture
def output(tmp_path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path / "out" / "results.parquet"


def short_lock_wait_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a spectui whose every process gives up on a locked SQLite file after 0.5 s."""
    site = tmp_path / "short-lock-wait"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SHORT_LOCK_WAIT)
    paths = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def start_slow_extraction(repo: Path, output: Path, workers: int, env=None) -> subprocess.Popen:
    command = [sys.executable, str(SLOW_CLI), "extract", "--repo", str(repo), "--collection", RUN_320,
               "-o", str(output), "--workers", str(workers)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """Kill the extraction and its workers if a test gave up on it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def saved_parts(output: Path, process: subprocess.Popen, timeout: float = 60) -> dict[str, int]:
    """Once the extraction has saved a chunk: the checkpoint's parts and their row counts."""
    checkpoint = output.parent / f".{output.name}.checkpoint"
    deadline = time.monotonic() + timeout
    while not (parts := sorted(checkpoint.glob("part-*.arrow"))):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no checkpoint part appeared"
        time.sleep(0.02)
    return {part.name: part_rows(part) for part in parts}


def part_rows(part: Path) -> int:
    return pa.ipc.open_file(pa.memory_map(str(part))).read_all().num_rows


def remove(registry: Path, spare: Path):
    """Delete the registry file; put the copy back to restore it."""
    registry.unlink()
    return lambda: shutil.copy2(spare, registry)


def rename(registry: Path, spare: Path):
    """Rename the registry file; rename it back to restore it."""
    moved = registry.with_name(f"{REGISTRY}.moved")
    registry.rename(moved)
    return lambda: moved.rename(registry)


def truncate(registry: Path, spare: Path):
    """Truncate the registry file to nothing in place; put the copy back to restore it."""
    os.truncate(registry, 0)
    return lambda: shutil.copy2(spare, registry)


def lock(registry: Path, spare: Path | None):
    """Hold an exclusive lock on the registry, as a program writing to it does; release it to restore it."""
    holder = sqlite3.connect(registry, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder.close


def run_with_fault(repo: Path, output: Path, workers: int, fault, env=None):
    """The process, its stderr and the parts saved before `fault` hit its registry, restored after the run."""
    registry = repo / REGISTRY
    spare = shutil.copy2(registry, repo.parent / "registry-before-the-fault")
    process = start_slow_extraction(repo, output, workers, env)
    try:
        before = saved_parts(output, process)
        restore = fault(registry, Path(spare))
        try:
            _, stderr = process.communicate(timeout=RUN_TIMEOUT)
        finally:
            restore()
    finally:
        stop(process)
    return process, stderr, before


def assert_stopped_with_one_line(process: subprocess.Popen, stderr: str, output: Path, before: dict) -> None:
    """Exit 2, one line naming the registry, no output file, and every part saved before the fault kept."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert process.returncode == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("spectui: error: ") and "registry" in lines[0], stderr
    assert not output.exists()
    checkpoint = output.parent / f".{output.name}.checkpoint"
    assert [p.name for p in output.parent.iterdir()] == [checkpoint.name]
    assert not list(checkpoint.glob(PARTIAL_GLOB))
    assert {name: part_rows(checkpoint / name) for name in before} == before


def assert_resume_completes(repo: Path, output: Path, uninterrupted: pd.DataFrame, before: dict) -> None:
    """--resume on the restored registry writes exactly the uninterrupted table, reusing the saved chunks."""
    finished = subprocess.run([str(SPECTUI), "extract", "--repo", str(repo), "--collection", RUN_320, "-o",
                               str(output), "--resume"], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert finished.returncode == 0, finished.stderr
    reused = re.search(r"(\d+) of them from the checkpoint", finished.stderr)
    assert reused and int(reused.group(1)) >= sum(before.values()), finished.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(output), uninterrupted)
    assert [p.name for p in output.parent.iterdir()] == [output.name]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("fault", [truncate, lock], ids=["truncated", "locked"])
def test_an_unreadable_registry_stops_the_extraction_with_one_line_and_resume_finishes_it(
        repo, output, tmp_path, uninterrupted, fault, workers):
    """A registry truncated or held locked mid-run stops the run cleanly, whichever process looks files up."""
    process, stderr, before = run_with_fault(repo, output, workers, fault, short_lock_wait_env(tmp_path))
    assert_stopped_with_one_line(process, stderr, output, before)
    assert_resume_completes(repo, output, uninterrupted, before)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("fault", [remove, rename], ids=["removed", "renamed"])
def test_a_registry_removed_mid_run_gives_the_whole_table_or_stops_cleanly(repo, output, uninterrupted, fault,
                                                                            workers):
    """A removed or renamed registry file still answers through connections opened before (the run completes
    exactly) and fails new ones (the run stops as on an unreadable registry); nothing else may happen."""
    process, stderr, before = run_with_fault(repo, output, workers, fault)
    if process.returncode == 0:
        assert "Traceback" not in stderr and stderr.startswith(f"wrote {len(uninterrupted)} visits"), stderr
        pd.testing.assert_frame_equal(pd.read_parquet(output), uninterrupted)
        assert [p.name for p in output.parent.iterdir()] == [output.name]
    else:
        assert_stopped_with_one_line(process, stderr, output, before)
        assert_resume_completes(repo, output, uninterrupted, before)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_briefly_locked_registry_makes_the_extraction_wait_not_fail(repo, output, uninterrupted, workers):
    """A lock held a few seconds (another program writing) delays the run, which then completes exactly."""
    process = start_slow_extraction(repo, output, workers)
    try:
        saved_parts(output, process)
        release = lock(repo / REGISTRY, None)
        try:
            time.sleep(LOCK_SECONDS)
            waiting = process.poll() is None
        finally:
            release()
        _, stderr = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        stop(process)
    assert waiting, "the extraction ended while the registry was locked"
    assert process.returncode == 0, stderr
    pd.testing.assert_frame_equal(pd.read_parquet(output), uninterrupted)


@pytest.mark.parametrize("workers", [1, 2])
def test_whichever_process_first_meets_an_unreadable_registry_reports_it(repo, tmp_path, workers):
    """A registry truncated just before the first chunk fails that chunk's lookup, here or in a worker opening
    the repository then, with RegistryUnavailable."""
    registry = repo / REGISTRY

    def truncate_before_reading(progress) -> None:
        if progress.phase == "read" and progress.done == 0:
            os.truncate(registry, 0)

    output = tmp_path / "results.parquet"
    with pytest.raises(RegistryUnavailable, match="registry cannot be read"):
        extract(repo, RUN_320, output, workers=workers, progress=truncate_before_reading)
    assert registry.stat().st_size == 0


def test_a_registry_damaged_under_an_open_butler_is_a_spectui_error(repo):
    """Queries on a registry whose file was overwritten raise RegistryUnavailable, not a database error."""
    butler = open_repo(repo)
    with open(repo / REGISTRY, "r+b") as registry:
        registry.write(b"this is not a database" * 200)
    with pytest.raises(RegistryUnavailable, match=r"registry cannot be read \(dataset query: file is not a "):
        find_refs(butler, RUN_320)


@pytest.mark.parametrize(("damage", "reason"), [(lambda path: path.write_bytes(b""), "no such table"),
                                                (Path.unlink, "unable to open database file")],
                         ids=["empty", "missing"])
def test_opening_an_empty_or_missing_registry_prints_one_line(repo, damage, reason):
    """The command line reports an unreadable registry file in one line, without the Butler's own log line."""
    damage(repo / REGISTRY)
    command = [str(SPECTUI), "collections", "--repo", str(repo)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert result.stderr.startswith(f"spectui: error: cannot open repository '{repo}': its registry cannot "
                                    f"be read ({reason}"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
