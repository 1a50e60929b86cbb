"""Statistics of result tables: histograms, robust per-group summaries, nightly series, cumulative counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadInput
from ..tables.expressions import unknown_column_message

MAD_TO_SIGMA = 1.4826
NIGHT_COLUMNS = ("day_obs", "ex_day_obs")
TIME_COLUMNS = ("DATE-OBS", "ex_time_start", "time_start")
TABLE_HINT = "table expression over the file's columns, such as `PWV [mm]_spectrum` > 2 and CHI2_FIT < 30"


@dataclass(frozen=True)
class Histogram:
    """Counts in `bins` equal bins between edges[0] and edges[-1], with what fell outside or was missing."""

    column: str
    edges: np.ndarray
    counts: np.ndarray
    underflow: int
    overflow: int
    missing: int

    @property
    def inside(self) -> int:
        return int(self.counts.sum())

    @property
    def total(self) -> int:
        return self.inside + self.underflow + self.overflow + self.missing


def rows_mask(frame, text: str, option: str = "--rows"):
    """The rows where a table expression holds; errors name the option and show what such expressions are."""
    from ..tables.expressions import row_mask

    try:
        return row_mask(frame, text)
    except BadInput as exc:
        message = exc.message.removeprefix("bad expression ").rstrip(".")
        raise BadInput(f"bad {option} expression {message} ({option} takes a {TABLE_HINT})") from None


def column(frame, name: str):
    """A frame's column by name, or a BadInput naming close matches."""
    if name not in frame.columns:
        message = unknown_column_message(name, [str(c) for c in frame.columns])
        raise BadInput(message if message.endswith("?") else message + ".")
    return frame[name]


def numeric(frame, name: str) -> np.ndarray:
    """A column as float64 (missing as NaN), or a BadInput when it is not numeric."""
    import pandas as pd

    values = column(frame, name)
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    raise BadInput(f"column {name!r} holds {values.dtype} values, not numbers.")


def robust_sigma(values) -> float:
    """1.4826 times the median absolute deviation of the finite values (NaN when there are none)."""
    finite = np.asarray(values, dtype="float64")
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return float("nan")
    return float(MAD_TO_SIGMA * np.median(np.abs(finite - np.median(finite))))


def histogram(frame, name: str, bins: int = 20, lo: float | None = None,
              hi: float | None = None) -> Histogram:
    """A histogram of a numeric column; values outside [lo, hi] (default: the finite range) count apart."""
    if not isinstance(bins, int) or bins < 1:
        raise BadInput(f"the number of bins must be a positive integer (got {bins}).")
    values = numeric(frame, name)
    missing = np.isnan(values)
    present = values[~missing]
    finite = present[np.isfinite(present)]
    low = float(lo) if lo is not None else (float(finite.min()) if finite.size else 0.0)
    high = float(hi) if hi is not None else (float(finite.max()) if finite.size else 1.0)
    if not (np.isfinite(low) and np.isfinite(high)) or low > high:
        raise BadInput(f"the histogram range must be two finite numbers, low before high "
                       f"(got {low}, {high}).")
    if low == high:
        low, high = low - 0.5, high + 0.5
    inside = present[(present >= low) & (present <= high)]
    counts, edges = np.histogram(inside, bins=bins, range=(low, high))
    return Histogram(name, edges, counts, int((present < low).sum()), int((present > high).sum()),
                     int(missing.sum()))


def render_histogram(hist: Histogram, width: int = 40) -> str:
    """The histogram as text: one line per bin with its count and a bar, plus under/overflow and missing."""
    peak = max(int(hist.counts.max(initial=0)), 1)
    digits = next((d for d in range(4, 12) if len({f"{e:.{d}g}" for e in hist.edges}) == len(hist.edges)), 12)
    labels = [f"[{a:.{digits}g}, {b:.{digits}g}{']' if k == len(hist.counts) - 1 else ')'}"
              for k, (a, b) in enumerate(zip(hist.edges[:-1], hist.edges[1:]))]
    pad = max(len(s) for s in labels)
    lines = [f"{hist.column}: {hist.total} rows, {hist.inside} in range"]
    if hist.underflow:
        lines.append(f"{'< ' + format(hist.edges[0], f'.{digits}g'):>{pad}} {hist.underflow:>7}")
    for label, count in zip(labels, hist.counts):
        bar = "█" * int(round(width * count / peak))
        lines.append(f"{label:>{pad}} {int(count):>7} {bar}")
    if hist.overflow:
        lines.append(f"{'> ' + format(hist.edges[-1], f'.{digits}g'):>{pad}} {hist.overflow:>7}")
    if hist.missing:
        lines.append(f"{'missing':>{pad}} {hist.missing:>7}")
    return "\n".join(lines)


def group_summary(frame, name: str, by) -> object:
    """Per group of `by` (a column or several): count of finite values, median and robust sigma of `name`."""
    import pandas as pd

    by = [by] if isinstance(by, str) else list(by)
    keys = [column(frame, b) for b in by]
    values = pd.Series(numeric(frame, name), index=frame.index)
    finite = values.where(np.isfinite(values))
    grouped = finite.groupby(keys, dropna=False, sort=True)
    out = pd.DataFrame({
        "count": grouped.count().astype("int64"),
        "median": grouped.median(),
        "robust_sigma": grouped.agg(robust_sigma),
    })
    out.index.names = by
    return out.reset_index()


def nights(frame):
    """The observing night (day_obs) of every row: from day_obs, ex_day_obs, or the exposure id."""
    import pandas as pd

    for name in NIGHT_COLUMNS:
        if name in frame.columns:
            return pd.to_numeric(frame[name], errors="coerce").astype("Int64").rename("night")
    if "id" in frame.columns:
        return (pd.to_numeric(frame["id"], errors="coerce") // 100_000).astype("Int64").rename("night")
    raise BadInput("cannot tell the night of each row: the table has no day_obs, ex_day_obs or id column.")


def nightly(frame, name: str):
    """Per night: count, median and robust sigma of a numeric column (the notebooks' time series)."""
    with_night = frame.assign(night=nights(frame).to_numpy())
    return group_summary(with_night, name, "night")


def cumulative_counts(frame, by: str, time: str | None = None):
    """Cumulative row counts along time, in total and per value of `by` (one column each), on the index."""
    import pandas as pd

    time = time or next((t for t in TIME_COLUMNS if t in frame.columns), None)
    if time is None:
        raise BadInput(f"no time column to count along: the table has none of {', '.join(TIME_COLUMNS)}.")
    order = column(frame, time).sort_values(kind="stable").dropna()
    groups = column(frame, by).loc[order.index].astype("string").fillna("(none)")
    out = pd.DataFrame({time: order.to_numpy(), "total": np.arange(1, len(order) + 1)}, index=order.index)
    for value in sorted(groups.unique()):
        out[value] = np.cumsum((groups == value).to_numpy(dtype=bool, na_value=False))
    return out


def cumulative_per_night(frame, by: str, time: str | None = None):
    """The cumulative counts as they stand at the end of each night."""
    counts = cumulative_counts(frame, by, time)
    night = nights(frame).loc[counts.index].to_numpy()
    return counts.drop(columns=counts.columns[0]).assign(night=night).groupby("night").last().reset_index()
