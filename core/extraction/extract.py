"""Extract a collection's Spectractor results into one typed table, one row per visit (the refs' visit id).

The refs come from one bulk query per dataset type; where the executor runs a chunk, its files are located in
one bulk lookup (core/locations.py) and read; finished chunks go to a checkpoint beside the output.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..butler.exposures import ExposureSelection, query_exposures
from ..butler.locations import locate
from ..butler.remote import is_remote
from ..butler.repo import butler_errors, datastore_roots, open_repo, refuse_inside_repository
from ..butler.worker_refs import PackedRefs, RepoLink
from ..errors import BadInput, Cancelled, SpectuiError
from .checkpoint import Checkpoint
from .executors import open_executor, parse_executor, run_chunks
from .extract_rows import FIT_SECTIONS, SPECTRUM, extract_chunk, rows_frame

DATASET_TYPES = (SPECTRUM, *FIT_SECTIONS)
CHUNKS_PER_SLOT = 8
MIN_CHUNK, MAX_CHUNK = 16, 400
CHUNK_SECONDS = 1.0
PROGRESS_INTERVAL = 0.25
WORKER_MODULES = ("spectui.core.extraction.extract", "lsst.daf.butler", "pandas", "pyarrow", "numpy")


@dataclass(frozen=True)
class Progress:
    """Where an extraction stands: phase (query; read, or fetch through a Butler server, where each chunk asks the
    server for its files' URLs before reading them; write; done), counts, speed, and the visits that failed since
    the previous report (id, reason)."""

    phase: str
    done: int = 0
    total: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    elapsed: float = 0.0
    rate: float = 0.0
    eta: float | None = None
    new_failures: tuple[tuple[int, str], ...] = ()

    @property
    def reading(self) -> bool:
        """True while visits are being read (read or fetch), when `done` and `total` count them."""
        return self.phase in ("read", "fetch")


@dataclass
class ExtractResult:
    """The result table, where it was written, and how many visits were ok, partial or failed."""

    frame: object
    output: Path | None
    ok: int
    partial: int
    failed: int
    resumed: int
    seconds: float
    dataset_types: tuple[str, ...] = field(default_factory=tuple)

    @property
    def failures(self):
        """The visits that are not ok: id, status and the reason."""
        frame = self.frame
        return frame.loc[frame["status"] != "ok", ["id", "status", "error"]].reset_index(drop=True)


def extract(source, collection: str, output: str | os.PathLike | None = None, *, workers: int = 1,
            executor: str = "auto", resume: bool = False, legacy_names: bool = False,
            selection: ExposureSelection | None = None, progress: Callable[[Progress], None] | None = None,
            cancel: threading.Event | None = None) -> ExtractResult:
    """Extract `collection` (repository path, alias or open Butler) to a table, and to `output` if given.

    Raises Cancelled when `cancel` is set, after saving the chunks already read; `resume` picks them up again.
    """
    from ..tables.table_io import check_output_path

    choice = parse_executor(executor, workers)
    cancel = cancel or threading.Event()
    selection = None if selection == ExposureSelection() else selection
    if output is not None:
        check_output_path(output)
    if resume and (output is None or str(output) == "-"):
        raise BadInput("--resume needs an output file: the checkpoint lives beside it.")
    butler = open_repo(source) if isinstance(source, (str, os.PathLike)) else source
    roots = datastore_roots(butler)
    if output is not None:
        refuse_inside_repository([output], roots)
    checkpoint = None
    try:
        tracker = _Tracker(progress, "fetch" if is_remote(butler) else "read")
        tracker.emit("query", force=True)
        with open_executor(choice, preload=WORKER_MODULES) as (pool, slots):
            refs, expected = find_refs(butler, collection, selection)
            checkpoint = _checkpoint(output, roots, collection, selection)
            saved = _only_visits(checkpoint.open(resume=resume) if checkpoint else [], refs)
            done = {visit for table in saved for visit in table.column("id").to_pylist()}
            todo = sorted(visit for visit in refs if visit not in done)
            tracker.start(total=len(refs), saved=saved)
            tables = list(saved)

            def finished(table) -> None:
                if checkpoint:
                    checkpoint.save(table)
                tables.append(table)
                tracker.add(table)

            largest = max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(len(todo) / (slots * CHUNKS_PER_SLOT))))

            def chunk_size() -> int:
                measured = int(tracker.rate() / slots * CHUNK_SECONDS)
                return largest if measured >= largest else max(MIN_CHUNK, measured)

            chunks = _chunks(RepoLink(butler), todo, refs, expected, chunk_size)
            try:
                completed = run_chunks(pool, slots, read_chunk, chunks, finished, cancel)
            except SpectuiError as exc:
                if not checkpoint or not tracker.done:
                    raise
                raise type(exc)(f"{exc.message.rstrip('.')}; {tracker.done} of {len(refs)} visits are saved "
                                f"in {checkpoint.directory}: once that is put right, run the same command "
                                "with --resume to finish.") from exc
        if not completed:
            where = (f"{tracker.done} are saved in {checkpoint.directory}: run the same command with --resume to "
                     "finish" if checkpoint else "nothing was saved")
            raise Cancelled(f"stopped after {tracker.done} of {len(refs)} visits; {where}.")
        tracker.emit("write", force=True)
        frame = rows_frame(tables, legacy_names=legacy_names)
        written = None
        if output is not None:
            from ..tables.table_io import write_table

            written = write_table(frame, output)
            if checkpoint:
                checkpoint.remove()
        tracker.emit("done", force=True)
    finally:
        if checkpoint:
            checkpoint.close()
    return ExtractResult(frame=frame, output=written, ok=tracker.ok, partial=tracker.partial,
                         failed=tracker.failed, resumed=len(done), seconds=tracker.elapsed(),
                         dataset_types=expected)


def find_refs(butler, collection: str, selection: ExposureSelection | None = None):
    """Per visit, the ref of each Spectractor dataset type; and the types the collection holds."""
    by_visit: dict[int, dict[str, object]] = {}
    present = []
    with butler_errors("dataset query"):
        butler.collections.get_info(collection)
        for dataset_type in DATASET_TYPES:
            found = _query(butler, dataset_type, collection)
            if found or dataset_type == SPECTRUM:
                present.append(dataset_type)
            for ref in found:
                by_visit.setdefault(int(ref.dataId["visit"]), {})[dataset_type] = ref
    if not any(SPECTRUM in types for types in by_visit.values()):
        raise BadInput(f"collection {collection!r} holds no {SPECTRUM} datasets: nothing to extract "
                       "(`spectui collections` shows which collections have them).")
    if selection is not None:
        chosen = set(query_exposures(butler, selection)["id"].tolist())
        by_visit = {visit: types for visit, types in by_visit.items() if visit in chosen}
        if not by_visit:
            raise BadInput(f"no visit of {collection!r} with Spectractor outputs matches the selection.")
    return by_visit, tuple(present)


def _query(butler, dataset_type: str, collection: str) -> list:
    from lsst.daf.butler import MissingDatasetTypeError

    try:
        return butler.query_datasets(dataset_type, collections=collection, find_first=True, limit=None,
                                     explain=False)
    except MissingDatasetTypeError:
        return []


def _chunks(link: RepoLink, todo: list[int], refs: dict[int, dict], expected: tuple[str, ...],
            chunk_size: Callable[[], int]) -> Iterator[tuple]:
    """The chunks to read: each visit with its refs, for the reader to locate in bulk and read.

    Chunks last about a second each once the reading speed is known, so that cancelling is prompt even on
    slow (remote) storage; they start small.
    """
    start = 0
    while start < len(todo):
        visits = todo[start:start + chunk_size()]
        start += len(visits)
        yield link, PackedRefs([(visit, refs[visit]) for visit in visits]), expected


def read_chunk(link: RepoLink, refs: PackedRefs, expected: tuple[str, ...]):
    """Locate a chunk's files with one bulk lookup and read them into an Arrow table (what executors run).

    Locating happens where the chunk is read, so with several workers the lookups run in parallel too.
    """
    butler = link.butler
    with butler_errors("dataset type lookup"):
        units = refs.units(butler)
    return extract_chunk(locate(butler, units), expected)


def _checkpoint(output, roots: list[str], collection: str, selection: ExposureSelection | None):
    if output is None or str(output) == "-":
        return None
    return Checkpoint(output, {"repository": roots, "collection": collection,
                               "selection": asdict(selection) if selection else None})


def _only_visits(tables: list, refs: dict) -> list:
    """Saved chunks restricted to the visits still selected."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = pa.array(sorted(refs), pa.int64())
    return [table.filter(pc.is_in(table.column("id"), value_set=wanted)) for table in tables]


class _Tracker:
    """Counts finished visits and reports progress at most a few times a second."""

    def __init__(self, callback: Callable[[Progress], None] | None, reading: str) -> None:
        self.callback = callback
        self.reading = reading
        self.started = time.perf_counter()
        self.rate_since: float | None = None
        self.last = 0.0
        self.total = self.done = self.rate_base = self.ok = self.partial = self.failed = 0
        self.unreported: list[tuple[int, str]] = []

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def start(self, total: int, saved: list) -> None:
        self.total = total
        for table in saved:
            self._count(table)
        self.emit(self.reading, force=True)

    def add(self, table) -> None:
        self._count(table)
        if self.rate_since is None:
            self.rate_since, self.rate_base = time.perf_counter(), self.done
        self.emit(self.reading)

    def _count(self, table) -> None:
        statuses = table.column("status").to_pylist()
        self.done += len(statuses)
        self.ok += statuses.count("ok")
        self.partial += statuses.count("partial")
        self.failed += statuses.count("failed")
        if "failed" in statuses:
            errors = table.column("error").to_pylist()
            ids = table.column("id").to_pylist()
            self.unreported += [(v, e) for v, s, e in zip(ids, statuses, errors) if s == "failed"]

    def rate(self) -> float:
        """Visits read per second since the first chunk came back (0 until the next one does).

        Timing from the first chunk leaves out the workers' start-up, which would make early estimates too slow.
        """
        fresh = self.done - self.rate_base
        if self.rate_since is None or not fresh:
            return 0.0
        return fresh / max(time.perf_counter() - self.rate_since, 1e-9)

    def emit(self, phase: str, force: bool = False) -> None:
        now = time.perf_counter()
        if self.callback is None or (not force and now - self.last < PROGRESS_INTERVAL):
            return
        self.last = now
        rate = self.rate()
        eta = (self.total - self.done) / rate if rate else None
        self.callback(Progress(phase=phase, done=self.done, total=self.total, ok=self.ok,
                               partial=self.partial, failed=self.failed, elapsed=now - self.started,
                               rate=rate, eta=eta, new_failures=tuple(self.unreported)))
        self.unreported = []
