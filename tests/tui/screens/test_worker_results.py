"""Worker results reach a screen only while it is open and when no newer request of their kind was made."""

from __future__ import annotations

import asyncio
import importlib
import threading
import time

import numpy as np
import pytest
from analysis_support import (  # noqa: F401
    LATEST,
    V31,
    app_on,
    extracted,
    label_text,
    latest_results,
    open_screen,
    with_results,
    workdir,
)
from textual.widgets import Input, Label, Static
from textual.worker import WorkerState
from tui_support import notifications, open_exposures, settle, wait_for

from spectui.core.analysis.runs import Run, save_runs
from spectui.tui.dialogs.pick import PickScreen
from spectui.tui.screens.compare import CompareScreen
from spectui.tui.screens.histogram import HistogramScreen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.spectrum import SpectrumScreen
from spectui.tui.screens.status import StatusScreen
from spectui.tui.widgets.busy_line import BusyLine
from spectui.tui.widgets.plot_widgets import Chart

TIMEOUT = 30.0


class Gate:
    """Stands in for a function: each call waits until the test lets it through, then runs the real one."""

    def __init__(self, target: str) -> None:
        module, _, name = target.rpartition(".")
        self.real = getattr(importlib.import_module(module), name)
        self.calls: list[threading.Event] = []

    def __call__(self, *args, **kwargs):
        release = threading.Event()
        self.calls.append(release)
        release.wait(TIMEOUT)
        return self.real(*args, **kwargs)

    async def reached(self, pilot, times: int) -> None:
        await wait_for(pilot, lambda: len(self.calls) >= times)


@pytest.fixture
def gate(monkeypatch):
    """Makes gates on dotted names; every call still held is let through when the test ends."""
    made: list[Gate] = []

    def make(target: str) -> Gate:
        made.append(Gate(target))
        monkeypatch.setattr(target, made[-1])
        return made[-1]

    yield make
    for each in made:
        for release in each.calls:
            release.set()


