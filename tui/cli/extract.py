"""The `spectui extract` command: a collection's Spectractor results to one table file, resumable."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

import click

from .options import (
    collection_option,
    output_help,
    repo_and_collection,
    repo_option,
    run_option,
    say,
    selection_from,
    selection_options,
    warn_unmatched_targets,
)

SHOWN_FAILURES = 5
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@click.command()
@repo_option
@collection_option
@run_option
@click.option("-o", "--output", required=True, metavar="FILE",
              help=output_help("Output file (.parquet recommended)"))
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              show_default="the number of cores, at most 8; 1 with --executor local",
              help="Processes reading files in parallel (a dask cluster has its own).")
@click.option("--executor", default="auto", metavar="local|process|dask://HOST:PORT", show_default=True,
              help="Where files are read: this process, a process pool, or a dask.distributed scheduler.")
@click.option("--resume", is_flag=True, help="Finish an interrupted extraction from its checkpoint.")
@click.option("--legacy-names", is_flag=True,
              help="The notebooks' column names: <label>_x (spectrogram fit), <label>_y (spectrum fit).")
@selection_options
def extract(repo: str | None, collection: str | None, run_name: str | None, output: str, workers: int | None,
            executor: str, resume: bool, legacy_names: bool, **kwargs) -> None:
    """Extract a collection's Spectractor results (header + fits) into one table, one row per visit."""
    from spectui.core.errors import Cancelled
    from spectui.core.extraction.executors import parse_executor
    from spectui.core.extraction.extract import extract as run_extract
    from spectui.core.tables.table_io import check_output_path

    selection = selection_from(kwargs)
    repo, collection = repo_and_collection(repo, collection, run_name)
    workers = workers or (1 if executor.strip() == "local" else min(8, os.cpu_count() or 1))
    parse_executor(executor, workers)
    check_output_path(output)
    warn_unmatched_targets(repo, selection, none_is_error=True)
    cancel = threading.Event()
    bar = _ProgressLine() if sys.stderr.isatty() else None
    with _stop_on_signals(cancel) as received:
        try:
            result = run_extract(repo, collection, output, workers=workers, executor=executor,
                                 resume=resume, legacy_names=legacy_names, selection=selection, progress=bar,
                                 cancel=cancel)
        except Cancelled as exc:
            if bar:
                bar.clear()
            say(f"spectui: interrupted: {exc.message}")
            sys.exit(128 + (received[0] if received else signal.SIGINT))
        finally:
            if bar:
                bar.clear()
    _summary(result)


@contextlib.contextmanager
def _stop_on_signals(cancel: threading.Event) -> Iterator[list[int]]:
    """Ctrl-C, SIGTERM and SIGHUP make the extraction stop and save its checkpoint; a second Ctrl-C aborts."""
    received: list[int] = []

    def handler(signum, _frame) -> None:
        if received and signum == signal.SIGINT:
            raise KeyboardInterrupt
        received.append(signum)
        cancel.set()

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


class _ProgressLine:
    """A one-line progress display on the terminal's stderr, redrawn in place."""

    def __init__(self) -> None:
        self.width = 0

    def __call__(self, p) -> None:
        if p.phase == "query":
            text = "finding the collection's datasets..."
        elif p.phase == "write":
            text = f"writing {p.total} rows..."
        elif p.phase == "done":
            return
        else:
            share = p.done / p.total if p.total else 1.0
            filled = int(share * 24)
            speed = f"{p.rate:,.0f}/s  ETA {_duration(p.eta)}  " if p.rate and p.eta is not None else ""
            doing = "resolving URLs, reading " if p.phase == "fetch" else ""
            text = (f"{doing}[{'#' * filled}{'.' * (24 - filled)}] {p.done}/{p.total} visits {share:4.0%}  "
                    f"{speed}ok {p.ok}  partial {p.partial}  failed {p.failed}")
        self.width = max(self.width, len(text))
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()

    def clear(self) -> None:
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _summary(result) -> None:
    """Counts, where the output went, and the first failures with where to find them all."""
    where = result.output if result.output else "stdout"
    resumed = f", {result.resumed} of them from the checkpoint" if result.resumed else ""
    say(f"wrote {len(result.frame)} visits to {where}{resumed}: {result.ok} ok, {result.partial} partial, "
        f"{result.failed} failed ({result.seconds:.1f} s).")
    failures = result.failures.sort_values("status", key=lambda s: s != "failed", kind="stable")
    if len(failures):
        say(f"the {len(failures)} visits not ok are the rows whose `status` is not 'ok'; `error` says why:")
        for row in failures.head(SHOWN_FAILURES).itertuples(index=False):
            say(f"  {row.id}  {row.status}: {row.error}")
        if len(failures) > SHOWN_FAILURES:
            say(f"  ... and {len(failures) - SHOWN_FAILURES} more in {where}.")
