"""Search a repository's collections: glob, type, chain children, dataset types present with their counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import BadQuery
from .repo import butler_errors

SPECTRACTOR_TYPES = ("spectractorSpectrum", "spectrumLibradtranFitParameters", "spectrogramLibradtranFitParameters")
HIDDEN_SUFFIXES = ("_config", "_log", "_metadata", "_resource_usage")
PATTERN_HINT = "a collection pattern looks like `u/dagoret/*` (globs * and ?, comma-separated)"


@dataclass(frozen=True)
class CollectionSummary:
    """One collection as spectui shows it."""

    name: str
    type: str
    children: tuple[str, ...] = ()
    dataset_types: dict[str, int] = field(default_factory=dict)
    doc: str = ""

    @property
    def has_spectractor(self) -> bool:
        """True when the collection holds Spectractor spectra (a count of -1 means present, not counted)."""
        return self.dataset_types.get("spectractorSpectrum", 0) != 0


def is_hidden_type(dataset_type: str) -> bool:
    """Bookkeeping dataset types (configs, logs, metadata, packages) that listings leave out."""
    return dataset_type.endswith(HIDDEN_SUFFIXES) or dataset_type == "packages"


def checked_patterns(pattern: str) -> list[str]:
    """The comma-separated globs of a collection pattern; a BadQuery for anything but the globs * and ?."""
    patterns = [p.strip() for p in (pattern or "*").split(",") if p.strip()] or ["*"]
    for p in patterns:
        if any(c in p for c in "[]{}^$\\"):
            raise BadQuery(f"bad collection pattern {p!r}: only the globs * and ? are supported; {PATTERN_HINT}.")
    return patterns


def search_collections(butler, pattern: str = "*", *, counts: bool = True,
                       show_hidden: bool = False) -> list[CollectionSummary]:
    """Collections matching a glob (or several, comma-separated), sorted by name, with dataset-type counts."""
    return list(each_collection(butler, pattern, counts=counts, show_hidden=show_hidden))


def each_collection(butler, pattern: str = "*", *, counts: bool = True,
                    show_hidden: bool = False) -> Iterator[CollectionSummary]:
    """The collections `search_collections` finds, each as soon as its datasets are counted."""
    patterns = checked_patterns(pattern)
    with butler_errors("collection search", PATTERN_HINT):
        infos = butler.collections.query_info(patterns, include_summary=True, include_doc=True)
        for info in sorted(infos, key=lambda i: i.name):
            types = sorted(t for t in (info.dataset_types or ()) if show_hidden or not is_hidden_type(t))
            found = {t: _count(butler, t, info.name) for t in types} if counts else dict.fromkeys(types, -1)
            yield CollectionSummary(
                name=info.name, type=info.type.name, children=tuple(info.children or ()),
                dataset_types={t: n for t, n in found.items() if n != 0}, doc=info.doc or "")


def _count(butler, dataset_type: str, collection: str) -> int:
    """The number of datasets of a type in a collection (summaries are conservative, so count for real)."""
    with butler.query() as query:
        return query.datasets(dataset_type, collections=[collection], find_first=True).count(exact=True)


def collection_exists(butler, name: str) -> bool:
    """True when `name` is an existing collection."""
    from lsst.daf.butler import MissingCollectionError

    try:
        butler.collections.get_info(name)
    except MissingCollectionError:
        return False
    return True
