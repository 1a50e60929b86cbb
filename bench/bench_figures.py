"""Figures and the PDF report for 15,000 visits: the demo's extracted results repeated over later nights, jittered."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import OUT, report, run_seconds, timed

BIN = Path(sys.executable).parent
NIGHTS = 3
VISITS = 15_000
LATEST = "u/dagoret/auxtel_latest"
OTHER = "u/jneveu/auxtel_atmosphere_202501_v3.0.2_fixA1_RobustFit"
PWV = "PWV [mm]_spectrum"


def small_demo_results() -> dict[str, Path]:
    """The 3-night demo's results of two runs, built and extracted once into bench/out."""
    from spectui.core.demo.build import build_demo, is_demo_repo
    from spectui.core.extraction.extract import extract

    tables = {name: OUT / f"figures-{name}-{NIGHTS}.parquet" for name in ("latest", "other")}
    if all(path.exists() for path in tables.values()):
        return tables
    repo = OUT / f"demo-{NIGHTS}"
    if not is_demo_repo(repo):
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"building the {NIGHTS}-night demo repository in {repo} (once)...", file=sys.stderr)
        build_demo(repo, nights=NIGHTS, seed=1, force=repo.exists())
    for name, collection in (("latest", LATEST), ("other", OTHER)):
        extract(str(repo), collection, tables[name], workers=1)
    return tables


def repeated(frame, visits: int, seed: int):
    """`visits` rows: copies of `frame` moved on by whole blocks of nights, ids renumbered, numbers jittered."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    copies = -(-visits // len(frame))
    days = pd.to_datetime((frame["id"] // 100_000).astype(str), format="%Y%m%d")
    span = (days.max() - days.min()).days + 2
    parts = []
    for k in range(copies):
        part = frame.copy()
        shifted = days + pd.Timedelta(days=k * span)
        part["id"] = shifted.dt.strftime("%Y%m%d").astype("int64") * 100_000 + frame["id"] % 100_000
        part["DATE-OBS"] = part["DATE-OBS"] + pd.Timedelta(days=k * span)
        parts.append(part)
    big = pd.concat(parts, ignore_index=True).iloc[:visits].copy()
    for name in big.columns:
        if name.endswith(("_spectrum", "_spectrogram")) and pd.api.types.is_float_dtype(big[name].dtype):
            big[name] = big[name] * rng.normal(1, 0.03, len(big))
    return big


def status_of(results):
    """A registry-like status table for the results' visits (ok or partial as extracted, some missing)."""
    import pandas as pd

    rng = np.random.default_rng(5)
    status = results["status"].astype(str).where(rng.random(len(results)) > 0.1, "missing")
    return pd.DataFrame({"id": results["id"], "day_obs": pd.array(results["id"] // 100_000, dtype="Int64"),
                         "seq_num": pd.array(results["id"] % 100_000, dtype="Int64"),
                         "physical_filter": (results["FILTER"] + "~" + results["GRATING"]).astype("string"),
                         "target": results["TARGET"].astype("string"), "status": status.astype("string"),
                         "lacking": status.map({"ok": "", "partial": "spectrumLibradtranFitParameters",
                                                "missing": "spectractorSpectrum"}).astype("string")})


def main() -> None:
    import pandas as pd

    from spectui.core.figures.efficiency import efficiency_figure
    from spectui.core.figures.files import write_figure
    from spectui.core.figures.report import ReportInputs, write_report
    from spectui.core.figures.spec import FigureSpec, figure_data

    tables = small_demo_results()
    results = repeated(pd.read_parquet(tables["latest"]), VISITS, seed=1)
    other = repeated(pd.read_parquet(tables["other"]), VISITS, seed=2)
    status = status_of(results)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        results.to_parquet(folder / "results.parquet")
        figures = {
            "histogram per filter, PNG": (figure_data(results, FigureSpec("hist", PWV, by="filter", bins=30)), "png"),
            "series per filter, PDF": (figure_data(results, FigureSpec("series", PWV, by="filter")), "pdf"),
            "efficiency per night and filter, PNG": (efficiency_figure(status, LATEST), "png")}
        for name, (figure, fmt) in figures.items():
            seconds, cpu = min(cpu_timed(lambda f=figure, x=fmt: write_figure(f, folder / f"f.{x}")) for _ in range(2))
            report(f"{name}, {len(results):,} visits, drawing and writing", seconds, "s", "< 2 s", seconds < 2)
            report(f"{name}, CPU time", cpu, "s")
        cli = run_seconds([str(BIN / "spectui"), "plot", "hist", str(folder / "results.parquet"), "-C", PWV,
                           "--by", "filter", "-o", str(folder / "cli.png")])
        report(f"spectui plot hist, {len(results):,} visits, whole command", cli, "s")
        inputs = ReportInputs("bench", LATEST, "science exposures", status, results, "results.parquet",
                              "spectui report", compare_name=OTHER, compare_results=other)
        written = []
        seconds, cpu = cpu_timed(lambda: written.append(write_report(inputs, folder / "report.pdf")))
        size = (folder / "report.pdf").stat().st_size / 1e6
        what = f"report of {len(results):,} visits ({written[0].pages} pages, {size:.1f} MB, with a comparison)"
        report(what, seconds, "s", "< 15 s", seconds < 15)
        report("report, CPU time (what a machine of its own would take)", cpu, "s", "< 15 s", cpu < 15)


def cpu_timed(func) -> tuple[float, float]:
    """Wall and CPU seconds of one call (the CPU time stays honest on a loaded machine)."""
    start = time.process_time()
    seconds, _ = timed(func)
    return seconds, time.process_time() - start


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
