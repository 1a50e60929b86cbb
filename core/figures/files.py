"""Figure files (PNG, PDF, SVG by extension) drawn with matplotlib from a figure description's numbers.

Groups differ by line style or marker as well as colour, so a figure printed in grey still tells them apart.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from ..errors import BadInput
from ..tables.table_io import atomic_path, check_output_path
from .spec import HistFigure, PointsFigure

FIGURE_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
SIZE = (8.0, 5.0)
PANEL_HEIGHT = 2.4
DPI = 100
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
"""The Okabe-Ito palette, told apart by colour-blind readers."""
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1)))
RC = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none", "font.size": 9}
"""Fonts embedded as TrueType and SVG text kept as text, so labels can be searched and copied."""
NOTE = {"fontsize": 8, "color": "0.3"}
METADATA = {"png": {}, "pdf": {"CreationDate": None}, "svg": {"Date": None}}


def figure_format(path: str | os.PathLike) -> str:
    """The file format an output path asks for by its extension, or a BadInput listing the ones accepted."""
    suffix = Path(str(path)).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise BadInput(f"cannot tell the figure format of {path}: use one of {', '.join(FIGURE_FORMATS)}.")
    return FIGURE_FORMATS[suffix]


def check_figure_path(path: str | os.PathLike) -> None:
    """Fail before reading anything when a figure cannot be written to `path` or its format is unknown."""
    figure_format(path)
    check_output_path(path, allowed=FIGURE_FORMATS)


def write_figure(figure, path: str | os.PathLike, dpi: int = DPI) -> Path:
    """Draw a figure (a description of spec.py, or one with its own `draw` and `title`) and write it atomically in
    the format of the path's extension (PNG at `dpi` pixels per inch: 800 × 500 at the default)."""
    import matplotlib

    fmt = figure_format(path)
    with matplotlib.rc_context(RC):
        drawn = draw(figure)
        with atomic_path(path) as tmp:
            drawn.savefig(tmp, format=fmt, dpi=dpi, metadata={"Title": title_of(figure), **METADATA[fmt]})
    return Path(path)


def draw(figure):
    """A matplotlib Figure (no pyplot, Agg canvas) of a histogram, series or scatter description, or of a figure
    that draws itself (efficiency, run comparison)."""
    if isinstance(figure, HistFigure):
        if figure.spec.multiples and len(figure.hist.labels) > 1:
            return _multiples(figure)
        return _histogram(figure)
    if isinstance(figure, PointsFigure):
        return _points(figure)
    return figure.draw()


def title_of(figure) -> str:
    """The figure's title: the spec's own, else what is plotted (a self-drawn figure's `title`)."""
    if not isinstance(figure, (HistFigure, PointsFigure)):
        return figure.title
    spec = figure.spec
    if spec.title:
        return spec.title
    if isinstance(figure, HistFigure):
        return f"{figure.label}: histogram"
    return f"{figure.y_label} against {'time' if spec.kind == 'series' else figure.x_label}"


def selection_note(figure: HistFigure | PointsFigure) -> str:
    """How many rows the figure shows out of the table's, and the selection that kept them."""
    chosen = figure.spec.selection_text()
    return f"{figure.selected:,} of {figure.rows:,} rows" + (f" · {chosen}" if chosen else "")


def range_note(figure: HistFigure) -> str:
    """The histogram's range and what fell outside it or had no value."""
    hist = figure.hist
    span = "full range" if figure.spec.full_range else "0.5–99.5 percentiles"
    return (f"{span} · below {figure.underflow:,} · above {figure.overflow:,} · missing {hist.missing:,}")


