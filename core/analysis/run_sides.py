"""The two sides of a run comparison: a registered run or a collection, its repository and results table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..butler.collections import SPECTRACTOR_TYPES, search_collections
from .result_files import existing_results
from .runs import load_runs

FIT_SUFFIXES = ("_spectrum", "_spectrogram")


@dataclass(frozen=True)
class RunSide:
    """What one side names: a registered run (repository, collection, files) or a collection of `repo`."""

    name: str
    repo: str
    collection: str
    results: Path | None

    def describe(self) -> str:
        """'name (collection) · results file' as the screen shows it."""
        where = f" ({self.collection})" if self.collection and self.collection != self.name else ""
        table = self.results.name if self.results else "no results table"
        return f"{self.name}{where}  ·  {table}"


@dataclass(frozen=True)
class Comparison:
    """Per-exposure status changes (None without 2 collections), parameter shifts (None without 2 tables)."""

    status: object
    transitions: object
    parameters: object


def resolve_side(name: str, repo: str) -> RunSide:
    """A registered run by name, else the collection `name` of `repo`."""
    run = load_runs().get(name)
    if run is None:
        return RunSide(name, repo, name, existing_results(name))
    results = None
    if run.collection or run.files.get("extracted"):
        results = existing_results(run.collection, run.name)
    return RunSide(name, run.repo or repo, run.collection, results)


def side_choices(butler) -> list[str]:
    """What a side can be: the registered runs, then the collections holding Spectractor spectra."""
    runs = sorted(load_runs())
    collections = [c.name for c in search_collections(butler, "*", counts=False)
                   if c.dataset_types.get(SPECTRACTOR_TYPES[0], 0) != 0]
    return [*runs, *collections]


def compare_sides(a: RunSide, b: RunSide, butler_for, selection) -> Comparison:
    """Statuses of both sides' collections (through `butler_for(repo)`) and their results tables, compared."""
    from .compare import compare_parameters, compare_status, transitions
    from .result_files import read_cached
    from .status import exposure_status

    status = changes = parameters = None
    if a.collection and b.collection:
        statuses = []
        for side in (a, b):
            with butler_for(side.repo) as butler:
                statuses.append(exposure_status(butler, side.collection, selection))
        status = compare_status(*statuses)
        changes = transitions(status)
    if a.results and b.results:
        parameters = fits_first(compare_parameters(read_cached(a.results), read_cached(b.results)))
    return Comparison(status, changes, parameters)


def fits_first(parameters):
    """The parameter shifts with the fitted parameters first, then the header keys, then the fits' errors."""
    names = parameters["parameter"].astype(str)
    fitted = names.str.endswith(FIT_SUFFIXES)
    error = names.str.contains("_err_", regex=False)
    rank = (~fitted).astype(int) + 2 * error.astype(int)
    return parameters.iloc[rank.argsort(kind="stable")].reset_index(drop=True)
