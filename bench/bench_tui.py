"""The TUI on the large demo: launch to first paint, exposures ready, filter and sort to repaint, peak RSS.

Launching straight on Exposures is timed in a real terminal (tmux, 120x40), from starting `spectui` to the
screen showing the first exposure's row: cold (nothing saved: the rows come with the Butler's answer) and warm
(the list saved by the previous launch is shown while the Butler answers, as on every launch after the first).
Other latencies are measured inside a headless app from the key event to the end of the frame that shows its
effect (the frame is rendered to terminal text as a real terminal would get it; only the write is skipped).
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
from terminal import Terminal

FILTER_TEXT = "filter == OG550_65mm_1 and day_obs > 20250301"
COLLECTION = "u/dagoret/auxtel_latest"
WARM_RUNS = 5
SPECTUI = str(Path(sys.executable).parent / "spectui")
SORT_COLUMNS = ("day_obs", "target", "zenith_angle", "obs_id", "mjd")

CHILD = """
import json, sys, time
from spectui.tui.app import SpectuiApp

start = float(sys.argv[2])

class Probe(SpectuiApp):
    def on_ready(self):
        print(json.dumps({"first_paint": time.time() - start}))
        self.exit()

Probe(repo=sys.argv[1]).run(headless=True, size=(120, 40))
"""


def launch(repo: Path) -> dict:
    """Start the app on Collections in a fresh interpreter and return its marks (seconds since the launch)."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo), repr(start)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def first_exposure(repo: Path) -> tuple[str, int]:
    """The id of the first exposure listed by default, and how many there are (asked in this process)."""
    from spectui.core.butler.exposures import query_exposures
    from spectui.core.butler.repo import open_repo

    frame = query_exposures(open_repo(repo))
    return str(frame["id"].iloc[0]), len(frame)


def launch_in_terminal(terminal: Terminal, repo: Path, data_dir: str, config_dir: str,
                       first_id: str, rows: int) -> dict[str, float]:
    """Seconds from starting `spectui -c COLLECTION` until its first row shows, every key works, and the
    Butler's answer is on screen (the same moment when nothing was saved)."""
    env = {"SPECTUI_DATA_DIR": data_dir, "SPECTUI_CONFIG_DIR": config_dir}
    start = terminal.start([SPECTUI, "--repo", str(repo), "-c", COLLECTION], env)
    counted = f"{rows:,} of {rows:,} rows"
    marks = {"rows": terminal.seconds_until(lambda text: first_id in text, start, "the first exposure")}
    marks["keys"] = terminal.seconds_until(lambda text: counted in text, start, "the view's row count")
    marks["butler"] = terminal.seconds_until(
        lambda text: first_id in text and counted in text and "not yet refreshed" not in text, start,
        "the Butler's answer")
    return marks


def wait_for_saved_list(data_dir: str, timeout: float = 60) -> None:
    """Wait until the launch's query process has saved the list (it does so after answering)."""
    deadline = time.monotonic() + timeout
    while not list(Path(data_dir).glob("cache/exposures/*.parquet")):
        if time.monotonic() > deadline:
            raise TimeoutError("the exposure list was never saved")
        time.sleep(0.05)
    time.sleep(0.2)


def launches(repo: Path, scratch: str) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Cold launches (each with an empty data directory) and warm ones (the list saved by a cold one)."""
    first_id, rows = first_exposure(repo)
    terminal = Terminal("bench-tui")
    cold, warm = [], []
    try:
        for run in range(3):
            data_dir = f"{scratch}/cold-{run}"
            cold.append(launch_in_terminal(terminal, repo, data_dir, f"{scratch}/config", first_id, rows))
            wait_for_saved_list(data_dir)
            terminal.stop()
        for _ in range(WARM_RUNS):
            warm.append(launch_in_terminal(terminal, repo, f"{scratch}/cold-0", f"{scratch}/config",
                                           first_id, rows))
            terminal.stop()
    finally:
        terminal.close()
    return cold, warm


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

    from spectui.core.butler.exposures import ExposureSelection
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
        await _until(pilot, lambda: app.screen.table is not None and app.screen.view is not None, step=0.005)
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
        cold, warm = launches(repo, scratch)
        os.environ["SPECTUI_DATA_DIR"] = f"{scratch}/empty"
        figures = asyncio.run(interactive(repo))
    load = os.getloadavg()[0]
    for name, runs in (("cold: nothing saved yet", cold), ("warm: the list saved by the previous launch", warm)):
        print(f"  launch straight on Exposures in tmux, {name} (load {load:.1f}): "
              + ", ".join(f"{mark} {[round(run[mark], 2) for run in runs]}" for mark in runs[0]))
    shown = median([run["rows"] for run in cold])
    report(f"launch to exposures painted, cold: nothing saved, rows come with the Butler's answer (median of "
           f"{len(cold)})", shown, "s", "<= 1.5 s", shown <= 1.5)
    shown = median([run["rows"] for run in warm])
    report(f"launch to exposures painted, warm: the list saved by the previous launch (median of {len(warm)})",
           shown, "s", "<= 1.5 s", shown <= 1.5)
    report(f"warm launch to every key working on the saved list (median of {len(warm)})",
           median([run["keys"] for run in warm]), "s")
    report(f"warm launch to the Butler's answer painted over it (median of {len(warm)})",
           median([run["butler"] for run in warm]), "s")
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
