"""Plots in the terminal: a plotext chart redrawn at its size in the theme's colours; what screens draw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from textual.color import Color
from textual_plotext import PlotextPlot

from spectui.core.analysis.plot_data import (
    GroupedHistogram,
    Series,
    envelope,
    log_counts,
    log_ticks,
    night_days,
    night_ticks,
    step_xy,
    time_ticks,
    utc_days,
    value_ticks,
)
from spectui.core.figures.spec import PointsFigure
from spectui.core.figures.spectrum_figure import SpectrumFigure, SpectrumPair

MIN_WIDTH, MIN_HEIGHT = 40, 10
"""The smallest plot worth drawing; below it the screens show the numbers as a table."""
TICK_SPACING = 14
MAX_ERROR_BARS = 40
BAR_CELLS = 4
STATUS_COLOURS = {"ok": "success", "partial": "warning", "missing": "error"}
SERIES_THEME_COLOURS = ("primary", "accent", "secondary")
SERIES_NAMED_COLOURS = ("cyan+", "magenta+", "yellow+", "green+", "red+", "blue+", "white")

@dataclass(frozen=True)
class Canvas:
    """What a drawing needs besides its data: the theme's colours (plotext RGB) and the plot's size."""

    colours: dict[str, tuple[int, int, int]]
    width: int
    height: int

    def colour(self, name: str, fallback: str = "white"):
        """A theme colour by Textual variable name (primary, success, error...)."""
        return self.colours.get(name, fallback)

    def series_colour(self, index: int):
        """The colour of the index-th line of a plot: the theme's main colours first, then plain ones."""
        themed = [self.colours[n] for n in SERIES_THEME_COLOURS if n in self.colours]
        sequence = [*themed, *SERIES_NAMED_COLOURS]
        return sequence[index % len(sequence)]


Drawing = Callable[["object", Canvas], None]


