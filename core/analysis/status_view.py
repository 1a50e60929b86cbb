"""A per-exposure status table narrowed by status, filter and target: summary, nights, what to reprocess."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tables.views import condition_for
from .status import STATUSES, summarize

FIELDS = {"status": "status", "filter": "physical_filter", "target": "target"}


@dataclass(frozen=True)
class StatusFilter:
    """The chosen status, physical filter and target (None: any)."""

    status: str | None = None
    filter: str | None = None
    target: str | None = None

    def describe(self) -> str:
        """'status any · filter OG550… · target any'."""
        return "  ".join(f"{name} {getattr(self, name) or 'any'}" for name in FIELDS)

    def expression(self) -> str:
        """The same choice as a filter expression over the status table."""
        return " and ".join(condition_for(column, getattr(self, name)) for name, column in FIELDS.items()
                            if getattr(self, name) is not None)

    def mask(self, status) -> np.ndarray:
        """For each row of the status table, whether it matches."""
        keep = np.ones(len(status), dtype=bool)
        for name, column in FIELDS.items():
            wanted = getattr(self, name)
            if wanted is not None:
                keep &= (status[column].astype("string") == wanted).to_numpy(dtype=bool, na_value=False)
        return keep


def choices(status) -> dict[str, list[str]]:
    """The values each field can take in this table (statuses in their usual order)."""
    found = {name: sorted(status[column].dropna().astype(str).unique()) for name, column in FIELDS.items()}
    found["status"] = [s for s in STATUSES if s in found["status"]]
    return found


def narrowed_summary(status, chosen: StatusFilter, by_filter: bool = True):
    """Total, ok, partial, missing and efficiency of the chosen rows per night, or per night and filter."""
    groups = ["day_obs", "physical_filter"] if by_filter else ["day_obs"]
    return summarize(status[chosen.mask(status)], groups)


def night_counts(status, chosen: StatusFilter) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Per night (sorted), the count of chosen rows with each status."""
    per_night = narrowed_summary(status, chosen, by_filter=False)
    nights = per_night["day_obs"].to_numpy(dtype="int64", na_value=0)
    return nights, {s: per_night[s].to_numpy(dtype="int64") for s in STATUSES}


def to_reprocess(status, chosen: StatusFilter):
    """The ids to reprocess: the chosen rows, and only the missing ones when no status was chosen."""
    keep = chosen.mask(status)
    if chosen.status is None:
        keep &= (status["status"] == "missing").to_numpy(dtype=bool, na_value=False)
    return status.loc[keep].reset_index(drop=True)


def group_expression(chosen: StatusFilter, night, physical_filter=None) -> str:
    """The filter expression for the rows of one summary line (a night, or a night and a filter)."""
    parts = [chosen.expression(), condition_for("day_obs", night)]
    if physical_filter is not None:
        parts.append(condition_for("physical_filter", physical_filter))
    return " and ".join(p for p in parts if p)
