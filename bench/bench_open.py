"""`spectui open` against VisiData on the same 30k-row CSV and parquet: launch to first paint, filter, ready.

Both run in the same tmux server at 120x40, alternately, and are timed the same way: by polling what the
terminal shows (`tmux capture-pane`) until the expected text is on screen.
- first paint: from starting the program to the screen showing the file's rows 1 and 20 (for spectui, the
  frame it draws before loading the app: the app's own first frame, to the cell);
- keys live (spectui only): until the app runs and its footer shows the keys (VisiData's keys work from its
  first paint);
- ready: until every row is loaded (spectui: every key works; VisiData: the loader has finished);
- filter: once ready, the filter (rows whose TARGET is HD38666) is typed but for its last key; from that
  last key to the screen showing the filtered count. VisiData filters in two steps, each timed from its key
  to its result and added: Enter ends the selection expression (until "selected N rows" shows), then `"`
  opens the selected rows as a sheet (until its status shows N rows); sent at once, `"` would catch the
  selection half done.
VisiData is installed into its own environment under bench/out, never into spectui's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, median, report
from terminal import Terminal

ROWS = 30_000
RUNS = 5
SIZE = (120, 40)
TARGET = "HD38666"
FILES = OUT / "open"
VD_ENV = OUT / "vd-venv"
SPECTUI = str(Path(sys.executable).parent / "spectui")


def make_files() -> tuple[dict[str, Path], int]:
    """The 30k-row table as the notebooks leave it (CSV with its index, parquet); the filter's count."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    day = 20230101 + np.arange(ROWS) // 300
    seq = np.arange(ROWS) % 300 + 1
    start = pd.Timestamp("2023-01-01T01:00:00Z") + pd.to_timedelta(np.arange(ROWS) * 97.0, unit="s")
    frame = pd.DataFrame({
        "id": day.astype("int64") * 100_000 + seq,
        "DATE-OBS": start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "TARGET": rng.choice(["HD38666", "HD185975", "HD2811", "HD60753", "HD111980"], ROWS),
        "FILTER": rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], ROWS),
    })
    for key, centre, spread in (("D2CCD", 187.0, 0.2), ("PIXSHIFT", 1.0, 0.3), ("PSF_REG", 0.02, 0.01),
                                ("CHI2_FIT", 20.0, 8.0), ("AIRMASS", 1.5, 0.3), ("OUTTEMP", 10.0, 3.0),
                                ("OUTPRESS", 743.0, 2.0), ("OUTHUM", 30.0, 10.0)):
        frame[key] = rng.normal(centre, spread, ROWS)
    for label in ("A1", "VAOD", "ozone [db]", "PWV [mm]", "D_CCD [mm]"):
        for fit in ("x", "y"):
            frame[f"{label}_{fit}"] = rng.normal(1.0, 0.2, ROWS)
            frame[f"{label}_err_{fit}"] = rng.random(ROWS)
    frame["ex_obs_id"] = [f"AT_O_{d}_{s:06d}" for d, s in zip(day, seq)]
    frame["ex_day_obs"], frame["ex_seq_num"] = day, seq
    FILES.mkdir(parents=True, exist_ok=True)
    paths = {"CSV": FILES / "results_30k.csv", "parquet": FILES / "results_30k.parquet"}
    frame.to_csv(paths["CSV"])
    frame.to_parquet(paths["parquet"], index=False)
    return paths, int((frame["TARGET"] == TARGET).sum())


