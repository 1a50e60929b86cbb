"""Demo build times, and `spectui exposures` against `butler query-dimension-records` on the large demo."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from common import BIG_NIGHTS, big_demo, report, run_seconds, timed

BIN = Path(sys.executable).parent


def main() -> None:
    from spectui.core.demo.build import build_demo

    with tempfile.TemporaryDirectory() as scratch:
        seconds, _ = timed(lambda: build_demo(Path(scratch) / "default"))
        report("demo build, default size (8 nights)", seconds, "s", "< 60 s", seconds < 60)
    fresh = "--fresh" in sys.argv
    if fresh:
        shutil.rmtree(Path(__file__).parent / "out" / f"demo-{BIG_NIGHTS}", ignore_errors=True)
    repo = big_demo()
    manifest = (repo / "spectui-demo.json").read_text()
    import json

    info = json.loads(manifest)
    report(f"demo build, {info['exposures']} exposures ({BIG_NIGHTS} nights)", info["build_seconds"], "s")

    from spectui.core.butler.exposures import ExposureSelection, build_where, matching_physical_filters
    from spectui.core.butler.repo import open_repo

    selection = ExposureSelection()
    filters = matching_physical_filters(open_repo(repo), selection)
    where, bind = build_where(selection, filters)
    literal = where.replace("spectui_instrument", "'LATISS'").replace("spectui_type", "'science'").replace(
        "spectui_filters", ", ".join(f"'{f}'" for f in filters))
    spectui_runs, butler_runs = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(3):
            spectui_runs.append(run_seconds([str(BIN / "spectui"), "exposures", "--repo", str(repo),
                                             "-o", f"{scratch}/e.parquet"]))
            butler_runs.append(run_seconds([str(BIN / "butler"), "query-dimension-records", str(repo), "exposure",
                                            "--where", literal, "--limit", "0"]))
    best_spectui, best_butler = min(spectui_runs), min(butler_runs)
    report("spectui exposures, large demo (best of 3)", best_spectui, "s")
    report("butler query-dimension-records, same selection (best of 3)", best_butler, "s")
    ratio = best_spectui / best_butler
    report("spectui exposures / butler CLI", ratio, "x", "<= 1.0", ratio <= 1.0)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
