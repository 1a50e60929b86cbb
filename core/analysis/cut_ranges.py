"""Per-filter range cuts: for each column, an allowed [min, max] per filter, applied as the notebooks did.

The team's quality-cut notebooks (mySIT-COM2025 `libSelectionQCUT.ParameterCutSelection.apply_cuts`) keep a row
when, for every column, its value lies within the range of its own filter, bounds included; a missing value
fails a bounded range; rows whose filter has no range for a column pass that column. spectui does the same,
except that a column or a filter the table lacks is refused instead of skipped silently.
"""

from __future__ import annotations

import math

from ..errors import BadInput
from ..tables.column_notes import GROUP_COLUMNS, PSF_LABEL, grouping_column, split_fit
from ..tables.expressions import unknown_column_message

Range = tuple[float | None, float | None]
Ranges = dict[str, dict[str, Range]]
"""{column: {filter: (min, max)}}, either bound None when open."""

FIT_NAMES = {"x": "spectrogram", "ram": "spectrogram", "y": "spectrum", "rum": "spectrum",
             "spectrogram": "spectrogram", "spectrum": "spectrum"}
"""Each fit suffix (the notebooks' `_x`/`_ram`, `_y`/`_rum`, spectui's own) by the fit it names."""
NOTEBOOK_SUFFIXES = {"spectrogram": ("ram", "x"), "spectrum": ("rum", "y")}
SPECTRUM_ONLY = frozenset({"reso [nm]", "alpha_pix [pix]"})
SPECTROGRAM_ONLY = frozenset({"A3", "A_star", "shift_x [pix]", "shift_y [pix]", "angle [deg]", "P [hPa]"})
"""Fit labels of one fit only: the notebooks' merged tables leave them without a suffix."""


def single_fit(label: str) -> str | None:
    """'spectrum' or 'spectrogram' for a fit label (or its `_err`) found in one fit only, else None."""
    label = label.removesuffix("_err")
    if label in SPECTRUM_ONLY:
        return "spectrum"
    if label in SPECTROGRAM_ONLY or PSF_LABEL.fullmatch(label):
        return "spectrogram"
    return None


def spectui_column(name: str) -> str:
    """The name spectui gives a notebook column: `_x`/`_ram` end in `_spectrogram`, `_y`/`_rum` in `_spectrum`,
    and the labels of one fit, bare in the notebooks, get that fit's suffix; other names are kept."""
    base, fit = split_fit(name)
    if fit:
        return f"{base}_{FIT_NAMES[fit]}"
    only = single_fit(name)
    return f"{name}_{only}" if only else name


def notebook_column(name: str) -> str:
    """The name the quality-cut notebooks give a spectui column (`_ram`/`_rum`, bare for one-fit labels)."""
    base, fit = split_fit(name)
    if fit not in ("spectrum", "spectrogram"):
        return name
    return base if single_fit(base) == fit else f"{base}_{NOTEBOOK_SUFFIXES[fit][0]}"


def table_column(frame, name: str) -> str:
    """The table's column for a cut's column: itself, else the same fit column under the notebooks' names."""
    if name in frame.columns:
        return name
    base, fit = split_fit(name)
    if fit in ("spectrum", "spectrogram"):
        candidates = [f"{base}_{suffix}" for suffix in NOTEBOOK_SUFFIXES[fit]] + [base]
        found = next((c for c in candidates if c in frame.columns), None)
        if found:
            return found
    raise BadInput(unknown_column_message(name, [str(c) for c in frame.columns]))


