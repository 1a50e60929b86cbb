"""The chunk scheduling loop: every finished chunk handed over, also when another fails or on cancel."""

from __future__ import annotations

import threading
import time
from concurrent import futures

import pytest

from spectui.core.errors import SpectuiError
from spectui.core.extraction.executors import run_chunks


class ChunkFailed(Exception):
    """The error the failing chunk raises."""


def test_a_failing_chunk_stops_new_ones_and_the_running_ones_are_still_handed_over():
    started, handed = [], []

    def work(number: int) -> int:
        started.append(number)
        if number == 3:
            raise ChunkFailed("chunk 3")
        time.sleep(0.2)
        return number

    with futures.ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ChunkFailed, match="chunk 3"):
        run_chunks(pool, 2, work, ((n,) for n in range(50)), handed.append, threading.Event())
    assert 3 in started and len(started) < 50
    assert sorted(handed) == sorted(n for n in started if n != 3)


def test_cancelling_hands_over_the_running_chunks_and_starts_no_more():
    cancel, handed = threading.Event(), []

    def work(number: int) -> int:
        if number == 1:
            cancel.set()
        time.sleep(0.1)
        return number

    with futures.ThreadPoolExecutor(max_workers=2) as pool:
        assert run_chunks(pool, 1, work, ((n,) for n in range(50)), handed.append, cancel) is False
    assert 1 in handed and len(handed) <= 3


def test_a_dead_worker_is_one_line():
    with futures.ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(SpectuiError) as raised:
        run_chunks(pool, 1, _die, [(1,)], lambda _: None, threading.Event())
    assert str(raised.value) == "a worker process died (out of memory or killed)."


def _die(_: int) -> None:
    import os

    os._exit(1)


def _environment_variable(name: str) -> str | None:
    import os

    return os.environ.get(name)


def test_workers_see_the_environment_as_it_is_when_the_pool_opens(monkeypatch):
    from spectui.core.extraction.executors import open_executor, parse_executor

    choice = parse_executor("process", 1)
    with open_executor(choice) as (pool, _):
        assert pool.submit(_environment_variable, "SPECTUI_TEST_TOKEN").result(60) is None
    monkeypatch.setenv("SPECTUI_TEST_TOKEN", "set after the fork server started")
    with open_executor(choice) as (pool, _):
        assert pool.submit(_environment_variable, "SPECTUI_TEST_TOKEN").result(60) == "set after the fork server started"
