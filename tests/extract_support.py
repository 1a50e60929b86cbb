"""Helpers for the extraction tests: repository copies with rewritten files, and an independent reader."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from astropy.io import fits

TESTS = Path(__file__).resolve().parent
SLOW_CLI = TESTS / "extract_slowly.py"
HOLD_ENV = "SPECTUI_TEST_HOLD"
"""Names a file whose existence holds the slow extraction's workers after their first chunk."""
SPECTUI = Path(sys.executable).with_name("spectui")
RUN_320 = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
RUN_302 = "u/jneveu/auxtel_atmosphere_202501_v3.0.2_fixA1_RobustFit"
SPECTRUM = "spectractorSpectrum"
SPECTRUM_FIT = "spectrumLibradtranFitParameters"
SPECTROGRAM_FIT = "spectrogramLibradtranFitParameters"
SECTIONS = {SPECTRUM_FIT: "spectrum", SPECTROGRAM_FIT: "spectrogram"}
STRUCTURAL = {"SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "EXTEND", "EXTNAME", "COMMENTS", "UNIT1",
              "UNIT2"}


def astropy_fits_bytes(header: fits.Header, data=None) -> bytes:
    """A FITS file's bytes as astropy writes them: the header, and the data if any."""
    buffer = io.BytesIO()
    fits.PrimaryHDU(data=data, header=header).writeto(buffer)
    return buffer.getvalue()


def copy_repo(source: Path, target: Path) -> Path:
    """A copy of a repository that a test may damage."""
    shutil.copytree(source, target)
    return target


def visit_files(repo: Path, collection: str) -> dict[int, dict[str, str]]:
    """Per visit, the file of each Spectractor dataset type in a collection."""
    from spectui.core.butler.repo import open_repo

    butler = open_repo(repo)
    refs = [ref for name in (SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT)
            for ref in butler.query_datasets(name, collections=collection, limit=None, explain=False)]
    files: dict[int, dict[str, str]] = {}
    for ref, uris in butler.get_many_uris(refs).items():
        files.setdefault(int(ref.dataId["visit"]), {})[ref.datasetType.name] = uris.primaryURI.ospath
    return files


def reorder_labels(path: str, order) -> None:
    """Rewrite a FitParameters file with its parameters in another order (cov rows and columns follow)."""
    content = json.loads(Path(path).read_text())
    n = len(content["labels"])
    order = list(order(n)) if callable(order) else list(order)
    free_before = [i for i in range(n) if not content["fixed"][i]]
    cov = np.array(content["cov"])
    for key in ("values", "labels", "axis_names", "bounds", "fixed"):
        content[key] = [content[key][i] for i in order]
    free_after = [free_before.index(i) for i in order if i in free_before]
    content["cov"] = cov[np.ix_(free_after, free_after)].tolist()
    Path(path).write_text(json.dumps(content))


def rename_label(path: str, old: str, new: str) -> None:
    """Rewrite a FitParameters file with one label spelled as another Spectractor version spelled it."""
    content = json.loads(Path(path).read_text())
    content["labels"] = [new if label == old else label for label in content["labels"]]
    Path(path).write_text(json.dumps(content))


def independent_row(files: dict[str, str]) -> dict[str, object]:
    """What one visit's row must hold, read with astropy and json the way Spectractor's own code would."""
    row: dict[str, object] = {}
    if SPECTRUM in files:
        header = fits.getheader(files[SPECTRUM])
        for key, value in header.items():
            if key in STRUCTURAL or key in ("COMMENT", "HISTORY", ""):
                continue
            row[key] = None if isinstance(value, fits.card.Undefined) else value
        row["DATE-OBS"] = pd.Timestamp(header["DATE-OBS"])
    for dataset_type, section in SECTIONS.items():
        if dataset_type not in files:
            continue
        content = json.loads(Path(files[dataset_type]).read_text())
        values = np.array(content["values"], dtype=float)
        free = ~np.array(content["fixed"])
        err = np.zeros(len(values))
        err[free] = np.sqrt(np.diag(np.atleast_2d(content["cov"])))
        for label, value, error in zip(content["labels"], values, err):
            row[f"{label}_{section}"] = value
            row[f"{label}_err_{section}"] = error
    return row


def assert_row_matches(row, expected: dict[str, object], visit: int) -> None:
    """Every expected value is in the row, numbers equal, missing as NaN/NA."""
    for column, value in expected.items():
        got = row[column]
        if value is None:
            assert pd.isna(got), (visit, column, got)
        elif isinstance(value, (float, np.floating)):
            assert got == value or (np.isnan(value) and np.isnan(got)), (visit, column, got, value)
        else:
            assert got == value, (visit, column, got, value)


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under a directory."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}