def bound(value, where: str) -> float | None:
    """A range bound read from a file: a number, None when absent; BadInput otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise BadInput(f"{where} must be a number (got {value!r}).")
    return float(value)


def check_ranges(ranges: dict, what: str = "the cut") -> Ranges:
    """Ranges as {column: {filter: (min, max)}} floats, refusing inverted ranges and overlapping filters."""
    if not isinstance(ranges, dict):
        raise BadInput(f"{what}: ranges must map each column to its filters (got {type(ranges).__name__}).")
    checked: Ranges = {}
    for column, per_filter in ranges.items():
        if not isinstance(column, str) or not column.strip():
            raise BadInput(f"{what}: a column name is empty.")
        if not isinstance(per_filter, dict) or not per_filter:
            raise BadInput(f"{what}: column {column!r} must map filters to ranges, e.g. "
                           '{"empty": {"min": 0, "max": 2}}.')
        checked[column] = {}
        for filt, limits in per_filter.items():
            checked[column][filt] = check_range(column, filt, limits, what)
        refuse_overlaps(column, list(checked[column]), what)
    return checked


def check_range(column: str, filt, limits, what: str) -> Range:
    """One filter's range of a column, from (min, max) or {"min": ..., "max": ...}."""
    if not isinstance(filt, str) or not filt.strip():
        raise BadInput(f"{what}: column {column!r} has an empty filter name.")
    if isinstance(limits, dict):
        extra = sorted(set(limits) - {"min", "max"})
        if extra:
            raise BadInput(f"{what}: {column!r} for {filt!r} has {', '.join(map(repr, extra))}; "
                           "a range has only min and max.")
        limits = (limits.get("min"), limits.get("max"))
    if not isinstance(limits, (tuple, list)) or len(limits) != 2:
        raise BadInput(f"{what}: {column!r} for {filt!r} must be {{\"min\": ..., \"max\": ...}} (got {limits!r}).")
    low = bound(limits[0], f"{what}: the min of {column!r} for {filt!r}")
    high = bound(limits[1], f"{what}: the max of {column!r} for {filt!r}")
    if low is not None and high is not None and low > high:
        raise BadInput(f"{what}: the range of {column!r} for {filt!r} is inverted (min {low:g} > max {high:g}).")
    return low, high


def refuse_overlaps(column: str, filters: list[str], what: str) -> None:
    """Refuse two ranges of one column covering the same rows (a filter and a physical filter holding it)."""
    parts = {f for f in filters if "~" not in f}
    for filt in filters:
        if "~" in filt and filt.partition("~")[0] in parts:
            raise BadInput(f"{what}: {column!r} has overlapping ranges for {filt.partition('~')[0]!r} and "
                           f"{filt!r}; keep one of them.")


def filter_columns(frame) -> tuple[str, object, object | None]:
    """(name, filter part of each row, full physical filter of each row or None): the rows' filters."""
    name = grouping_column([str(c) for c in frame.columns], "filter")
    if name is None:
        raise BadInput(f"per-filter cuts need the filter of each row: the table has none of "
                       f"{', '.join(GROUP_COLUMNS['filter'])}.")
    values = frame[name].astype("string")
    full = next((frame[c].astype("string") for c in GROUP_COLUMNS["filter"] if c in frame.columns
                 and frame[c].astype("string").str.contains("~", regex=False).any()), None)
    return name, values.str.partition("~")[0], full


def filter_rows(frame, filt: str, filters: tuple[str, object, object | None]):
    """The rows of one filter (its filter part, or a full physical filter with `~`); refused when none are."""
    name, part, full = filters
    if "~" in filt:
        if full is None:
            raise BadInput(f"filter {filt!r} names a disperser, but the table's {name} column holds only "
                           f"filters; write {filt.partition('~')[0]!r}.")
        rows = (full == filt).fillna(False)
    else:
        rows = (part == filt).fillna(False)
    if len(frame) and not rows.any():
        present = sorted(set((full if full is not None and "~" in filt else part).dropna()))
        raise BadInput(f"filter {filt!r} is not in the table's {name} column (it has {', '.join(present)}).")
    return rows.to_numpy(dtype=bool)


def ranges_mask(frame, ranges: Ranges):
    """Rows within the range of their filter for every column (bounds included; other filters pass)."""
    import numpy as np
    import pandas as pd

    mask = np.ones(len(frame), dtype=bool)
    if not ranges:
        return pd.Series(mask, index=frame.index)
    filters = filter_columns(frame)
    rows_of = {filt: filter_rows(frame, filt, filters) for per_filter in ranges.values() for filt in per_filter}
    for column, per_filter in ranges.items():
        name = table_column(frame, column)
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        for filt, (low, high) in per_filter.items():
            rows = rows_of[filt]
            inside = np.ones(len(frame), dtype=bool)
            if low is not None:
                inside &= values >= low
            if high is not None:
                inside &= values <= high
            mask &= ~rows | inside
    return pd.Series(mask, index=frame.index)


def range_text(limits: Range) -> str:
    """A range as `186.5..188`, `>= 1e-05` or `<= 2`."""
    low, high = limits
    if low is not None and high is not None:
        return f"{low:g}..{high:g}"
    if low is not None:
        return f">= {low:g}"
    return f"<= {high:g}" if high is not None else "any"


def ranges_lines(ranges: Ranges) -> list[str]:
    """One line per column: its name and each filter's range."""
    return [f"{column}: " + ", ".join(f"{filt} {range_text(limits)}" for filt, limits in per_filter.items())
            for column, per_filter in ranges.items()]
