"""Where chunks of work run: in this process, in a pool of processes, or on a dask.distributed cluster.

A dask `Client` offers a `concurrent.futures.Executor`, so the three share one scheduling loop that keeps a
few chunks in flight per worker, hands each finished chunk over at once, and stops promptly when cancelled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from dataclasses import dataclass

from ..errors import BadInput, SpectuiError

IN_FLIGHT_PER_SLOT = 2
POLL_SECONDS = 0.2
ORPHAN_CHECK_SECONDS = 1.0
DASK_PREFIX = "dask://"


@dataclass(frozen=True)
class ExecutorChoice:
    """A validated --executor: its kind ('local', 'process' or 'dask'), worker count and dask address."""

    kind: str
    workers: int
    address: str = ""


def parse_executor(spec: str, workers: int) -> ExecutorChoice:
    """Check an --executor value early: 'auto' is local for one worker and a process pool for more."""
    spec = (spec or "auto").strip()
    if workers < 1:
        raise BadInput(f"--workers must be at least 1 (got {workers}).")
    if spec == "auto":
        return ExecutorChoice("local" if workers == 1 else "process", workers)
    if spec == "local":
        if workers != 1:
            raise BadInput("--executor local reads in this process: leave --workers at 1, or use process.")
        return ExecutorChoice("local", 1)
    if spec == "process":
        return ExecutorChoice("process", workers)
    if spec.startswith(DASK_PREFIX):
        address = spec[len(DASK_PREFIX):]
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise BadInput(f"bad --executor {spec!r}: write dask://HOST:PORT, e.g. dask://127.0.0.1:8786.")
        return ExecutorChoice("dask", workers, address)
    raise BadInput(f"unknown --executor {spec!r}: use local, process or dask://HOST:PORT.")


@contextlib.contextmanager
def open_executor(choice: ExecutorChoice,
                  preload: tuple[str, ...] = ()) -> Iterator[tuple[futures.Executor | None, int]]:
    """The executor (None means run inline) and how many chunks it runs at once.

    Worker processes start at once and import `preload` while the caller is still busy (e.g. querying).
    """
    if choice.kind == "local":
        yield None, 1
        return
    if choice.kind == "process":
        context = _process_context(preload)
        _start_helpers(context)
        pool = futures.ProcessPoolExecutor(max_workers=choice.workers, mp_context=context,
                                           initializer=_prepare_worker, initargs=(preload, os.getpid(), dict(os.environ)))
        threading.Thread(target=_start_workers, args=(pool, choice.workers), daemon=True,
                         name="spectui-start-workers").start()
        try:
            yield pool, choice.workers
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    client = _dask_client(choice.address)
    try:
        slots = max(1, sum(client.nthreads().values()))
        yield client.get_executor(pure=False), slots
    finally:
        client.close()


def _start_helpers(context) -> None:
    """Start multiprocessing's resource tracker and fork server deaf to hang-ups, with a usable stderr.

    A dropped SSH session sends SIGHUP to the whole process group: the extraction then stops and saves, which
    needs these helpers alive (the workers ignore it too). Blocking the signal while they start makes them
    inherit it blocked; the caller gets any hang-up that came meanwhile once it is unblocked. A TUI's stderr
    stand-in has no file descriptor, and the tracker would fail to start with it.
    """
    from multiprocessing import forkserver, resource_tracker

    hangup = {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, hangup)
    try:
        with _stderr_with_descriptor():
            resource_tracker.ensure_running()
            if context.get_start_method() == "forkserver":
                forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextlib.contextmanager
def _stderr_with_descriptor() -> Iterator[None]:
    """sys.stderr as it is when it has a file descriptor, else /dev/null for the duration."""
    try:
        usable = sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    captured = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            yield
        finally:
            sys.stderr = captured


def _process_context(preload: tuple[str, ...]):
    """Fresh worker processes (forkserver, else spawn): forking a process holding database links is unsafe.

    The fork server imports `preload` once, so every worker forked from it starts with those modules loaded.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", *preload])
    return context


def _prepare_worker(preload: tuple[str, ...], main_pid: int, environment: dict[str, str]) -> None:
    """Take the caller's environment, import what chunks need, leave Ctrl-C and hang-ups to the main process, and
    exit if it is killed.

    The fork server keeps the environment it started with: a token or S3 setting set since would be missing.
    """
    import importlib

    os.environ.update(environment)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    threading.Thread(target=_exit_without, args=(main_pid,), daemon=True, name="spectui-orphan-watch").start()
    for module in preload:
        importlib.import_module(module)


def _exit_without(main_pid: int) -> None:
    """End this worker once the main process is gone (kill -9 gives it no chance to stop its workers)."""
    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        try:
            os.kill(main_pid, 0)
        except (ProcessLookupError, PermissionError):
            os._exit(1)


def _start_workers(pool: futures.ProcessPoolExecutor, workers: int) -> None:
    """Have the pool start its worker processes now, in this thread: starting them waits for the fork server
    to import the preloaded modules, which the caller should not."""
    with contextlib.suppress(RuntimeError):
        for _ in range(workers):
            pool.submit(_ready)


def _ready() -> None:
    """A task that only makes the pool start its worker processes now."""


def _dask_client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise BadInput("--executor dask://... needs dask.distributed: pip install 'spectui[dask]'.") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise BadInput(f"cannot reach the dask scheduler at {address}: {exc}.") from exc


def run_chunks(executor: futures.Executor | None, slots: int, function: Callable, chunks: Iterable[tuple],
               on_done: Callable[[object], None], cancel: threading.Event) -> bool:
    """Run `function(*chunk)` for every chunk, calling `on_done(result)` in this thread as each finishes.

    Returns False when cancelled; chunks already running are still finished and handed over first. When a
    chunk fails, no more are started, the ones running are finished and handed over, then its error is raised.
    """
    if executor is None:
        for chunk in chunks:
            if cancel.is_set():
                return False
            on_done(function(*chunk))
        return not cancel.is_set()
    pending: set[futures.Future] = set()
    chunk_iter = iter(chunks)
    exhausted = False
    failure: Exception | None = None
    try:
        while True:
            while (failure is None and not exhausted and not cancel.is_set()
                   and len(pending) < slots * IN_FLIGHT_PER_SLOT):
                chunk = next(chunk_iter, None)
                if chunk is None:
                    exhausted = True
                else:
                    pending.add(executor.submit(function, *chunk))
            if not pending:
                if failure is not None:
                    raise failure
                return not cancel.is_set()
            if cancel.is_set():
                for future in pending:
                    future.cancel()
            done, pending = futures.wait(pending, timeout=POLL_SECONDS, return_when=futures.FIRST_COMPLETED)
            for future in done:
                if future.cancelled():
                    continue
                try:
                    result = _result(future)
                except Exception as exc:
                    failure = failure or exc
                    continue
                on_done(result)
    finally:
        for future in pending:
            future.cancel()


def _result(future: futures.Future):
    try:
        return future.result()
    except futures.BrokenExecutor as exc:
        raise SpectuiError("a worker process died (out of memory or killed).") from exc
