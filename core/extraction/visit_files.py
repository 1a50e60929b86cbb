"""One visit's Spectractor files in a collection: where they are, and their spectrum and fits for display."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..butler.locations import locate
from ..butler.repo import INSTRUMENT, butler_errors
from ..errors import BadInput
from .extract import DATASET_TYPES
from .extract_rows import FIT_SECTIONS, SPECTRUM
from .readers import FitParameters, Spectrum, UnreadableFile, read_fit_parameters, read_spectrum


@dataclass(frozen=True)
class VisitOutputs:
    """A visit's spectrum (None when unreadable), its fits by section, and what could not be read."""

    visit: int
    spectrum: Spectrum | None
    fits: dict[str, FitParameters] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def visit_locations(butler, collection: str, visit: int) -> dict[str, str]:
    """The file location of each Spectractor dataset of `visit` in `collection` (absent types left out).

    With one detector (LATISS) each ref is a direct lookup, several times faster than a general query.
    """
    from lsst.daf.butler import MissingDatasetTypeError

    refs = []
    with butler_errors("dataset query"):
        detectors = [record.id for record in butler.query_dimension_records(
            "detector", data_id={"instrument": INSTRUMENT}, limit=None, explain=False)]
        for dataset_type in DATASET_TYPES:
            try:
                refs += _visit_refs(butler, dataset_type, collection, int(visit), detectors)
            except MissingDatasetTypeError:
                continue
    if not refs:
        return {}
    [(_, locations)] = locate(butler, [(int(visit), {ref.datasetType.name: ref for ref in refs})])
    return {dataset_type: location for dataset_type, location in locations.items() if location}


def _visit_refs(butler, dataset_type: str, collection: str, visit: int, detectors: list[int]) -> list:
    data_id = {"instrument": INSTRUMENT, "visit": visit}
    required = set(butler.get_dataset_type(dataset_type).dimensions.required)
    if required == {"instrument", "visit", "detector"} and len(detectors) == 1:
        ref = butler.find_dataset(dataset_type, data_id, detector=detectors[0], collections=collection)
        return [ref] if ref is not None else []
    return butler.query_datasets(dataset_type, collections=collection, find_first=True, limit=None,
                                 explain=False, data_id=data_id)


def read_visit_outputs(visit: int, locations: dict[str, str]) -> VisitOutputs:
    """Read the spectrum and both fits of one visit; an unreadable file becomes a problem, not an error."""
    if SPECTRUM not in locations:
        raise BadInput(f"visit {visit} has no spectrum in this collection.")
    problems = []
    spectrum = None
    try:
        spectrum = read_spectrum(locations[SPECTRUM])
    except (UnreadableFile, OSError) as exc:
        problems.append(f"spectrum: {exc}")
    fits = {}
    for dataset_type, section in FIT_SECTIONS.items():
        if dataset_type not in locations:
            problems.append(f"no {section} fit")
            continue
        try:
            fits[section] = read_fit_parameters(locations[dataset_type])
        except (UnreadableFile, OSError, ValueError) as exc:
            problems.append(f"{section} fit: {exc}")
    return VisitOutputs(int(visit), spectrum, fits, tuple(problems))


@dataclass(frozen=True)
class SideBySide:
    """One fit parameter of a visit in two runs: its fit section, label, A's and B's values (None when absent)."""

    section: str
    label: str
    a: float | None
    b: float | None

    @property
    def shift(self) -> float | None:
        """B − A, None unless both runs fitted the parameter."""
        return None if self.a is None or self.b is None else self.b - self.a


def side_by_side(a: VisitOutputs | None, b: VisitOutputs | None) -> list[SideBySide]:
    """Every fit parameter of either run, section by section in file order (A's labels first, then B's own)."""
    rows = []
    for section in FIT_SECTIONS.values():
        fits = [outputs.fits.get(section) if outputs is not None else None for outputs in (a, b)]
        labels = dict.fromkeys(label for fit in fits if fit is not None for label in fit.labels)
        for label in labels:
            value_a, value_b = (float(fit.value(label)) if fit is not None and label in fit.labels else None
                                for fit in fits)
            rows.append(SideBySide(section, label, value_a, value_b))
    return rows


def visits_with_spectra(frame):
    """The ids of a table's rows that can have a spectrum, in order: status neither 'missing' nor blank."""
    ids = frame["id"].to_numpy(dtype="int64")
    if "status" not in frame.columns:
        return ids
    status = frame["status"].astype("string")
    return ids[(status.notna() & (status != "missing")).to_numpy(dtype=bool, na_value=False)]
