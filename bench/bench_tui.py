"""The TUI on the large demo: launch to first paint, exposures ready, filter and sort to repaint, peak RSS.

Latencies are measured inside a headless app from the key event to the end of the frame that shows its effect
(the frame is rendered to terminal text as a real terminal would get it; only the write is skipped).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import big_demo, median, p95, report

FILTER_TEXT = "filter == OG550_65mm_1 and day_obs > 20250301"
SORT_COLUMNS = ("day_obs", "target", "zenith_angle", "obs_id", "mjd")

CHILD = """
import json, sys, time
from spectui.tui.app import SpectuiApp

start = float(sys.argv[2])
marks = {}

class Probe(SpectuiApp):
    def on_ready(self):
        marks["first_paint"] = time.time() - start
        if not self.collection:
            self.exit()
        else:
            self.set_interval(0.01, self._check)

    def _check(self):
        screen = self.screen
        if getattr(screen, "view", None) is None or screen.table is None:
            return
        if "exposures" not in marks:
            marks["exposures"] = None
            marks["saved"] = screen.saved_at is not None
            marks["rows"] = screen.view.row_count
            self.call_after_refresh(self._painted, "exposures")
        if screen.saved_at is None and screen.loading_selection is None and "butler" not in marks:
            marks["butler"] = None
            self.call_after_refresh(self._painted, "butler")

    def _painted(self, mark):
        marks[mark] = time.time() - start
        if marks.get("butler") is not None:
            self.exit()

Probe(repo=sys.argv[1], collection=sys.argv[3] or None).run(headless=True, size=(120, 40))
print(json.dumps(marks))
"""


def launch(repo: Path, collection: str = "") -> dict:
    """Start the app in a fresh interpreter and return its marks (seconds since the launch)."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo), repr(start), collection],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class FrameClock:
    """Records when each frame has been rendered to terminal text."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.times: list[float] = []
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                self.times.append(time.perf_counter())

        app._display = timed_display

    def last_after(self, start: float) -> float | None:
        """Seconds from `start` to the last frame after it."""
        later = [t for t in self.times if t > start]
        return later[-1] - start if later else None


async def keystroke(pilot, clock: FrameClock, key: str) -> float:
    """Seconds from pressing `key` to the frame that shows its effect."""
    start = time.perf_counter()
    await pilot.press(key)
    await pilot.pause(0.05)
    seconds = clock.last_after(start)
    if seconds is None:
        raise RuntimeError(f"no frame after pressing {key!r}")
    return seconds


async def interactive(repo: Path) -> dict:
    """Exposures with the Butler open and the app idle, then filter keystrokes and sorts on ~30k rows."""
    from textual.widgets import Input

    from spectui.core.exposures import ExposureSelection
    from spectui.tui.app import SpectuiApp

    Input.cursor_blink = False
    app = SpectuiApp(repo=str(repo))
    figures: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        clock = FrameClock(app)
        await _until(pilot, lambda: app.screen.results)
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        app.show_screen("exposures")
        await _until(pilot, lambda: app.screen.table is not None, step=0.005)
        await pilot.pause(0.05)
        figures["exposures_ready"] = clock.last_after(start)
        figures["default_rows"] = app.screen.view.row_count
        app.screen.load(ExposureSelection(all_types=True))
        await _until(pilot, lambda: app.screen.loading_selection is None)
        figures["rows"] = app.screen.view.row_count
        await pilot.press("vertical_line")
        typing = [await keystroke(pilot, clock, ch) for ch in FILTER_TEXT]
        typing += [await keystroke(pilot, clock, "backspace") for _ in range(len(FILTER_TEXT))]
        figures["filter"] = typing
        await pilot.press("escape")
        sorts = []
        for column in SORT_COLUMNS * 3:
            app.screen.table.move_cursor(column=app.screen.view.columns.index(column) + 1)
            await pilot.pause()
            sorts += [await keystroke(pilot, clock, "left_square_bracket"),
                      await keystroke(pilot, clock, "right_square_bracket")]
        figures["sort"] = sorts
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


async def _until(pilot, condition, timeout: float = 120, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(step)


def main() -> None:
    repo = big_demo()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["SPECTUI_CONFIG_DIR"] = f"{scratch}/config"
        os.environ["SPECTUI_DATA_DIR"] = f"{scratch}/data"
        paints = [launch(repo)["first_paint"] for _ in range(5)]
        report("launch to first paint (median of 5)", median(paints), "s", "<= 1.0 s", median(paints) <= 1.0)
        first = launch(repo, "u/dagoret/auxtel_latest")
        report(f"launch to exposures painted, {first['rows']} rows, nothing saved yet (cold Butler)",
               first["exposures"], "s", "<= 1.5 s", first["exposures"] <= 1.5)
        again = [launch(repo, "u/dagoret/auxtel_latest") for _ in range(3)]
        assert all(run["saved"] for run in again)
        shown = median([run["exposures"] for run in again])
        report("launch to exposures painted, the list saved by the previous run (median of 3)", shown, "s",
               "<= 1.5 s", shown <= 1.5)
        butler = median([run["butler"] for run in again])
        report("launch to the Butler's answer painted over it (median of 3)", butler, "s")
        os.environ["SPECTUI_DATA_DIR"] = f"{scratch}/empty"
        figures = asyncio.run(interactive(repo))
    report(f"exposures screen ready, {figures['default_rows']} rows, Butler open, nothing saved",
           figures["exposures_ready"], "s", "<= 1.5 s", figures["exposures_ready"] <= 1.5)
    rows = figures["rows"]
    for name, label in (("filter", "filter keystroke to repaint"), ("sort", "sort to repaint")):
        values = figures[name]
        report(f"{label}, {rows} rows (median of {len(values)})", median(values) * 1000, "ms", "<= 100 ms",
               median(values) <= 0.1)
        report(f"{label}, {rows} rows (p95)", p95(values) * 1000, "ms", "<= 200 ms", p95(values) <= 0.2)
    rss = figures["rss_mb"]
    report(f"peak RSS with {rows} rows loaded", rss, "MB", "<= 400 MB", rss <= 400)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