class Chart(PlotextPlot):
    """A plotext plot drawn by a function of (plot, canvas), rebuilt whenever it is painted or resized."""

    def __init__(self, drawing: Drawing | None = None, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.drawing = drawing

    def show(self, drawing: Drawing | None) -> None:
        """Draw something else."""
        self.drawing = drawing
        self.refresh()

    def render(self):
        if self.drawing is None:
            return ""
        plt = self.plt
        plt.clear_figure()
        self.drawing(plt, Canvas(self.colours(), self.size.width, self.size.height))
        return super().render()

    def colours(self) -> dict[str, tuple[int, int, int]]:
        """The current theme's colours as plotext RGB triples, by Textual variable name."""
        variables = self.app.theme_variables
        return {name: Color.parse(variables[name]).rgb for name in
                ("primary", "secondary", "accent", "success", "warning", "error", "foreground")
                if name in variables}


def histogram_drawing(hist: GroupedHistogram, log: bool = False, only: int | None = None,
                      peak: int | None = None) -> Drawing:
    """The histogram of every group overlaid (a step line each), or of group `only` as bars."""

    def draw(plt, canvas: Canvas) -> None:
        groups = range(len(hist.labels)) if only is None else [only]
        top = peak if peak is not None else hist.peak
        if only is not None or len(hist.labels) == 1:
            index = groups[0]
            centers = ((hist.edges[:-1] + hist.edges[1:]) / 2).tolist()
            counts = hist.counts[index]
            plt.bar(centers, (log_counts(counts) if log else counts).tolist(), width=1,
                    color=canvas.colour("primary"), label=None)
            if hist.labels[index] != "all":
                plt.title(f"{hist.labels[index]} ({int(counts.sum()):,})")
        else:
            for index in groups:
                xs, ys = step_xy(hist.edges, hist.counts[index])
                plt.plot(xs, (log_counts(ys) if log else np.asarray(ys)).tolist(), marker="braille",
                         color=canvas.series_colour(index),
                         label=f"{hist.labels[index]} ({int(hist.counts[index].sum()):,})")
        low, high = float(hist.edges[0]), float(hist.edges[-1])
        plt.xlim(low, high)
        plt.xticks(*value_ticks(low, high, max(3, canvas.width // TICK_SPACING)))
        if log:
            positions, labels = log_ticks(top)
            plt.yticks(positions, labels)
            plt.ylim(0, positions[-1])
        else:
            plt.ylim(0, max(top, 1) * 1.05)
        if only is None:
            plt.xlabel(hist.column)

    return draw


def series_drawing(series: Series, log: bool = False) -> Drawing:
    """One line per group across the nights, with error bars when the series has errors."""

    def draw(plt, canvas: Canvas) -> None:
        days = night_days(series.nights)
        for index, label in enumerate(series.labels):
            values = series.values[index]
            finite = np.isfinite(values)
            if not finite.any():
                continue
            shown = log_counts(values[finite]) if log else values[finite]
            colour = canvas.series_colour(index)
            plt.plot(days[finite].tolist(), shown.tolist(), marker="braille", color=colour, label=label)
            if series.errors is not None and finite.sum() <= MAX_ERROR_BARS:
                plt.error(days[finite].tolist(), shown.tolist(),
                          yerr=np.nan_to_num(series.errors[index][finite]).tolist(), color=colour)
        _night_axis(plt, series.nights, canvas.width)
        plt.title(series.title)
        if log:
            positions, labels = log_ticks(max((np.nanmax(v) for v in series.values if len(v)), default=1))
            plt.yticks(positions, labels)

    return draw


def points_drawing(points: PointsFigure) -> Drawing:
    """Each group's points: the column against UTC time, nights' starts marked (series), or against x."""
    series = points.spec.kind == "series"
    xs = [utc_days(x) if series else x for x in points.xs]
    log = points.spec.log

    def draw(plt, canvas: Canvas) -> None:
        drawn = [x for x in xs if len(x)]
        low, high = (float(min(map(np.min, drawn))), float(max(map(np.max, drawn)))) if drawn else (0.0, 1.0)
        if points.same_unit and drawn:
            plt.plot([low, high], [low, high], marker="braille", color=canvas.colour("secondary"),
                     label="1:1")
        for index, label in enumerate(points.labels):
            keep = points.ys[index] > 0 if log else np.ones(len(xs[index]), dtype=bool)
            if keep.any():
                plt.scatter(xs[index][keep].tolist(), points.ys[index][keep].tolist(), marker="braille",
                            color=canvas.series_colour(index), label=f"{label} ({int(keep.sum()):,})")
        most = max(2, canvas.width // TICK_SPACING)
        if series:
            for boundary in utc_days(points.boundaries):
                plt.vline(float(boundary), color=canvas.colour("secondary"))
            plt.xticks(*time_ticks(low, high, most))
        else:
            plt.xticks(*value_ticks(low, high, most))
        if log:
            plt.yscale("log")
        plt.xlabel(points.x_label)
        plt.title(points.y_label)

    return draw


def night_bars_drawing(nights: np.ndarray, counts: dict[str, np.ndarray],
                       around: int | None = None) -> Drawing:
    """Exposures per night stacked by status, in the theme's success/warning/error colours.

    When there are more nights than the width holds, the nights shown are those around index `around`.
    """

    def draw(plt, canvas: Canvas) -> None:
        if not len(nights):
            return
        room = max(1, (canvas.width - 10) // BAR_CELLS)
        centre = len(nights) - 1 if around is None else around
        start = max(0, min(len(nights) - room, centre - room // 2))
        window = slice(start, start + room)
        labels = [f"{n % 10000:04d}" for n in map(int, nights[window])]
        statuses = [s for s in STATUS_COLOURS if s in counts]
        plt.stacked_bar(labels, [counts[s][window].tolist() for s in statuses], labels=statuses,
                        color=[canvas.colour(STATUS_COLOURS[s]) for s in statuses], width=0.8)
        end = min(start + room, len(nights))
        shown = f"nights {start + 1}-{end} of {len(nights)}" if room < len(nights) else ""
        plt.title(f"exposures per night (MMDD) by status  {shown}".rstrip())

    return draw


def spectrum_drawing(spectrum: SpectrumFigure | SpectrumPair) -> Drawing:
    """Flux against wavelength in the figure's power of ten, with flux plus and minus its error as a band.

    A pair draws each run's flux in its own series colour, labelled by run, without the bands.
    """
    if isinstance(spectrum, SpectrumPair):
        return _pair_drawing(spectrum)
    x, y, band, exponent = spectrum.lambdas, spectrum.flux, spectrum.err, spectrum.exponent
    title = spectrum.label

    def draw(plt, canvas: Canvas) -> None:
        pixels = max(2 * canvas.width, 2)
        muted = canvas.colour("secondary")
        lines = ((envelope(x, y + band, pixels, "high"), "dot", muted, "± err"),
                 (envelope(x, y - band, pixels, "low"), "dot", muted, None),
                 (envelope(x, y, pixels), "braille", canvas.colour("primary"), "flux"))
        for (xs, ys), marker, colour, label in lines:
            plt.plot(xs.tolist(), ys.tolist(), marker=marker, color=colour, label=label)
        plt.xlabel("wavelength [nm]")
        plt.ylabel(f"flux [1e{exponent}]" if exponent else "flux")
        if title:
            plt.title(title)

    return draw


def _pair_drawing(pair: SpectrumPair) -> Drawing:
    def draw(plt, canvas: Canvas) -> None:
        pixels = max(2 * canvas.width, 2)
        for index, side in enumerate(pair.sides):
            if side is not None:
                xs, ys = envelope(side.lambdas, side.flux, pixels)
                plt.plot(xs.tolist(), ys.tolist(), marker="braille", color=canvas.series_colour(index),
                         label=side.label)
        plt.xlabel("wavelength [nm]")
        plt.ylabel(f"flux [1e{pair.exponent}]" if pair.exponent else "flux")
        if pair.label:
            plt.title(pair.label)

    return draw


def _night_axis(plt, nights: np.ndarray, width: int) -> None:
    """Dates under the nights, with room at both ends for the first and last labels."""
    positions, labels = night_ticks(nights, max(2, int(width) // TICK_SPACING))
    if not positions:
        return
    plt.xticks(positions, labels)
    days = night_days(nights)
    margin = (days[-1] - days[0] + 1) * (len(labels[0]) / 2 + 1) / max(width - 10, 10) + 0.5
    plt.xlim(days[0] - margin, days[-1] + margin)
