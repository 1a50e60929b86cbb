"""Collections at USDF's scale: the small demo repository against a copy crowded with 30,000 users' collections.

In a real terminal (tmux, 120x40): from starting `spectui --repo R` to the Collections screen showing its first list
(on a first launch, and on later ones that show the list saved last time while the Butler lists again), and from a
key typed in the search box to the list it narrows to (once the Butler's list has replaced the saved one, and
apart, while a later launch reads the collections again). On the command line: `spectui collections` against
`butler query-collections`, both listing every collection without counting datasets.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import OUT, median, report, run_seconds
from terminal import Terminal

RUNS_ADDED, CHAINS_ADDED = 30_000, 600
REPEATS = 3
SPECTUI = str(Path(sys.executable).with_name("spectui"))
BUTLER = str(Path(sys.executable).with_name("butler"))


def repositories() -> tuple[Path, Path]:
    """The small demo repository and its crowded copy, built once under bench/out."""
    from spectui.core.demo.build import build_demo, is_demo_repo
    from spectui.core.demo.crowd import crowd_collections

    small, crowded = OUT / "collections-small", OUT / "collections-crowded"
    if not is_demo_repo(small):
        build_demo(small, nights=3, seed=1, force=small.exists())
        shutil.rmtree(crowded, ignore_errors=True)
    if not crowded.exists():
        shutil.copytree(small, crowded)
        crowd_collections(crowded, runs=RUNS_ADDED, chains=CHAINS_ADDED)
    return small, crowded


def first_list_and_keystroke(terminal: Terminal, repo: Path, config: str) -> tuple[float, float, float, float | None]:
    """Seconds to the first list, from typing one more letter of a search to its narrowed list, from typing the
    first letter of a search that keeps nearly every collection to its list, and (with a saved list) from typing a
    first letter while the collections are read again to its list."""
    env = {"SPECTUI_CONFIG_DIR": config, "SPECTUI_DATA_DIR": config, "USER": "nobody", "LOGNAME": "nobody"}
    start = terminal.start([SPECTUI, "--repo", str(repo)], env)
    first = terminal.seconds_until(lambda text: " match " in text and " of " in text, start, "the first list")
    relisting = None
    if "reading again" in terminal.screen():
        terminal.keys("/")
        typed = time.perf_counter()
        terminal.type("u")
        relisting = terminal.seconds_until(lambda text: " match *u* " in text, typed, "the search for u")
    terminal.wait_until(lambda text: "reading again" not in text, "the Butler's list in place of the saved one")
    terminal.keys("/", "C-u")
    terminal.settle(0.3)
    typed = time.perf_counter()
    terminal.type("u")
    broad = terminal.seconds_until(lambda text: " match *u* " in text, typed, "the search for u")
    terminal.type("ser00")
    terminal.wait_until(lambda text: " match *user00* " in text, "the search for user00")
    terminal.settle(0.3)
    typed = time.perf_counter()
    terminal.type("5")
    keystroke = terminal.seconds_until(lambda text: " match *user005* of " in text, typed, "the narrowed list")
    terminal.stop()
    return first, keystroke, broad, relisting


def main() -> None:
    small, crowded = repositories()
    figures: dict[str, list[float]] = {}
    terminal = Terminal("bench-collections")
    try:
        with tempfile.TemporaryDirectory() as warm:
            for repo in (small, crowded):
                first_list_and_keystroke(terminal, repo, warm)
            for _ in range(REPEATS):
                for name, repo in (("small", small), ("crowded", crowded)):
                    with tempfile.TemporaryDirectory() as cold:
                        first, _, _, _ = first_list_and_keystroke(terminal, repo, cold)
                    figures.setdefault(f"cold {name}", []).append(first)
                    first, keystroke, broad, relisting = first_list_and_keystroke(terminal, repo, warm)
                    if relisting is not None:
                        figures.setdefault(f"relisting key {name}", []).append(relisting)
                    figures.setdefault(f"saved {name}", []).append(first)
                    figures.setdefault(f"key {name}", []).append(keystroke)
                    figures.setdefault(f"broad key {name}", []).append(broad)
    finally:
        terminal.close()
    cli = [run_seconds([SPECTUI, "collections", "*", "--repo", str(crowded), "--no-counts", "--format", "csv"])
           for _ in range(REPEATS)]
    butler = [run_seconds([BUTLER, "query-collections", str(crowded), "*"]) for _ in range(REPEATS)]
    print(f"  (load average over the last minute: {os.getloadavg()[0]:.1f}; medians of {REPEATS})")
    more = f"{RUNS_ADDED + CHAINS_ADDED:,} more collections"
    for kind, what in (("cold", "first launch"), ("saved", "later launches, saved list")):
        small_first, crowded_first = median(figures[f"{kind} small"]), median(figures[f"{kind} crowded"])
        report(f"first list, {what}, small repository", small_first, "s")
        report(f"first list, {what}, {more}", crowded_first, "s", "<= 1.5x the small repository's",
               crowded_first <= 1.5 * small_first)
    keystroke = median(figures["key crowded"])
    report(f"keystroke to results, {more}", keystroke * 1000, "ms", "< 100 ms", keystroke < 0.1)
    broad = median(figures["broad key crowded"])
    report(f"first letter of a search keeping them all to results, {more}", broad * 1000, "ms", "< 100 ms",
           broad < 0.1)
    if figures.get("relisting key crowded"):
        relisting = median(figures["relisting key crowded"])
        report(f"the same key while a later launch reads the collections again, {more}", relisting * 1000, "ms")
    ratio = median(cli) / median(butler)
    report("spectui collections / butler query-collections, crowded", ratio, "x", "<= 1.0", ratio <= 1.0)


if __name__ == "__main__":
    main()
