"""Interrupted extractions: kill -9, Ctrl-C, SIGTERM, SIGHUP and a full disk leave no partial output, and
resume finishes the same table an uninterrupted run gives."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pyarrow as pa
import pytest
from extract_support import HOLD_ENV, RUN_320, SLOW_CLI, SPECTUI

from spectui.core.errors import Cancelled, OutputError
from spectui.core.extraction import extract as extract_module
from spectui.core.extraction.extract import extract


@pytest.fixture(scope="module")
def uninterrupted(demo_repo):
    return extract(demo_repo, RUN_320).frame


def start_slow_extraction(repo: Path, output: Path, workers: int, hold: Path | None = None) -> subprocess.Popen:
    """The extraction with slow reads; while `hold` exists, each worker stops after its first chunk."""
    command = [sys.executable, str(SLOW_CLI), "extract", "--repo", str(repo), "--collection", RUN_320,
               "-o", str(output), "--workers", str(workers)]
    env = {**os.environ, HOLD_ENV: str(hold)} if hold is not None else None
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)


def wait_for_saved_parts(output: Path, process: subprocess.Popen, count: int = 1, timeout: float = 60):
    checkpoint = output.parent / f".{output.name}.checkpoint"
    deadline = time.monotonic() + timeout
    while len(list(checkpoint.glob("part-*.arrow"))) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no checkpoint part appeared"
        time.sleep(0.05)


def resume(repo: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SPECTUI), "extract", "--repo", str(repo), "--collection", RUN_320, "-o",
                           str(output), "--resume"], capture_output=True, text=True, timeout=300)


def only_checkpoint_left(output: Path) -> None:
    assert not output.exists()
    assert [p.name for p in output.parent.iterdir()] == [f".{output.name}.checkpoint"]


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_leaves_no_output_and_resume_completes_it(demo_repo, tmp_path, uninterrupted, workers):
    output = tmp_path / "results.parquet"
    process = start_slow_extraction(demo_repo, output, workers)
    wait_for_saved_parts(output, process, count=2)
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    only_checkpoint_left(output)
    gone, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, f"worker processes outlived the killed extraction: {alive}"
    finished = resume(demo_repo, output)
    assert finished.returncode == 0, finished.stderr
    assert "of them from the checkpoint" in finished.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(output), uninterrupted)
    assert [p.name for p in tmp_path.iterdir()] == ["results.parquet"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signals_save_the_checkpoint_and_stop_cleanly(demo_repo, tmp_path, uninterrupted, signum):
    output = tmp_path / "results.parquet"
    process = start_slow_extraction(demo_repo, output, workers=2)
    wait_for_saved_parts(output, process)
    if signum == signal.SIGTERM:
        process.send_signal(signum)
    else:
        os.killpg(process.pid, signum)  # Ctrl-C and a hang-up reach the terminal's whole process group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("spectui: interrupted: stopped after "), stderr
    assert "--resume" in lines[0] and "Traceback" not in stderr
    only_checkpoint_left(output)
    finished = resume(demo_repo, output)
    assert finished.returncode == 0, finished.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(output), uninterrupted)


def test_a_full_disk_keeps_the_saved_chunks(demo_repo, tmp_path, monkeypatch, uninterrupted):
    output = tmp_path / "results.parquet"
    real_fsync = os.fsync
    saves = []

    def disk_fills_up(fd):
        if ".part-" not in os.readlink(f"/proc/self/fd/{fd}"):
            return real_fsync(fd)
        if len(saves) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        saves.append(fd)
        real_fsync(fd)

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_fills_up)
        with pytest.raises(OutputError, match="No space left on device.*--resume"):
            extract(demo_repo, RUN_320, output)
    only_checkpoint_left(output)
    parts = sorted((tmp_path / ".results.parquet.checkpoint").glob("part-*"))
    assert [p.suffix for p in parts] == [".arrow", ".arrow"]
    saved = sum(pa.ipc.open_file(pa.memory_map(str(p))).read_all().num_rows for p in parts)
    result = extract(demo_repo, RUN_320, output, resume=True)
    assert 0 < result.resumed == saved < len(uninterrupted)
    pd.testing.assert_frame_equal(result.frame, uninterrupted)


# Saves chunks as usual, but the third is killed halfway: its batch is on disk, the end of its file never is.
HALF_SAVED = """
import sys, time
import pyarrow as pa
from spectui.core.extraction.extract import extract

real_new_file, saves = pa.ipc.new_file, []


class StopsHalfway:
    def __init__(self, sink, schema):
        self.sink, self.writer = sink, real_new_file(sink, schema)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.writer.close()

    def write_table(self, table):
        self.writer.write_table(table)
        saves.append(table.num_rows)
        if len(saves) == 3:
            self.sink.flush()
            print("halfway", flush=True)
            time.sleep(600)


pa.ipc.new_file = StopsHalfway
extract(sys.argv[1], sys.argv[2], sys.argv[3])
"""


def test_kill_9_while_a_chunk_is_being_saved_leaves_no_torn_part(demo_repo, tmp_path, uninterrupted):
    """A chunk cut off in the middle of its save is never taken for a saved one: resume reads it again."""
    output = tmp_path / "results.parquet"
    process = subprocess.Popen([sys.executable, "-c", HALF_SAVED, str(demo_repo), RUN_320, str(output)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "halfway"
    finally:
        process.kill()
        process.wait(timeout=30)
    only_checkpoint_left(output)
    checkpoint = tmp_path / ".results.parquet.checkpoint"
    whole = sorted(checkpoint.glob("part-*.arrow"))
    assert [p.name for p in whole] == ["part-000000.arrow", "part-000001.arrow"]
    saved = sum(pa.ipc.open_file(pa.memory_map(str(p))).read_all().num_rows for p in whole)
    result = extract(demo_repo, RUN_320, output, resume=True)
    assert result.resumed == saved
    pd.testing.assert_frame_equal(result.frame, uninterrupted)
    assert [p.name for p in tmp_path.iterdir()] == ["results.parquet"]


def test_cancelling_is_prompt_when_files_are_slow_to_read(demo_repo, tmp_path, monkeypatch):
    original = extract_module.extract_chunk

    def slow_storage(units, expected):
        time.sleep(0.1 * len(units))
        return original(units, expected)

    monkeypatch.setattr(extract_module, "extract_chunk", slow_storage)
    cancel = threading.Event()
    threading.Timer(2.0, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        extract(demo_repo, RUN_320, tmp_path / "r.parquet", cancel=cancel)
    assert time.monotonic() - started < 2.0 + 2 * extract_module.CHUNK_SECONDS + 0.5


def test_a_second_extraction_to_the_same_output_is_refused_while_the_first_runs(demo_repo, tmp_path,
                                                                               uninterrupted):
    output, hold = tmp_path / "results.parquet", tmp_path / "hold"
    hold.touch()
    first = start_slow_extraction(demo_repo, output, workers=1, hold=hold)
    try:
        wait_for_saved_parts(output, first, count=1)
        second = resume(demo_repo, output)
        assert second.returncode == 2, second.stderr
        assert f"another spectui (process {first.pid}) is extracting" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.poll() is None
    finally:
        first.kill()
        first.wait(timeout=30)
    finished = resume(demo_repo, output)
    assert finished.returncode == 0, finished.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(output), uninterrupted)
