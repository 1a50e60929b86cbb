"""What the analysis plots draw, from result tables: grouped histograms, nightly series, cumulative counts.

Plain numbers only (numpy arrays and labels), so the screens only draw and tests check the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadInput
from ..tables.column_notes import GROUP_COLUMNS, grouping_column
from .stats import column, cumulative_per_night, group_summary, nights, numeric

GROUPINGS = ("none", "filter", "target", "night")
MAX_GROUPS = 8
OTHER = "(other)"
ALL = "all"
ROBUST_RANGE = (0.5, 99.5)


@dataclass(frozen=True)
class GroupedHistogram:
    """Counts of a column in shared bins, one array per group,, what fell outside the range or is missing."""

    column: str
    by: str
    edges: np.ndarray
    labels: tuple[str, ...]
    counts: tuple[np.ndarray, ...]
    outside: int
    missing: int
    rows: int

    @property
    def peak(self) -> int:
        """The highest count of any bin of any group."""
        return max((int(c.max(initial=0)) for c in self.counts), default=0)

    def table(self):
        """The histogram as a frequency table: one row per bin, a count column per group."""
        import pandas as pd

        digits = _digits(self.edges)
        bins = [f"[{a:.{digits}g}, {b:.{digits}g})" for a, b in zip(self.edges[:-1], self.edges[1:])]
        frame = pd.DataFrame({"bin": bins})
        for label, counts in zip(self.labels, self.counts):
            frame[label] = counts.astype("int64")
        return frame


@dataclass(frozen=True)
class Series:
    """Values per night (`nights`, as day_obs integers) for each group, with an optional error per value."""

    title: str
    nights: np.ndarray
    labels: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    errors: tuple[np.ndarray, ...] | None = None

    def table(self):
        """The series as a table: one row per night, a column per group."""
        import pandas as pd

        frame = pd.DataFrame({"night": self.nights})
        for label, values in zip(self.labels, self.values):
            frame[label] = values
        return frame


def group_labels(frame, by: str):
    """Each row's group as text for a grouping in GROUPINGS ('none' puts every row in one group) or a column."""
    import pandas as pd

    if by not in GROUPINGS:
        if by in frame.columns:
            return frame[by].astype("string").fillna("(none)")
        raise BadInput(f"cannot group by {by!r}: choose among {', '.join(GROUPINGS)} or a column of the table.")
    if by == "none":
        return pd.Series(ALL, index=frame.index, dtype="string")
    if by == "night":
        return nights(frame).astype("string").fillna("(none)")
    name = group_column(frame, by)
    return column(frame, name).astype("string").fillna("(none)")


def group_column(frame, by: str) -> str:
    """The table's column holding the filter or the target."""
    found = grouping_column(frame.columns, by)
    if found is None:
        raise BadInput(f"cannot group by {by}: the table has none of {', '.join(GROUP_COLUMNS[by])}.")
    return found


def capped_labels(frame, by: str, mask=None, max_groups: int = MAX_GROUPS):
    """The selected rows' groups (index reset) with the smaller ones merged into 'other', and the groups in order."""
    labels = group_labels(frame, by)
    if mask is not None:
        labels = labels[np.asarray(mask, dtype=bool)]
    return _largest(labels.reset_index(drop=True), max_groups)


def _largest(labels, max_groups: int):
    """The labels with the groups beyond the `max_groups` largest merged into one 'other' group."""
    counts = labels.value_counts(sort=True)
    if len(counts) <= max_groups:
        return labels, sorted(counts.index)
    kept = sorted(counts.index[:max_groups - 1])
    return labels.where(labels.isin(kept), OTHER), [*kept, OTHER]


