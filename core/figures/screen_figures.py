"""What the screens save besides `spectui plot`'s figures: nightly series from the numbers on show, file names.

Every file is written by files.write_figure, atomically in the format of its extension.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..analysis.plot_data import Series, night_days, night_ticks
from ..paths import user_path
from ..tables.views import default_export_path
from .files import check_figure_path, group_style, new_figure, title_of, write_figure
from .spec import FigureSpec, PointsFigure, axis_label, figure_data

UNIT_TEXT = re.compile(r"\s*\[[^\]]*\]")
NOT_A_WORD = re.compile(r"[^0-9a-z]+")
NIGHT_TICKS = 8


def name_part(text: str) -> str:
    """A column or grouping as part of a file name: `PWV [mm]_spectrum` → `pwv_spectrum`."""
    return NOT_A_WORD.sub("_", UNIT_TEXT.sub("", text).lower()).strip("_") or "figure"


def figure_stem(spec: FigureSpec, view: str = "") -> str:
    """A file stem naming what is plotted (or the nightly `view`: per night, cumulative) and its grouping."""
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


def side_label(name: str, path: str | os.PathLike) -> str:
    """How a compared run is named on a figure: its results file's name, or the run's name with its file's."""
    file = user_path(path)
    if user_path(name) == file or file.name.startswith(name):
        return file.name
    return f"{name} ({file.name})"


def default_figure_path(stem: str, directory: str | os.PathLike | None = None) -> Path:
    """A new PNG file named after `stem` in `directory` (by default the working directory)."""
    return default_export_path(Path.cwd() if directory is None else directory, stem, ".png")


@dataclass(frozen=True)
class NightlyFigure:
    """A nightly series (median per night, or cumulative count) as a figure that draws itself."""

    series: Series
    spec: FigureSpec
    log: bool = False

    @property
    def title(self) -> str:
        """The spec's title, else what the series shows."""
        return self.spec.title or self.series.title

    def draw(self):
        """A line per group across the nights as a matplotlib Figure (with error bars if it has them)."""
        return draw_nightly(self)


def draw_nightly(figure: NightlyFigure):
    """A matplotlib Figure of a nightly series, its nights as dates along x."""
    series, spec = figure.series, figure.spec
    fig = new_figure()
    ax = fig.add_subplot()
    days = night_days(series.nights)
    for index, label in enumerate(series.labels):
        values = series.values[index]
        finite = np.isfinite(values)
        if not finite.any():
            continue
        errors = None if series.errors is None else np.nan_to_num(series.errors[index][finite])
        ax.errorbar(days[finite], values[finite], yerr=errors, markersize=4, linewidth=1.2, capsize=2,
                    label=label, **group_style(index))
    positions, labels = night_ticks(series.nights, NIGHT_TICKS)
    if positions:
        ax.set_xticks(positions, labels, rotation=30, ha="right")
    if figure.log:
        ax.set_yscale("log")
    ax.set_xlabel("night (day_obs)")
    ax.set_ylabel("rows" if series.errors is None else f"median {axis_label(spec.column)}")
    if series.labels:
        ax.legend(fontsize=8, loc="best", title=None if spec.by == "none" else f"by {spec.by}")
    fig.suptitle(figure.title, fontsize=11)
    ax.set_title(spec.selection_text(), loc="left", fontsize=8, color="0.3")
    return fig


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
               log: bool = False, source: str = "") -> Path:
    """Write a screen's nightly `series`, else its spec drawn and titled (`source`) as `spectui plot` does."""
    check_figure_path(path)
    figure = figure_data(frame, spec) if series is None else NightlyFigure(series, spec, log)
    return write_figure(titled(figure, source), path)


def titled(figure, source: str):
    """`figure` with its default title followed by where its data comes from, unless it was given a title."""
    if not source or figure.spec.title:
        return figure
    return replace(figure, spec=replace(figure.spec, title=f"{title_of(figure)} · {source}"))
