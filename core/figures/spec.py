"""One description of a figure (kind, columns, grouping, selection, bins, scale) and the numbers it draws.

The terminal plots and the figure files are both drawn from these numbers, so a figure saved from the app
shows what the command line draws with the same settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..analysis.cuts import selection_mask
from ..analysis.plot_data import GroupedHistogram, capped_labels, grouped_histogram
from ..analysis.stats import MAD_TO_SIGMA, TIME_COLUMNS, nights, numeric, rows_mask
from ..errors import BadInput
from ..tables.column_notes import FITS, describe_column, split_fit

KINDS = ("hist", "series", "scatter")
UNIT = re.compile(r"\s*\[(?P<unit>[^\]]+)\]")
DESCRIBED_UNIT = re.compile(r", (?P<unit>[^\s,;()]{1,4})$")
FIT_NAMES = {fit: "spectrogram" if "2D" in meaning else "spectrum" for fit, meaning in FITS.items()}
DAY_START = np.timedelta64(12, "h")


@dataclass(frozen=True)
class FigureSpec:
    """What a figure shows: its kind, columns (`x` for scatter only), grouping, selection, bins and scale."""

    kind: str = "hist"
    column: str = ""
    x: str = ""
    by: str = "none"
    bins: int = 20
    log: bool = False
    multiples: bool = False
    full_range: bool = False
    cuts: tuple[str, ...] = ()
    where: str = ""
    title: str = ""

    def selection_text(self) -> str:
        """The cuts and the row expression in words, empty when every row is kept."""
        parts = [f"cut {name}" for name in self.cuts]
        if self.where.strip():
            parts.append(f"where {self.where.strip()}")
        return " · ".join(parts)


@dataclass(frozen=True)
class GroupStats:
    """A group's finite values counted, with their median and robust spread (1.4826 × MAD)."""

    label: str
    count: int
    median: float
    sigma: float


@dataclass(frozen=True)
class HistFigure:
    """A histogram figure: the grouped counts, each group's robust statistics, what fell below or above."""

    spec: FigureSpec
    label: str
    hist: GroupedHistogram
    stats: tuple[GroupStats, ...]
    underflow: int
    overflow: int
    rows: int

    @property
    def selected(self) -> int:
        """The rows that passed the selection."""
        return self.hist.rows


@dataclass(frozen=True)
class PointsFigure:
    """A series (values against UTC time) or scatter figure: the finite points of each group.

    For a series `xs` are naive UTC datetime64 values and `boundaries` the starts of observing nights.
    """

    spec: FigureSpec
    x_label: str
    y_label: str
    labels: tuple[str, ...]
    xs: tuple[np.ndarray, ...]
    ys: tuple[np.ndarray, ...]
    boundaries: np.ndarray
    same_unit: bool
    selected: int
    rows: int

    @property
    def drawn(self) -> int:
        """The points drawn (the selected rows with finite values)."""
        return sum(len(x) for x in self.xs)


def unit_of(name: str) -> str:
    """A column's unit: from `[unit]` in its name (`PWV [mm]_spectrum`: mm) or its known meaning (D2CCD: mm)."""
    base, _ = split_fit(name)
    found = UNIT.search(base) or DESCRIBED_UNIT.search(describe_column(name))
    return found["unit"] if found else ""


def axis_label(name: str) -> str:
    """An axis label for a column, the unit in brackets at the end: `PWV [mm]_spectrum` → `PWV (spectrum fit) [mm]`."""
    base, fit = split_fit(name)
    unit = unit_of(name)
    fit_text = f" ({FIT_NAMES[fit]} fit)" if fit else ""
    return UNIT.sub("", base).strip() + fit_text + (f" [{unit}]" if unit else "")


def selection(frame, spec: FigureSpec) -> np.ndarray:
    """The rows passing the spec's cuts and --where expression, as a boolean array."""
    mask = selection_mask(frame, spec.cuts)
    if spec.where.strip():
        mask &= rows_mask(frame, spec.where, "--where")
    return mask.to_numpy(dtype=bool)


