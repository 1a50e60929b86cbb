"""Extraction speed and memory on the large demo: spectui against the floor and against the notebooks' way.

Every figure is measured in a fresh process, timed from after the imports to the end of the work:
- floor: open the Butler, one query per dataset type, `get_many_uris` on every ref, then serially read each
  spectrum's header blocks up to END and `json.loads` each fit file: the least work that gets the same values
  (also shown with the fit files read as bytes and not parsed, for reference);
- spectui: `extract()` to a Parquet file with 1 and 2 workers (the same work plus parsing, the typed table,
  the checkpoint and the output file; it locates files from the local datastore's records table, which is
  cheaper than `get_many_uris`, and with 2 workers each worker locates and reads its own chunks);
- seed-style: what the notebooks did per visit (a per-ref `getURI` for each of the three dataset types, the
  whole FITS file opened with astropy, json + numpy for the fits, `df.loc[len(df)] = row` into three
  DataFrames, then a positional merge), on the first SEED_VISITS visits, scaled linearly to all visits:
  row-by-row growth is worse than linear, so the scaled figure flatters the baseline.
Peak memory is the largest sum of resident memory over the measured process and its workers (sampled every
20 ms), and also the largest sum of proportional set sizes, which counts the pages the workers share with the
fork server once. CPU times (the process from after its imports, plus its workers) are shown too: on a shared machine
they vary much less than wall times.
The floor and spectui runs take turns for a few rounds and the best of each is kept, as the machine is shared.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import big_demo, report

COLLECTION = "u/dagoret/auxtel_run_20251210_w_2025_49_spectractorv321_all_main_2025data_ptc_holoallfilt_b"
TYPES = ("spectractorSpectrum", "spectrumLibradtranFitParameters", "spectrogramLibradtranFitParameters")
SEED_VISITS = 1000
REPEATS = 3


def measure_floor(repo: str, parse_json: bool = True) -> dict:
    from lsst.daf.butler import Butler

    start, cpu = time.perf_counter(), time.process_time()
    butler = Butler.from_config(repo, writeable=False, instrument="LATISS")
    refs = [ref for name in TYPES for ref in butler.query_datasets(name, collections=COLLECTION, limit=None,
                                                                    explain=False)]
    uris = butler.get_many_uris(refs)
    header_bytes = fit_files = 0
    for ref in refs:
        path = uris[ref].primaryURI.ospath
        with open(path, "rb") as handle:
            if ref.datasetType.name == TYPES[0]:
                header_bytes += len(header_until_end(handle))
            else:
                data = handle.read()
                if parse_json:
                    json.loads(data)
                fit_files += 1
    visits = len({ref.dataId["visit"] for ref in refs})
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "visits": visits,
            "header_bytes": header_bytes, "fit_files": fit_files}


def header_until_end(handle) -> bytes:
    buffer = handle.read(2 * 2880)
    while True:
        for offset in range(0, len(buffer), 80):
            if buffer[offset:offset + 8] == b"END     ":
                return buffer[:offset]
        more = handle.read(2880)
        if not more:
            raise ValueError("no END card")
        buffer += more


def measure_spectui(repo: str, workers: int) -> dict:
    import lsst.daf.butler  # noqa: F401  (imported before the clock starts, as for the floor)

    from spectui.core.extraction.extract import extract

    with tempfile.TemporaryDirectory() as scratch:
        start, cpu = time.perf_counter(), time.process_time()
        result = extract(repo, COLLECTION, Path(scratch) / "results.parquet", workers=workers)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "visits": len(result.frame), "columns": len(result.frame.columns)}


def measure_seed_style(repo: str, visits: int) -> dict:
    import numpy as np
    import pandas as pd
    from astropy.io import fits
    from lsst.daf.butler import Butler

    start = time.perf_counter()
    butler = Butler.from_config(repo, writeable=False)
    list(butler.registry.queryDimensionRecords("visit", datasets=TYPES[0], where="instrument='LATISS'",
                                               collections=COLLECTION))
    refs = sorted(set(butler.registry.queryDatasets(TYPES[0], collections=COLLECTION)),
                  key=lambda r: r.dataId["visit"])[:visits]
    headers, spectrum_rows, spectrogram_rows = None, None, None
    for ref in refs:
        data_id = {"instrument": "LATISS", "visit": ref.dataId["visit"], "detector": 0}
        try:
            with fits.open(butler.getURI(TYPES[0], data_id, collections=COLLECTION).ospath) as hdus:
                header = dict(hdus[0].header)
                _ = [hdu.data for hdu in hdus]
            fit_rows = [fit_row(butler.getURI(name, data_id, collections=COLLECTION).ospath)
                        for name in TYPES[1:]]
        except LookupError:
            continue
        header["id"] = ref.dataId["visit"]
        if headers is None:
            headers = pd.DataFrame(columns=[k for k in header if k not in ("COMMENT", "SIMPLE", "EXTNAME")])
            spectrum_rows = pd.DataFrame(columns=list(fit_rows[0]))
            spectrogram_rows = pd.DataFrame(columns=list(fit_rows[1]))
        headers.loc[len(headers)] = {k: header.get(k) for k in headers.columns}
        spectrum_rows.loc[len(spectrum_rows)] = fit_rows[0]
        spectrogram_rows.loc[len(spectrogram_rows)] = fit_rows[1]
    merged = pd.merge(pd.merge(headers, spectrogram_rows, left_index=True, right_index=True), spectrum_rows,
                      left_index=True, right_index=True)
    np.asarray(merged.to_records())
    return {"seconds": time.perf_counter() - start, "visits": len(merged)}


def fit_row(path: str) -> dict:
    import numpy as np

    with open(path) as handle:
        content = json.load(handle)
    values, fixed = np.array(content["values"]), np.array(content["fixed"])
    err = np.zeros(len(values))
    err[~fixed] = np.sqrt(np.diag(np.atleast_2d(content["cov"])))
    row = dict(zip(content["labels"], values))
    row.update({f"{label}_err": e for label, e in zip(content["labels"], err)})
    return row


def in_fresh_process(what: str, *args: str) -> dict:
    """Run one measurement in a new interpreter: its result, the peak memory of it and its worker processes,
    and the CPU time those workers used."""
    import psutil

    process = subprocess.Popen([sys.executable, __file__, "--measure", what, *args], stdout=subprocess.PIPE,
                               text=True)
    peak, peak_pss = [0], [0]
    worker_cpu: dict[int, float] = {}

    def sample() -> None:
        root = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                workers = root.children(recursive=True)
                alive = [p for p in [root, *workers] if p.is_running()]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in alive))
                peak_pss[0] = max(peak_pss[0], sum(p.memory_full_info().pss for p in alive))
                for worker in workers:
                    times = worker.cpu_times()
                    worker_cpu[worker.pid] = times.user + times.system
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"measurement {what} failed")
    found = json.loads(out.strip().splitlines()[-1])
    return {**found, "peak_bytes": peak[0], "peak_pss": peak_pss[0],
            "cpu": found.get("cpu", 0.0) + sum(worker_cpu.values())}


def best_of_rounds(repo: str) -> tuple[dict, dict, dict, dict]:
    """The floors and spectui with 1 and 2 workers, measured in turn in each round; the best run of each."""
    kinds = {"floor": ("floor", repo), "bytes": ("floor-bytes", repo), "one": ("spectui", repo, "1"),
             "two": ("spectui", repo, "2")}
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    in_fresh_process("floor", repo)
    for _ in range(REPEATS):
        for kind, args in kinds.items():
            runs[kind].append(in_fresh_process(*args))
    for kind, found in runs.items():
        seconds = ", ".join(f"{run['seconds']:.2f} ({run['cpu']:.2f} CPU)" for run in found)
        print(f"{kind} runs, wall (CPU) seconds: {seconds}", file=sys.stderr)
    best = {kind: min(found, key=lambda r: r["seconds"]) | {"peak_bytes": max(r["peak_bytes"] for r in found),
                                                             "peak_pss": max(r["peak_pss"] for r in found),
                                                             "least_cpu": min(r["cpu"] for r in found)}
            for kind, found in runs.items()}
    return best["floor"], best["bytes"], best["one"], best["two"]


def main() -> None:
    repo = str(big_demo())
    floor, raw_bytes, one, two = best_of_rounds(repo)
    seed = in_fresh_process("seed", repo, str(SEED_VISITS))
    visits = floor["visits"]
    assert one["visits"] == two["visits"] == visits, (one, two, floor)
    seed_scaled = seed["seconds"] * visits / seed["visits"]
    report(f"extract floor: bulk URIs + header and JSON reads, serial ({visits} visits)", floor["seconds"],
           "s")
    report("same, JSON files read as bytes without parsing (for reference)", raw_bytes["seconds"], "s")
    report("spectui extract, 1 worker", one["seconds"], "s")
    report("spectui extract, 2 workers", two["seconds"], "s")
    report(f"seed-style baseline, {seed['visits']} visits", seed["seconds"], "s")
    report(f"seed-style baseline scaled to {visits} visits", seed_scaled, "s")
    report("spectui 1 worker / floor", one["seconds"] / floor["seconds"], "x", "<= 1.5",
           one["seconds"] <= 1.5 * floor["seconds"])
    report("spectui 2 workers / floor", two["seconds"] / floor["seconds"], "x", "< 1.0",
           two["seconds"] < floor["seconds"])
    report("spectui 1 worker / floor, in CPU time (steadier on a busy machine)",
           one["least_cpu"] / floor["least_cpu"], "x")
    report("spectui 2 workers, CPU time of all processes / floor CPU time",
           two["least_cpu"] / floor["least_cpu"], "x")
    report("seed-style / spectui 1 worker", seed_scaled / one["seconds"], "x faster", ">= 10",
           seed_scaled >= 10 * one["seconds"])
    peak_mb = max(one["peak_bytes"], two["peak_bytes"]) / 2**20
    report("peak memory of spectui extract (all its processes)", peak_mb, "MB", "< 1024", peak_mb < 1024)
    report("same, as proportional set size (pages shared by the forked workers counted once)",
           max(one["peak_pss"], two["peak_pss"]) / 2**20, "MB")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        kind, *rest = sys.argv[2:]
        if kind.startswith("floor"):
            outcome = measure_floor(rest[0], parse_json=kind == "floor")
        elif kind == "spectui":
            outcome = measure_spectui(rest[0], int(rest[1]))
        else:
            outcome = measure_seed_style(rest[0], int(rest[1]))
        print(json.dumps(outcome))
    else:
        main()