def visidata() -> str:
    """VisiData (with pyarrow, for parquet) in its own environment, installed there on first use."""
    python = VD_ENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VD_ENV)], check=True)
    if subprocess.run([str(python), "-c", "import visidata, pyarrow"], capture_output=True).returncode:
        print("installing VisiData into bench/out/vd-venv (once)...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "visidata", "pyarrow"], check=True)
    return str(VD_ENV / "bin" / "vd")


class Tool:
    """How to start one program on a file, tell that it is ready, and filter in it."""

    def __init__(self, name: str, command: list[str], status_lines: int, ready: re.Pattern,
                 filter_typing: list[list[str]], filter_steps: list[tuple[list[str], str, bool]]) -> None:
        self.name, self.command, self.status_lines, self.ready = name, command, status_lines, ready
        self.filter_typing, self.filter_steps = filter_typing, filter_steps

    def status(self, text: str) -> str:
        """The bottom lines where the program reports row counts (VisiData's messages pop up just above)."""
        return "\n".join(text.splitlines()[-self.status_lines:])


def tools(vd: str, count: int) -> list[Tool]:
    expression = f"TARGET == '{TARGET}'"
    return [
        Tool("spectui", [SPECTUI, "open"], 4, re.compile(rf"\b{ROWS:,} of {ROWS:,} rows"),
             [["|"], ["-l", expression[:-1]]],
             [(["-l", expression[-1:]], f" {count:,} of {ROWS:,} rows", True)]),
        Tool("VisiData", [vd], 1, re.compile(rf"\b{ROWS} rows\b"),
             [["z|"], ["-l", expression]],
             [(["Enter"], f"selected {count} rows", False), (['"'], f" {count} rows", True)]),
    ]


def one_run(terminal: Terminal, tool: Tool, path: Path, first_ids: tuple[str, str]) -> dict[str, float]:
    """Launch `tool` on `path`, time first paint, keys live, readiness and the filter; then close it."""
    start = terminal.start([*tool.command, str(path)])
    painted = terminal.seconds_until(lambda text: all(i in text for i in first_ids), start, "the first rows")
    figures = {"first paint": painted}
    if tool.name == "spectui":
        figures["keys live"] = terminal.seconds_until(lambda text: "Search" in text.splitlines()[-1], start,
                                                   "the footer's keys")
    figures["ready"] = terminal.seconds_until(lambda text: tool.ready.search(tool.status(text)), start,
                                           "the loaded file")
    terminal.settle()
    for keys in tool.filter_typing:
        terminal.keys(*keys)
        terminal.settle(0.2)
    figures["filter"] = 0.0
    for keys, shown, in_status in tool.filter_steps:
        start = time.perf_counter()
        terminal.keys(*keys)
        figures["filter"] += terminal.seconds_until(
            lambda text: shown in (tool.status(text) if in_status else text), start, f"{shown!r}")
    terminal.stop()
    return figures


def main() -> None:
    paths, count = make_files()
    vd = visidata()
    first_ids = ("2023010100001", "2023010100020")
    terminal = Terminal("bench-open", *SIZE)
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    try:
        for _ in range(RUNS):
            for kind, path in paths.items():
                for tool in tools(vd, count):
                    results.setdefault((tool.name, kind), []).append(one_run(terminal, tool, path, first_ids))
    finally:
        terminal.close()
    print(f"  (load average over the last minute: {os.getloadavg()[0]:.1f})")
    for kind in paths:
        for figure in ("first paint", "keys live", "filter", "ready"):
            ours = median([r[figure] for r in results[("spectui", kind)]])
            label = f"{figure}, {ROWS // 1000}k-row {kind} (median of {RUNS})"
            print(f"  {label}: spectui {[round(r[figure], 3) for r in results[('spectui', kind)]]}"
                  + ("" if figure == "keys live" else
                     f", VisiData {[round(r[figure], 3) for r in results[('VisiData', kind)]]}"))
            if figure == "keys live":
                report(f"spectui {label}", ours, "s")
                continue
            theirs = median([r[figure] for r in results[("VisiData", kind)]])
            if figure == "ready":
                report(f"spectui {label}", ours, "s")
            else:
                report(f"spectui {label}", ours, "s", f"<= VisiData's {theirs:.3g} s", ours <= theirs)
            report(f"VisiData {label}", theirs, "s")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