def grouped_histogram(frame, name: str, by: str = "none", bins: int = 20, mask=None,
                      full_range: bool = False, max_groups: int = MAX_GROUPS) -> GroupedHistogram:
    """Histograms of a numeric column per group in bins shared by all groups.

    The range spans the finite values, or (by default) their 0.5-99.5 percentiles so that a few wild
    values do not squash the plot; rows outside it are counted in `outside`.
    """
    if not isinstance(bins, int) or bins < 1:
        raise BadInput(f"the number of bins must be a positive integer (got {bins}).")
    values = numeric(frame, name)
    labels, order = capped_labels(frame, by, mask, max_groups)
    if mask is not None:
        values = values[np.asarray(mask, dtype=bool)]
    finite = np.isfinite(values)
    low, high = _range(values[finite], full_range)
    inside = finite & (values >= low) & (values <= high)
    codes = labels.to_numpy(dtype=object)
    counts = tuple(np.histogram(values[inside & (codes == label)], bins=bins, range=(low, high))[0]
                   for label in order)
    edges = np.linspace(low, high, bins + 1)
    missing = int(np.isnan(values).sum())
    return GroupedHistogram(name, by, edges, tuple(order), counts, int(len(values) - inside.sum() - missing),
                            missing, int(len(values)))


def _range(finite: np.ndarray, full_range: bool) -> tuple[float, float]:
    if not finite.size:
        return 0.0, 1.0
    low, high = (float(finite.min()), float(finite.max())) if full_range else (
        float(v) for v in np.percentile(finite, ROBUST_RANGE))
    if low == high:
        return low - 0.5, high + 0.5
    return low, high


def step_xy(edges: np.ndarray, counts: np.ndarray) -> tuple[list[float], list[float]]:
    """The outline of a histogram as a line: each bin's count held flat from its lower to its upper edge."""
    xs = np.repeat(np.asarray(edges, dtype="float64"), 2)[1:-1]
    ys = np.repeat(np.asarray(counts, dtype="float64"), 2)
    return xs.tolist(), ys.tolist()


def log_counts(counts) -> np.ndarray:
    """Counts on a log scale that keeps empty bins: log10(1 + count)."""
    return np.log10(1.0 + np.asarray(counts, dtype="float64"))


def log_ticks(peak: float) -> tuple[list[float], list[str]]:
    """Tick positions on the log10(1 + count) scale labelled 1, 10, 100... up to the peak count."""
    top = max(0, int(np.ceil(np.log10(max(peak, 1)))))
    powers = [10 ** k for k in range(top + 1)]
    return [float(np.log10(1 + p)) for p in powers], [f"{p:,}" for p in powers]


def numeric_columns(frame) -> list[str]:
    """The columns a histogram can show: numbers (not booleans, not the id)."""
    import pandas as pd

    return [str(c) for c in frame.columns if c != "id" and pd.api.types.is_numeric_dtype(frame[c].dtype)
            and not pd.api.types.is_bool_dtype(frame[c].dtype)]


def nightly_series(frame, name: str, by: str = "none", mask=None, max_groups: int = MAX_GROUPS) -> Series:
    """Median of a column per night for each group, with the robust sigma as its error."""
    numeric(frame, name)
    subset = frame if mask is None else frame[np.asarray(mask, dtype=bool)]
    labels, order = _largest(group_labels(subset, by), max_groups)
    table = group_summary(subset.assign(night=nights(subset).to_numpy(), _group=labels.to_numpy()), name,
                          ["night", "_group"])
    night_axis = np.sort(table["night"].dropna().unique().astype("int64"))
    values, errors = [], []
    for label in order:
        rows = table[table["_group"] == label].set_index("night")
        values.append(rows["median"].reindex(night_axis).to_numpy(dtype="float64"))
        errors.append(rows["robust_sigma"].reindex(night_axis).to_numpy(dtype="float64"))
    return Series(f"{name}: median per night", night_axis, tuple(order), tuple(values), tuple(errors))


def cumulative_series(frame, by: str = "filter", mask=None) -> Series:
    """Rows counted so far at the end of each night, in total and for each filter (or target)."""
    subset = frame if mask is None else frame[np.asarray(mask, dtype=bool)]
    if by in GROUP_COLUMNS:
        per_night = cumulative_per_night(subset, group_column(subset, by))
    else:
        per_night = cumulative_per_night(subset.assign(_all=ALL), "_all").drop(columns=[ALL])
    per_night = per_night.dropna(subset=["night"])
    night_axis = per_night["night"].to_numpy(dtype="int64")
    groups = [c for c in per_night.columns if c not in ("night", "total")]
    final = {g: int(per_night[g].iloc[-1]) if len(per_night) else 0 for g in groups}
    ranked = sorted(groups, key=lambda g: -final[g])[:MAX_GROUPS - 1]
    labels = ("total", *sorted(ranked))
    values = tuple(per_night[label].to_numpy(dtype="float64") for label in labels)
    return Series("cumulative count per night", night_axis, labels, values)


