"""Two runs' values of one column on their common visits: the difference (B − A) against time and its histogram."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.compare import compare_parameters, modern_names
from ..analysis.stats import numeric
from ..errors import BadInput
from .spec import axis_label, time_column, utc_times

BINS = 30
MANY_POINTS = 2000


@dataclass(frozen=True)
class ComparisonFigure:
    """Per common visit (in time order) the difference B − A of a column, with its median and robust spread."""

    title: str
    column: str
    label: str
    run_a: str
    run_b: str
    ids: np.ndarray
    times: np.ndarray
    differences: np.ndarray
    shift: float
    scatter: float
    common: int

    def draw(self):
        """The two panels as a matplotlib Figure."""
        return draw_comparison(self)


def comparison_figure(a, b, column: str, run_a: str = "A", run_b: str = "B", title: str = "") -> ComparisonFigure:
    """The differences B − A of `column` on the visits of both results tables (matched by `id`)."""
    import pandas as pd

    if column not in a.columns or column not in b.columns:
        a, b = modern_names(a), modern_names(b)
    values_a, values_b = numeric(a, column), numeric(b, column)
    shifts = compare_parameters(a, b, [column]).iloc[0]
    left = pd.DataFrame({"id": a["id"].to_numpy(), "a": values_a})
    right = pd.DataFrame({"id": b["id"].to_numpy(), "b": values_b, "time": _times(b)})
    both = pd.merge(left, right, on="id")
    both = both[np.isfinite(both["a"]) & np.isfinite(both["b"])]
    both = both.sort_values(["time", "id"], kind="stable", na_position="last")
    label = axis_label(column)
    return ComparisonFigure(
        title or f"{label}: {run_b} − {run_a}", column, label, run_a, run_b, both["id"].to_numpy(),
        both["time"].to_numpy(dtype="datetime64[ns]"), (both["b"] - both["a"]).to_numpy(dtype="float64"),
        float(shifts["median_shift"]), float(shifts["scatter"]), int(shifts["common"]))


def _times(frame) -> np.ndarray:
    try:
        return utc_times(frame[time_column(frame)])
    except BadInput:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")


def draw_comparison(figure: ComparisonFigure):
    """Top: the differences against UTC time (or visit order without times); bottom: their histogram."""
    from .files import NOTE, SIZE, new_figure

    fig = new_figure((SIZE[0], SIZE[1] * 1.4))
    top, bottom = fig.subplots(2, 1, height_ratios=(3, 2))
    diff = figure.differences
    timed = bool(len(diff)) and not np.isnat(figure.times).any()
    x = figure.times if timed else np.arange(len(diff))
    many = len(diff) > MANY_POINTS
    top.plot(x, diff, linestyle="none", marker="o", markersize=2.5 if many else 4, markeredgewidth=0,
             color="#0072B2", alpha=0.6 if many else 0.85, rasterized=many, label=f"visits ({len(diff):,})")
    for ax, line in ((top, top.axhline), (bottom, bottom.axvline)):
        line(0, color="0.2", linestyle="--", linewidth=1, label="no change")
        if np.isfinite(figure.shift):
            line(figure.shift, color="0.45", linestyle=":", linewidth=1.4, label=f"median {figure.shift:.4g}")
    if timed:
        from .files import time_axis

        time_axis(top, np.array([], dtype="datetime64[ns]"))
        top.set_xlabel("DATE-OBS (UTC) of run B")
    else:
        top.set_xlabel("visit (in id order)")
    top.set_ylabel(f"Δ {figure.label}")
    top.legend(fontsize=8, loc="best")
    if len(diff):
        low, high = np.percentile(diff, [0.5, 99.5]) if len(diff) > 1 else (diff[0] - 0.5, diff[0] + 0.5)
        counts, edges = np.histogram(diff, bins=BINS, range=(low, high) if high > low else None)
        bottom.stairs(counts, edges, fill=True, color="#0072B2", alpha=0.35)
        bottom.stairs(counts, edges, color="#0072B2", linewidth=1.4)
    bottom.set_xlabel(f"Δ {figure.label} ({figure.run_b} − {figure.run_a})")
    bottom.set_ylabel("visits per bin")
    bottom.set_ylim(bottom=0)
    bottom.legend(fontsize=8, loc="best")
    fig.suptitle(f"{figure.title}\nA = {figure.run_a}\nB = {figure.run_b}", fontsize=9)
    top.set_title(f"{figure.common:,} common visits · median shift {figure.shift:.4g} · robust σ "
                  f"{figure.scatter:.3g}", loc="left", **NOTE)
    return fig
