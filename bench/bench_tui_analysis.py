"""The analysis screens on the large demo: regroup redraw, missing screen, spectrum view, keys mid-extraction.

Each latency runs from the key event to the end of the first frame that shows its effect (the new grouping,
the statuses, the visit's spectrum, the moved cursor), inside a headless app at 120x40; frames are rendered
to terminal text as a terminal would get them, only the write is skipped. Other frames may come meanwhile
(the header shows an extraction's progress), so each frame records what it showed. The results table of the
latest chain is extracted once (2 workers) and kept in bench/out.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_tui import _until
from common import OUT, big_demo, median, p95, report

LATEST = "u/dagoret/auxtel_latest"
REGROUPS = 16
SPECTRA = 12
KEYS_DURING_EXTRACTION = 80


class ProbeClock:
    """Records, for each frame rendered to terminal text, when it was drawn and what `probe()` said then."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[tuple[float, object]] = []
        self.probe = lambda: None
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                self.frames.append((time.perf_counter(), self.probe()))

        app._display = timed_display

    def first(self, start: float, shows) -> float | None:
        """Seconds from `start` to the first frame whose probe value satisfies `shows`."""
        return next((t - start for t, seen in self.frames if t > start and shows(seen)), None)


async def latency(pilot, clock: ProbeClock, key: str, shows) -> float:
    """Seconds from a key to the first frame whose probe value satisfies `shows`."""
    start = time.perf_counter()
    pilot.app.simulate_key(key)
    await _until(pilot, lambda: clock.first(start, shows) is not None, step=0.002)
    return clock.first(start, shows)


def results_table(repo: Path) -> Path:
    """The latest chain's results on the large demo, extracted on first use."""
    from spectui.core.extraction.extract import extract

    path = OUT / f"analysis-results-{repo.name}.parquet"
    if not path.is_file():
        print(f"extracting {LATEST} once into {path}...", file=sys.stderr)
        extract(str(repo), LATEST, path, workers=2)
    return path


async def analysis(repo: Path, results: Path, workdir: Path) -> dict:
    from textual.widgets import Input

    from spectui.core.analysis.result_files import file_name_for
    from spectui.core.tables.table_io import read_table
    from spectui.tui.app import SpectuiApp
    from spectui.tui.screens.results import ResultsScreen

    Input.cursor_blink = False
    (workdir / file_name_for(LATEST)).symlink_to(results)
    app = SpectuiApp(repo=str(repo), collection=LATEST)
    figures: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        clock = ProbeClock(app)
        await _until(pilot, lambda: getattr(app.screen, "view", None) is not None)
        await app.workers.wait_for_complete()

        clock.probe = lambda: getattr(app.screen, "summary", None) is not None
        figures["missing"] = await latency(pilot, clock, "4", bool)
        figures["statuses"] = len(app.screen.status)

        await pilot.press("5")
        await _until(pilot, lambda: getattr(app.screen, "figure", None) is not None)
        histograms = app.screen
        figures["results"] = len(histograms.table)
        clock.probe = lambda: histograms.figure.spec if histograms.figure else None
        regroups = []
        for _ in range(REGROUPS):
            wanted = histograms.spec
            regroups.append(await latency(pilot, clock, "g", lambda seen: seen is not None and seen != wanted
                                          and seen.by != wanted.by))
        figures["regroup"] = regroups

        app.push_screen(ResultsScreen(read_table(results), collection=LATEST, title="Results",
                                      export_stem="results"))
        await _until(pilot, lambda: getattr(app.screen, "table", None) is not None)
        table_screen = app.screen
        clock.probe = lambda: getattr(getattr(app.screen, "shown", None), "visit", None)
        opens, flips = [], []
        for row in range(0, SPECTRA * 97, 97):
            table_screen.table.move_cursor(row=row)
            await pilot.pause(0.05)
            visit, following = (int(table_screen.view.key_at(r)) for r in (row, row + 1))
            opens.append(await latency(pilot, clock, "enter", lambda seen: seen == visit))
            flips.append(await latency(pilot, clock, "n", lambda seen: seen == following))
            await pilot.press("escape")
            await pilot.pause(0.05)
        figures["spectrum_open"], figures["spectrum_flip"] = opens, flips

        figures.update(await keys_while_extracting(pilot, clock))
    return figures


async def keys_while_extracting(pilot, clock: ProbeClock) -> dict:
    """Start a 2-worker extraction of the collection, go to its exposures, time j/k while it reads files."""
    app = pilot.app
    app.show_screen("extraction")
    await pilot.pause(0.2)
    extraction = app.screen
    extraction.query_one("#extract-workers").value = "2"
    extraction.query_one("#extract-output").value = "busy.parquet"
    await pilot.press("enter")
    await _until(pilot, lambda: getattr(extraction.job.progress, "phase", None) == "read")
    app.show_screen("exposures")
    await pilot.pause(0.2)
    table = app.screen.table
    clock.probe = lambda: table.cursor_row
    latencies = []
    for index in range(KEYS_DURING_EXTRACTION):
        if extraction.job.ended:
            break
        down = index % 4 < 2
        target = table.cursor_row + (1 if down else -1)
        latencies.append(await latency(pilot, clock, "j" if down else "k", lambda seen: seen == target))
        await pilot.pause(0.02)
    done = extraction.job.progress.done if extraction.job.progress else 0
    still_running = not extraction.job.ended
    extraction.job.cancel.set()
    await _until(pilot, lambda: extraction.job.ended, timeout=60)
    return {"during_extraction": latencies, "extracted_meanwhile": done, "still_running": still_running}


def main() -> None:
    repo = big_demo()
    results = results_table(repo)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["SPECTUI_CONFIG_DIR"] = f"{scratch}/config"
        os.environ["SPECTUI_DATA_DIR"] = f"{scratch}/data"
        workdir = Path(scratch) / "work"
        workdir.mkdir()
        os.chdir(workdir)
        figures = asyncio.run(analysis(repo, results, workdir))
    regroup = figures["regroup"]
    report(f"histogram redraw after regroup, {figures['results']} result rows (median of {len(regroup)})",
           median(regroup) * 1000, "ms", "<= 150 ms", median(regroup) <= 0.15)
    report(f"missing screen ready, statuses of {figures['statuses']} exposures from the registry",
           figures["missing"], "s", "<= 3 s", figures["missing"] <= 3)
    opens, flips = figures["spectrum_open"], figures["spectrum_flip"]
    report(f"spectrum view open from a results row (median of {len(opens)})", median(opens) * 1000, "ms",
           "<= 300 ms", median(opens) <= 0.3)
    report(f"spectrum view open from a results row (slowest of {len(opens)})", max(opens) * 1000, "ms")
    report(f"next spectrum (n) to repaint (median of {len(flips)})", median(flips) * 1000, "ms")
    keys = figures["during_extraction"]
    report(f"key to repaint on the exposures table while extracting with 2 workers (p95 of {len(keys)}; "
           f"{figures['extracted_meanwhile']} visits read meanwhile)", p95(keys) * 1000, "ms", "<= 200 ms",
           p95(keys) <= 0.2 and figures["still_running"] and len(keys) >= 20)
    report(f"key to repaint while extracting (median of {len(keys)})", median(keys) * 1000, "ms")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
