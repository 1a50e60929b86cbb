"""`spectui missing` on the large demo against a file-existence scan (stat every output file via its URI)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from common import big_demo, median, report, run_seconds, timed

BIN = Path(sys.executable).parent
COLLECTION = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
OUTPUTS = ("spectractorSpectrum", "spectrumLibradtranFitParameters", "spectrogramLibradtranFitParameters")


def file_scan_status(butler, collection: str) -> dict[int, str]:
    """The same statuses from the files: every output's URI, then os.stat on it, as a disk scan would."""
    from spectui.core.butler.exposures import query_exposures

    exposures = query_exposures(butler)
    present: dict[str, set[int]] = {}
    for name in OUTPUTS:
        refs = butler.query_datasets(name, collections=collection, limit=None, explain=False)
        uris = butler.get_many_uris(refs)
        present[name] = {ref.dataId["visit"] for ref, found in uris.items()
                         if _exists(found.primaryURI.ospath)}
    status = {}
    for exposure in exposures["id"]:
        have = [name for name in OUTPUTS if exposure in present[name]]
        status[exposure] = "missing" if OUTPUTS[0] not in have else "ok" if len(have) == 3 else "partial"
    return status


def _exists(path: str) -> bool:
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    return True


def main() -> None:
    from spectui.core.analysis.status import exposure_status
    from spectui.core.butler.repo import open_repo

    repo = big_demo()
    butler = open_repo(repo)
    core_times, scan_times = [], []
    for _ in range(3):
        seconds, status = timed(lambda: exposure_status(butler, COLLECTION))
        core_times.append(seconds)
        seconds, scanned = timed(lambda: file_scan_status(butler, COLLECTION))
        scan_times.append(seconds)
    registry = dict(zip(status["id"], status["status"]))
    agree = sum(registry[i] == s for i, s in scanned.items()) / max(len(scanned), 1)
    report(f"exposures checked ({len(status)} selected)", len(status), "exposures")
    report("registry status agrees with the file scan", 100 * agree, "%", "100 %", agree == 1.0)
    with tempfile.TemporaryDirectory() as scratch:
        cli = [run_seconds([str(BIN / "spectui"), "missing", "--repo", str(repo), "-c", COLLECTION,
                            "-o", f"{scratch}/status.csv", "--summary", f"{scratch}/summary.csv"])
               for _ in range(3)]
    report("spectui missing, whole command (median of 3)", median(cli), "s", "< 3 s", median(cli) < 3)
    report("status in-process (median of 3)", median(core_times), "s")
    report("file-existence scan in-process (median of 3)", median(scan_times), "s")
    ratio = median(core_times) / median(scan_times)
    report("registry status / file scan", ratio, "x", "< 1.0", ratio < 1.0)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
