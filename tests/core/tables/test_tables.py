"""Table files: atomic writes, typed round trips, and pickled .npy refused unless trusted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.errors import BadInput, OutputError
from spectui.core.tables.table_io import read_table, write_table


@pytest.fixture
def frame():
    return pd.DataFrame({
        "id": np.array([2025010700001, 2025010700002], dtype="int64"),
        "TARGET": pd.array(["HD185975", None], dtype="string"),
        "PWV [mm]_spectrum": [3.5, np.nan],
        "DATE-OBS": pd.to_datetime(["2025-01-07T23:00:01.5Z", "2025-01-07T23:01:00.0Z"], utc=True),
    })


@pytest.mark.parametrize("suffix", ["parquet", "csv", "json", "npy", "csv.gz", "json.gz", "npy.gz"])
def test_round_trip(frame, tmp_path, suffix):
    path = tmp_path / f"t.{suffix}"
    write_table(frame, path)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == suffix.endswith(".gz")
    back = read_table(path)
    assert list(back["id"]) == list(frame["id"])
    assert back["PWV [mm]_spectrum"].iloc[0] == 3.5 and pd.isna(back["PWV [mm]_spectrum"].iloc[1])
    assert not list(tmp_path.glob(".*part"))


def test_npy_has_no_object_fields_and_loads_without_pickle(frame, tmp_path):
    path = tmp_path / "t.npy"
    write_table(frame, path)
    array = np.load(path, allow_pickle=False)
    assert all(array.dtype[name].kind != "O" for name in array.dtype.names)
    assert array["DATE-OBS"].dtype == np.dtype("datetime64[ns]")


def test_pickled_npy_is_refused_unless_trusted(tmp_path):
    path = tmp_path / "old.npy"
    records = np.array([(1, "HD185975")], dtype=[("id", "i8"), ("TARGET", "O")])
    np.save(path, records, allow_pickle=True)
    with pytest.raises(BadInput, match="--trust-pickle"):
        read_table(path)
    assert read_table(path, trust_pickle=True)["TARGET"].iloc[0] == "HD185975"


def test_failed_write_keeps_the_previous_file(frame, tmp_path, monkeypatch):
    path = tmp_path / "t.parquet"
    write_table(frame, path)
    before = path.read_bytes()

    def half_written(self, target, *args, **kwargs):
        with open(target, "wb") as handle:
            handle.write(before[: len(before) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", half_written)
    with pytest.raises(OutputError, match="No space left"):
        write_table(frame, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_unreadable_and_unknown_files(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(BadInput, match="cannot read .*bad.parquet as parquet"):
        read_table(bad)
    with pytest.raises(BadInput, match="no such file"):
        read_table(tmp_path / "none.csv")
    with pytest.raises(BadInput, match="cannot tell the format"):
        read_table(bad.rename(tmp_path / "bad.xlsx"))


def test_a_second_writer_of_the_same_output_is_refused(frame, tmp_path):
    import subprocess
    import sys

    from spectui.core.locks import output_lock

    path = tmp_path / "t.csv"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from spectui.core.locks import output_lock\n"
         f"with output_lock({str(path)!r}):\n    print('locked', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match=rf"another spectui \(process {holder.pid}\) is writing"):
            write_table(frame, path)
        assert not path.exists()
    finally:
        holder.kill()
        holder.wait()
    write_table(frame, path)
    with output_lock(path):
        pass
    assert read_table(path)["id"].tolist() == frame["id"].tolist()
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_written_files_get_the_usual_permissions(frame, tmp_path):
    import os
    import stat

    previous = os.umask(0o022)
    try:
        write_table(frame, tmp_path / "t.csv")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "t.csv").stat().st_mode) == 0o644


KILLED_WRITER = """
import sys, time
import pandas as pd
from spectui.core.tables.table_io import write_table

real = pd.DataFrame.to_parquet

def part_then_hang(self, path, **options):
    real(self.iloc[:10], path, **options)
    print("writing", flush=True)
    time.sleep(120)

pd.DataFrame.to_parquet = part_then_hang
write_table(pd.DataFrame({"id": range(100_000), "x": 2.0}), sys.argv[1])
"""


def test_kill_9_during_an_export_keeps_the_previous_file_and_the_next_write_cleans_up(tmp_path):
    import signal
    import subprocess
    import sys

    target = tmp_path / "out.parquet"
    previous = pd.DataFrame({"id": [1, 2, 3], "x": 1.0})
    write_table(previous, target)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    pd.testing.assert_frame_equal(pd.read_parquet(target), previous)
    assert len(list(tmp_path.glob(".out.parquet.*.part"))) == 1
    (tmp_path / ".out.parquet.notours.part").write_text("someone else's file")
    newer = pd.DataFrame({"id": [4, 5], "x": 3.0})
    write_table(newer, target)
    pd.testing.assert_frame_equal(pd.read_parquet(target), newer)
    assert sorted(p.name for p in tmp_path.glob(".*part")) == [".out.parquet.notours.part"]


def test_a_written_file_is_on_disk_before_it_takes_its_name(frame, tmp_path, monkeypatch):
    """The temporary file is synced before the rename, so a crash leaves the old file or the new one, whole."""
    import os

    target = tmp_path / "t.parquet"
    synced = []

    def fsync(fd):
        synced.append((os.readlink(f"/proc/self/fd/{fd}"), target.exists()))

    monkeypatch.setattr(os, "fsync", fsync)
    write_table(frame, target)
    assert len(synced) == 1 and synced[0][0].endswith(".part") and synced[0][1] is False