def ended(monkeypatch, cls: type, name: str) -> list:
    """The runs of a screen's worker method that have ended, recorded by the thread that ran them."""
    runs = []
    original = getattr(cls, name)

    def tracked(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        finally:
            runs.append(args)

    monkeypatch.setattr(cls, name, tracked)
    return runs


class Holder(Static):
    """Keeps its screen half-closed (its other widgets gone, the screen not yet unmounted) until let go."""

    def __init__(self) -> None:
        super().__init__()
        self.let_go = asyncio.Event()

    async def on_unmount(self) -> None:
        await self.let_go.wait()


async def until(condition) -> None:
    """Wait for `condition()` without asking the app (busy closing a screen) to catch up."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {condition}"
        await asyncio.sleep(0.01)


async def older_ends_first(pilot, held: Gate, runs: list, *keys: str) -> None:
    """With a request held, ask again by `keys` (held too), then let the older one through to its end."""
    await held.reached(pilot, 1)
    await pilot.press(*keys)
    await held.reached(pilot, 2)
    held.calls[0].set()
    await wait_for(pilot, lambda: len(runs) == 1)
    await pilot.pause()


async def closes_cleanly(screen, held: Gate, group: str, widget_type: type, delivered) -> None:
    """Open `screen`, close it while its `group` worker is held: let through, the worker ends well, unseen."""
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        app.push_screen(screen)
        await held.reached(pilot, 1)
        worker = next(w for w in app.workers if w.group == group and not w.is_finished)
        widget = screen.query_one(widget_type)
        holder = Holder()
        await screen.mount(holder)
        app.pop_screen()
        await until(lambda: not widget.is_attached)
        held.calls[0].set()
        await until(lambda: worker.is_finished)
        holder.let_go.set()
        await wait_for(pilot, lambda: not screen.is_attached)
        await settle(pilot)
        assert worker.state == WorkerState.SUCCESS, worker.error
        assert not delivered(screen) and app.is_running and app.screen is not screen
        assert not notifications(app)


async def test_compare_result_after_the_screen_closed_is_dropped(with_results, gate):
    screen = CompareScreen()
    screen.names["a"] = LATEST
    await closes_cleanly(screen, gate("spectui.core.analysis.run_sides.compare_sides"), "compare", BusyLine,
                         lambda s: s.comparison)


async def test_an_older_comparison_ending_last_is_dropped(with_results, extracted, gate, monkeypatch):
    save_runs([Run("v31", collection=V31, label="v3.1", files={"extracted": str(extracted[V31])})])
    held = gate("spectui.core.analysis.run_sides.compare_sides")
    runs = ended(monkeypatch, CompareScreen, "_compare")
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "6", lambda s: isinstance(s, CompareScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press(*"v31", "enter")
        await older_ends_first(pilot, held, runs, "x")
        assert screen.comparison is None and screen.query_one(BusyLine).running
        held.calls[1].set()
        await wait_for(pilot, lambda: screen.comparison is not None)
        await settle(pilot)
        assert label_text(screen, "#compare-a").startswith(f" A  {LATEST}")
        assert label_text(screen, "#compare-b").startswith(" B  v31")
        assert not screen.query_one(BusyLine).running


async def test_status_result_after_the_screen_closed_is_dropped(workdir, gate):
    await closes_cleanly(StatusScreen(), gate("spectui.core.analysis.status.exposure_status"), "status-load",
                         BusyLine, lambda s: s.status is not None)


async def test_an_older_merge_ending_last_is_dropped(with_results, gate, monkeypatch):
    held = gate("spectui.core.analysis.merge.merge_results")
    runs = ended(monkeypatch, StatusScreen, "_merge")
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "4", lambda s: getattr(s, "summary", None) is not None)
        await pilot.press("M")
        await older_ends_first(pilot, held, runs, "M")
        assert app.screen is screen and screen.query_one(BusyLine).running
        held.calls[1].set()
        await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await settle(pilot)
        assert sum(isinstance(s, ResultsScreen) for s in app.screen_stack) == 1
        assert not screen.query_one(BusyLine).running


async def test_spectrum_after_the_screen_closed_is_dropped(workdir, latest_results, gate):
    await closes_cleanly(SpectrumScreen(LATEST, latest_results["id"].to_numpy()[:3]),
                         gate("spectui.core.extraction.visit_files.read_visit_outputs"), "spectrum", Chart,
                         lambda s: s.shown is not None)


async def test_an_older_spectrum_read_ending_last_is_dropped(workdir, latest_results, gate, monkeypatch):
    held = gate("spectui.core.extraction.visit_files.read_visit_outputs")
    runs = ended(monkeypatch, SpectrumScreen, "_read")
    visits = np.sort(latest_results["id"].to_numpy())[:3]
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        screen = SpectrumScreen(LATEST, visits)
        app.push_screen(screen)
        await older_ends_first(pilot, held, runs, "n")
        assert screen.shown is None and "reading" in label_text(screen, "#spectrum-line")
        held.calls[1].set()
        await wait_for(pilot, lambda: screen.shown is not None)
        await settle(pilot)
        assert screen.shown.visit == visits[1] and screen.visit == visits[1]


async def test_histogram_table_after_the_screen_closed_is_dropped(with_results, gate):
    await closes_cleanly(HistogramScreen(), gate("spectui.core.analysis.result_files.read_cached"),
                         "histogram-read", Label, lambda s: s.table is not None)


async def test_an_older_histogram_read_ending_last_does_not_replace_the_plot(workdir, extracted, gate,
                                                                               monkeypatch):
    held = gate("spectui.core.analysis.result_files.existing_results")
    runs = ended(monkeypatch, HistogramScreen, "_read")
    app = app_on()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("5")
        await held.reached(pilot, 1)
        screen = app.screen
        await pilot.press("o")
        screen.query_one("#prompt-input", Input).value = str(extracted[LATEST])
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.figure is not None)
        await settle(pilot)
        held.calls[0].set()
        await wait_for(pilot, lambda: len(runs) == 2)
        await settle(pilot)
        assert screen.message == "" and screen.query(Chart) and screen.source == extracted[LATEST].name