def figure_data(frame, spec: FigureSpec) -> HistFigure | PointsFigure:
    """The numbers a figure of `frame` draws, by the spec's kind."""
    if spec.kind not in KINDS:
        raise BadInput(f"unknown figure kind {spec.kind!r}: choose among {', '.join(KINDS)}.")
    numeric(frame, spec.column)
    if spec.kind == "scatter":
        numeric(frame, spec.x)
    mask = selection(frame, spec)
    if spec.kind == "hist":
        return histogram_figure(frame, spec, mask)
    return points_figure(frame, spec, mask)


def histogram_figure(frame, spec: FigureSpec, mask=None) -> HistFigure:
    """Grouped histogram counts with each group's robust statistics and the rows below and above the range."""
    mask = selection(frame, spec) if mask is None else mask
    hist = grouped_histogram(frame, spec.column, spec.by, spec.bins, mask, spec.full_range)
    values = numeric(frame, spec.column)[mask]
    codes = capped_labels(frame, spec.by, mask)[0].to_numpy(dtype=object)
    stats = tuple(_group_stats(label, values[codes == label]) for label in hist.labels)
    low, high = float(hist.edges[0]), float(hist.edges[-1])
    return HistFigure(spec, axis_label(spec.column), hist, stats, int((values < low).sum()),
                      int((values > high).sum()), len(frame))


def _group_stats(label: str, values: np.ndarray) -> GroupStats:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return GroupStats(label, 0, float("nan"), float("nan"))
    median = float(np.median(finite))
    return GroupStats(label, int(finite.size), median, float(MAD_TO_SIGMA * np.median(np.abs(finite - median))))


def points_figure(frame, spec: FigureSpec, mask) -> PointsFigure:
    """Each group's finite points: the column against UTC time (series) or against column `x` (scatter)."""
    ys = numeric(frame, spec.column)[mask]
    if spec.kind == "series":
        time = time_column(frame)
        xs = utc_times(frame[time])[mask]
        present = ~np.isnat(xs)
        x_label, same_unit = f"{time} (UTC)", False
        boundaries = night_starts(frame[mask])
    else:
        xs = numeric(frame, spec.x)[mask]
        present = np.isfinite(xs)
        x_label = axis_label(spec.x)
        same_unit = bool(unit_of(spec.x)) and unit_of(spec.x) == unit_of(spec.column)
        boundaries = np.array([], dtype="datetime64[ns]")
    keep = present & np.isfinite(ys)
    labels, order = capped_labels(frame, spec.by, mask)
    codes = labels.to_numpy(dtype=object)
    groups = [keep & (codes == label) for label in order]
    return PointsFigure(spec, x_label, axis_label(spec.column), tuple(order), tuple(xs[g] for g in groups),
                        tuple(ys[g] for g in groups), boundaries, same_unit, int(mask.sum()), len(frame))


def time_column(frame) -> str:
    """The column giving each row's observation time (DATE-OBS first)."""
    found = next((name for name in TIME_COLUMNS if name in frame.columns), None)
    if found is None:
        raise BadInput(f"no time to plot against: the table has none of {', '.join(TIME_COLUMNS)}.")
    return found


def utc_times(values) -> np.ndarray:
    """Times (timestamps or ISO text) as naive UTC datetime64[ns]; unreadable ones as NaT."""
    import pandas as pd

    times = pd.to_datetime(values, utc=True, errors="coerce")
    return times.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def night_starts(frame) -> np.ndarray:
    """Where each observing night after the first begins: 12:00 UTC of its day_obs (none when nights are unknown)."""
    try:
        values = nights(frame).dropna().unique()
    except BadInput:
        return np.array([], dtype="datetime64[ns]")
    days = sorted(np.datetime64(f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}") for n in map(int, values))
    return np.array([day + DAY_START for day in days[1:]], dtype="datetime64[ns]")
