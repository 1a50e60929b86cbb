"""Where a collection's results table lives: the run registry's file, else one named after the collection.

The extraction screen proposes this path and the analysis screens look for the table there, so a table
extracted today is found again tomorrow without typing its name.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from ..extraction.checkpoint import PART_GLOB, Checkpoint, checkpoint_dir
from ..paths import user_path
from .runs import load_runs

SUFFIX = ".parquet"
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
CACHED_TABLES = 4
_cache: dict[Path, tuple[tuple[int, int], object]] = {}
_cache_lock = threading.Lock()


def file_name_for(collection: str) -> str:
    """A file name made from a collection name: '/' and other unsafe characters become '_'."""
    stem = UNSAFE.sub("_", collection).strip("._") or "results"
    return stem + SUFFIX


def proposed_output(collection: str, run_name: str | None = None,
                    directory: str | os.PathLike | None = None) -> Path:
    """The registered run's `extracted` file when there is one, else `<collection>.parquet` in `directory`."""
    if run_name:
        run = load_runs().get(run_name)
        if run is not None and run.files.get("extracted"):
            return user_path(run.files["extracted"])
    return Path(directory or Path.cwd()) / file_name_for(collection)


def existing_results(collection: str, run_name: str | None = None,
                     directory: str | os.PathLike | None = None) -> Path | None:
    """The results table of the collection (or run) if it exists on disk."""
    path = proposed_output(collection, run_name, directory)
    return path if path.is_file() else None


def saved_visits(output: str | os.PathLike) -> int | None:
    """How many visits an interrupted extraction to `output` saved; None when it left no checkpoint."""
    import pyarrow as pa

    if not Checkpoint(output, {}).exists():
        return None
    total = 0
    for part in checkpoint_dir(output).glob(PART_GLOB):
        with pa.memory_map(str(part)) as source:
            reader = pa.ipc.open_file(source)
            total += sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
    return total


def discard_checkpoint(output: str | os.PathLike) -> None:
    """Delete what an interrupted extraction writing `output` saved, to start it over."""
    Checkpoint(output, {}).remove()


def read_cached(path: str | os.PathLike):
    """A results table read from disk, or the copy read before if the file is unchanged (do not modify it)."""
    from ..tables.table_io import read_table

    source = user_path(path).absolute()
    try:
        stamp = (source.stat().st_mtime_ns, source.stat().st_size)
    except OSError:
        stamp = (0, 0)
    with _cache_lock:
        cached = _cache.get(source)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    frame = read_table(source)
    with _cache_lock:
        _cache.pop(source, None)
        while len(_cache) >= CACHED_TABLES:
            _cache.pop(next(iter(_cache)))
        _cache[source] = (stamp, frame)
    return frame