def new_figure(size=SIZE):
    """An empty matplotlib Figure on an Agg canvas, laid out by constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def group_style(index: int) -> dict:
    """The colour, marker and line style of the `index`-th group (told apart in grey by marker and line)."""
    return {"color": COLOURS[index % len(COLOURS)], "marker": MARKERS[index % len(MARKERS)],
            "linestyle": LINES[index % len(LINES)]}


def _stats_text(stats, head: str = "") -> str:
    return f"{head}n={stats.count:,}, median {stats.median:.4g}, robust σ {stats.sigma:.3g}"


def _histogram(figure: HistFigure):
    fig = new_figure()
    ax = fig.add_subplot()
    hist = figure.hist
    single = len(hist.labels) == 1
    for index, stats in enumerate(figure.stats):
        style = group_style(index)
        if single:
            ax.stairs(hist.counts[index], hist.edges, fill=True, color=style["color"], alpha=0.35)
        ax.stairs(hist.counts[index], hist.edges, color=style["color"], linestyle=style["linestyle"],
                  linewidth=1.6, label=_stats_text(stats, "" if single and stats.label == "all" else f"{stats.label}: "))
    _count_axis(ax, figure)
    ax.set_xlabel(figure.label)
    ax.legend(fontsize=8, loc="best", title=_group_title(figure.spec.by))
    _notes(fig, ax, figure, range_note(figure))
    return fig


def _multiples(figure: HistFigure):
    hist = figure.hist
    columns = min(3, len(hist.labels))
    rows = math.ceil(len(hist.labels) / columns)
    fig = new_figure((SIZE[0], max(SIZE[1], PANEL_HEIGHT * rows + 1.0)))
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    for index, (ax, stats) in enumerate(zip(axes, figure.stats)):
        colour = group_style(index)["color"]
        ax.stairs(hist.counts[index], hist.edges, fill=True, color=colour, alpha=0.35)
        ax.stairs(hist.counts[index], hist.edges, color=colour, linewidth=1.2)
        ax.set_title(_stats_text(stats, f"{stats.label}\n"), fontsize=7)
        _count_axis(ax, figure)
        if index % columns:
            ax.set_ylabel("")
    for ax in axes[len(figure.stats):]:
        ax.set_axis_off()
    fig.supxlabel(f"{figure.label}  ({range_note(figure)})", fontsize=9)
    fig.suptitle(f"{title_of(figure)} by {figure.spec.by}\n{selection_note(figure)}", fontsize=10)
    return fig


def _count_axis(ax, figure: HistFigure) -> None:
    ax.set_xlim(float(figure.hist.edges[0]), float(figure.hist.edges[-1]))
    ax.set_ylabel("rows per bin")
    if figure.spec.log:
        ax.set_yscale("log")
        ax.set_ylim(bottom=0.7)
    else:
        ax.set_ylim(bottom=0)


def _points(figure: PointsFigure):
    fig = new_figure()
    ax = fig.add_subplot()
    series = figure.spec.kind == "series"
    many = figure.drawn > 2000
    for index, label in enumerate(figure.labels):
        style = group_style(index)
        ax.plot(figure.xs[index], figure.ys[index], linestyle="none", marker=style["marker"],
                color=style["color"], markersize=2.5 if many else 4, alpha=0.6 if many else 0.85,
                markeredgewidth=0, rasterized=many, label=f"{label} ({len(figure.xs[index]):,})")
    if series:
        time_axis(ax, figure.boundaries)
    elif figure.same_unit and figure.drawn:
        limits = ax.get_xlim(), ax.get_ylim()
        ax.axline((0, 0), slope=1, color="0.35", linestyle="--", linewidth=1, label="1:1")
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    if figure.spec.log:
        ax.set_yscale("log")
    ax.set_xlabel(figure.x_label)
    ax.set_ylabel(figure.y_label)
    ax.legend(fontsize=8, loc="best", title=_group_title(figure.spec.by), markerscale=1.5)
    _notes(fig, ax, figure, f"{figure.drawn:,} points drawn")
    return fig


def time_axis(ax, boundaries: np.ndarray) -> None:
    """Concise UTC date ticks, and a dotted line where each observing night starts."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for index, boundary in enumerate(boundaries):
        ax.axvline(boundary, color="0.55", linestyle=":", linewidth=0.7,
                   label="night start (12:00 UTC)" if index == 0 else None)


def _notes(fig, ax, figure, right: str) -> None:
    fig.suptitle(title_of(figure), fontsize=11)
    ax.set_title(selection_note(figure), loc="left", **NOTE)
    ax.set_title(right, loc="right", **NOTE)


def _group_title(by: str) -> str | None:
    return None if by == "none" else f"by {by}"