def differences(a, b, name: str) -> np.ndarray:
    """B - A of one column on the visits both tables hold with finite values."""
    import pandas as pd

    for frame in (a, b):
        column(frame, "id")
        numeric(frame, name)
    both = pd.merge(a[["id", name]], b[["id", name]], on="id", suffixes=("_a", "_b"))
    after, before = (pd.to_numeric(both[f"{name}_{side}"], errors="coerce") for side in "ba")
    diff = after - before
    values = diff.to_numpy(dtype="float64", na_value=np.nan)
    return values[np.isfinite(values)]


def value_ticks(low: float, high: float, most: int) -> tuple[list[float], list[str]]:
    """At most `most` round ticks between low and high, labelled with the digits that tell them apart."""
    if most < 2 or not high > low:
        return [float(low)], [f"{low:.4g}"]
    raw = (high - low) / (most - 1)
    magnitude = 10 ** np.floor(np.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = np.arange(np.ceil(low / step) * step, high + step * 1e-9, step)
    ticks = ticks[(ticks >= low - step * 1e-9) & (ticks <= high + step * 1e-9)]
    digits = _digits(ticks) if len(ticks) > 1 else 4
    return ticks.tolist(), [f"{t:.{digits}g}" for t in ticks]


def envelope(x, y, bins: int, keep: str = "both") -> tuple[np.ndarray, np.ndarray]:
    """A line through at most `bins` groups of consecutive points keeping each group's extremes.

    A terminal plot has a few hundred pixels across: drawing one point per pixel column is as exact as
    drawing them all, as long as each column keeps its lowest and highest value ('both'), or one of them.
    """
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if len(x) <= bins or bins < 1:
        return x, y
    starts = np.linspace(0, len(x), bins, endpoint=False).astype(int)
    centres = np.add.reduceat(x, starts) / np.diff(np.append(starts, len(x)))
    low, high = np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)
    if keep == "low":
        return centres, low
    if keep == "high":
        return centres, high
    return np.repeat(centres, 2), np.column_stack([low, high]).ravel()


def night_days(night_values) -> np.ndarray:
    """Nights (day_obs integers such as 20250107) as day numbers, so gaps between nights keep their length."""
    import datetime as dt

    days = [dt.date(int(n) // 10000, int(n) // 100 % 100, int(n) % 100).toordinal() for n in night_values]
    return np.array(days, dtype="float64")


def night_ticks(night_values, most: int) -> tuple[list[float], list[str]]:
    """At most `most` evenly spread nights as (day number, 'YYYY-MM-DD') tick marks."""
    night_values = np.asarray(night_values)
    if not len(night_values) or most < 1:
        return [], []
    picks = np.unique(np.linspace(0, len(night_values) - 1, min(most, len(night_values))).round().astype(int))
    chosen = night_values[picks]
    labels = [f"{n // 10000}-{n // 100 % 100:02d}-{n % 100:02d}" for n in map(int, chosen)]
    return night_days(chosen).tolist(), labels


def utc_days(times) -> np.ndarray:
    """Naive UTC datetime64 values as days since 1970-01-01 (NaT as NaN), a number axis for terminal plots."""
    times = np.asarray(times, dtype="datetime64[ns]")
    days = times.astype("int64") / 86_400e9
    return np.where(np.isnat(times), np.nan, days)


def time_ticks(low: float, high: float, most: int) -> tuple[list[float], list[str]]:
    """At most `most` evenly spread times between two day numbers, as MM-DD (MM-DD HH:MM within days)."""
    if not np.isfinite(low) or not np.isfinite(high) or most < 1:
        return [], []
    positions = np.linspace(low, high, max(1, most)) if high > low else np.array([low])
    form = "%m-%d" if high - low > 3 else "%m-%d %H:%M"
    stamps = (positions * 86_400e9).astype("int64").astype("datetime64[ns]").astype("datetime64[s]").tolist()
    return positions.tolist(), [stamp.strftime(form) for stamp in stamps]


def _digits(edges: np.ndarray) -> int:
    """Significant digits enough to tell every edge apart."""
    return next((d for d in range(3, 12) if len({f"{e:.{d}g}" for e in edges}) == len(edges)), 12)
