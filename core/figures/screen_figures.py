"""Figure files of what the screens draw besides histograms, series and scatters, and the names they are offered.

The nightly series (median per night, cumulative count) is drawn from the numbers the terminal plot shows;
every file is written atomically in the format of its extension, as `spectui plot` writes its figures.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ..analysis.plot_data import Series, night_days
from ..tables.table_io import atomic_path
from ..tables.views import default_export_path
from .files import (
    COLOURS,
    DPI,
    LINES,
    MARKERS,
    METADATA,
    RC,
    SIZE,
    check_figure_path,
    figure_format,
    write_figure,
)
from .spec import FigureSpec, PointsFigure, axis_label, figure_data

UNIT_TEXT = re.compile(r"\s*\[[^\]]*\]")
NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def name_part(text: str) -> str:
    """A column or grouping as part of a file name: `PWV [mm]_spectrum` → `pwv_spectrum`."""
    return NOT_A_WORD.sub("_", UNIT_TEXT.sub("", text).lower()).strip("_") or "figure"


def figure_stem(spec: FigureSpec, view: str = "") -> str:
    """A file stem naming what is plotted (or the nightly `view`: 'per night', 'cumulative') and its grouping."""
    by = spec.by
    if view == "cumulative":
        parts, by = ("rows", "cumulative"), by if by in ("filter", "target") else "none"
    elif view == "per night":
        parts = (spec.column, "per night")
    else:
        parts = {"hist": (spec.column,), "series": (spec.column, "series"),
                 "scatter": (spec.column, "vs", spec.x)}[spec.kind]
    stem = "_".join(name_part(part) for part in parts if part)
    return stem + (f"_by_{name_part(by)}" if by != "none" else "")


def default_figure_path(stem: str, directory: str | os.PathLike | None = None) -> Path:
    """A PNG file in `directory` (the working directory by default) named after `stem` that does not exist yet."""
    return default_export_path(Path.cwd() if directory is None else directory, stem, ".png")


def new_figure(size=SIZE):
    """An empty matplotlib Figure on an Agg canvas (no pyplot), sized and laid out as `spectui plot` figures."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_drawn(draw, path: str | os.PathLike, title: str) -> Path:
    """Check `path`, draw a figure with `draw()` under the figures' style and write it atomically."""
    import matplotlib

    check_figure_path(path)
    fmt = figure_format(path)
    with matplotlib.rc_context(RC):
        fig = draw()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata={"Title": title, **METADATA[fmt]})
    return Path(path)


def series_figure(series: Series, spec: FigureSpec, log: bool = False):
    """A matplotlib Figure of a nightly series: a line per group across the nights, error bars when it has them."""
    fig = new_figure()
    ax = fig.add_subplot()
    days = night_days(series.nights)
    for index, label in enumerate(series.labels):
        values = series.values[index]
        finite = np.isfinite(values)
        if not finite.any():
            continue
        style = {"color": COLOURS[index % len(COLOURS)], "marker": MARKERS[index % len(MARKERS)],
                 "linestyle": LINES[index % len(LINES)]}
        errors = None if series.errors is None else np.nan_to_num(series.errors[index][finite])
        ax.errorbar(days[finite], values[finite], yerr=errors, color=style["color"], marker=style["marker"],
                    linestyle=style["linestyle"], markersize=4, linewidth=1.2, capsize=2, label=label)
    if len(days):
        picks = np.unique(np.linspace(0, len(days) - 1, min(8, len(days))).round().astype(int))
        ax.set_xticks(days[picks], [f"{n // 10000}-{n // 100 % 100:02d}-{n % 100:02d}"
                                    for n in map(int, series.nights[picks])], rotation=30, ha="right")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("night (day_obs)")
    ax.set_ylabel("rows" if series.errors is None else f"median {axis_label(spec.column)}")
    if series.labels:
        ax.legend(fontsize=8, loc="best", title=None if spec.by == "none" else f"by {spec.by}")
    fig.suptitle(series.title, fontsize=11)
    chosen = spec.selection_text()
    if chosen:
        ax.set_title(chosen, loc="left", fontsize=8, color="0.3")
    return fig


def write_series(series: Series, spec: FigureSpec, path: str | os.PathLike, log: bool = False) -> Path:
    """Write a nightly series figure to `path` (.png, .pdf or .svg)."""
    return save_drawn(lambda: series_figure(series, spec, log), path, series.title)


def points_table(points: PointsFigure):
    """A series or scatter figure's points as a table: the group, then x and y, in the order drawn."""
    import pandas as pd

    x_name = "UTC" if points.spec.kind == "series" else points.spec.x
    frames = [pd.DataFrame({"group": label, x_name: x, points.spec.column: y})
              for label, x, y in zip(points.labels, points.xs, points.ys)]
    if not frames:
        return pd.DataFrame({"group": [], x_name: [], points.spec.column: []})
    return pd.concat(frames, ignore_index=True)


def write_view(frame, spec: FigureSpec, path: str | os.PathLike, series: Series | None = None,
               log: bool = False) -> Path:
    """Write what a screen shows: its nightly `series` if it shows one, else the spec drawn as `spectui plot` does."""
    if series is not None:
        return write_series(series, spec, path, log)
    check_figure_path(path)
    return write_figure(figure_data(frame, spec), path)
