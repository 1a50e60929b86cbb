"""Helpers shared by the benchmarks: the cached large demo repository, timing, and the result line format."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
sys.path.append(str(ROOT.parent / "tests"))  # the real-terminal helper, shared with the tests
BIG_NIGHTS = int(os.environ.get("SPECTUI_BENCH_NIGHTS", "100"))


def big_demo(nights: int = BIG_NIGHTS) -> Path:
    """The large demo repository (~300 exposures a night; 100 nights ~ 30k), built once and reused."""
    from spectui.core.demo.build import build_demo, is_demo_repo

    path = OUT / f"demo-{nights}"
    if not is_demo_repo(path):
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"building the {nights}-night demo repository in {path} (once)...", file=sys.stderr)
        build_demo(path, nights=nights, seed=1, force=path.exists())
    return path


def timed(func: Callable[[], object]) -> tuple[float, object]:
    """Wall time of one call, and its result."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def run_seconds(cmd: list[str], **kwargs) -> float:
    """Wall time of a command run to completion (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def report(figure: str, value: float, unit: str, target: str = "", met: bool | None = None) -> None:
    """Print one figure for people, and a RESULT line that `bench/run` gathers into its table."""
    print(f"{figure}: {value:.3g} {unit}" + (f"  (target {target}: {'met' if met else 'NOT met'})" if target else ""))
    print("RESULT " + json.dumps({"figure": figure, "value": value, "unit": unit, "target": target, "met": met}))
