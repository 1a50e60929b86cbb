"""The dispersers and filters a repository knows, for pick lists, and a description of a selection."""

from __future__ import annotations

from .exposures import DEFAULT_DISPERSERS, ExposureSelection
from .repo import INSTRUMENT, butler_errors


def exposure_choices(butler) -> tuple[list[str], list[str]]:
    """The repository's dispersers and filters (the two halves of its physical filters), sorted."""
    with butler_errors("physical filter lookup"):
        names = [r.name for r in butler.query_dimension_records(
            "physical_filter", instrument=INSTRUMENT, limit=None, explain=False)]
    halves = [name.partition("~") for name in names]
    dispersers = sorted({disperser for _, _, disperser in halves if disperser})
    filters = sorted({filt for filt, _, disperser in halves if disperser})
    return dispersers, filters


def describe_selection(selection: ExposureSelection) -> str:
    """A short description such as 'science · holo4* · every filter · 20250107 to 20250110'."""
    kind = "every type" if selection.all_types else "science"
    dispersers = ", ".join(selection.dispersers or DEFAULT_DISPERSERS)
    filters = ", ".join(selection.filters) or "every filter"
    if selection.since is None and selection.until is None:
        nights = "every night"
    elif selection.since is not None and selection.until is not None:
        nights = f"{selection.since} to {selection.until}"
    elif selection.since is not None:
        nights = f"from {selection.since}"
    else:
        nights = f"until {selection.until}"
    parts = [kind, dispersers, filters, nights]
    if selection.targets:
        parts.append(", ".join(selection.targets))
    if selection.where.strip():
        parts.append(f"where {selection.where.strip()}")
    return " · ".join(parts)
