"""Extraction efficiency: ok, partial and missing exposures per night as stacked bars, one panel per filter.

The counts are the registry status table's (`spectui missing`), summarised by night and physical filter; the
statuses differ by hatching as well as colour, so a greyscale print still tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.status import STATUSES, summarize
from ..errors import BadInput

STATUS_STYLES = {"ok": {"facecolor": "#0072B2", "hatch": ""}, "partial": {"facecolor": "#E69F00", "hatch": "//"},
                 "missing": {"facecolor": "#F0E442", "hatch": "xx"}}
"""Dark, middle and light in grey as well as hatched differently: ok blue, partial orange, missing yellow."""
PANEL_HEIGHT = 1.9
MAX_TICKS = 24
MAX_BARS = 60
"""Beyond this many nights the statuses are drawn as stacked steps, one shape each, instead of one bar a night."""
NO_FILTER = "(no filter)"


@dataclass(frozen=True)
class EfficiencyFigure:
    """Per physical filter, the count of exposures of each status in each night (`nights` in order)."""

    title: str
    nights: tuple[int, ...]
    filters: tuple[str, ...]
    counts: dict[str, dict[str, np.ndarray]]

    def total(self, physical_filter: str | None = None, status: str | None = None) -> int:
        """Exposures of one filter (None: all) with one status (None: any)."""
        chosen = self.filters if physical_filter is None else (physical_filter,)
        statuses = STATUSES if status is None else (status,)
        return int(sum(self.counts[f][s].sum() for f in chosen for s in statuses))

    def efficiency(self, physical_filter: str | None = None) -> float:
        """The fraction of a filter's (None: all) exposures that are ok."""
        total = self.total(physical_filter)
        return self.total(physical_filter, "ok") / total if total else float("nan")

    def draw(self):
        """The stacked bars as a matplotlib Figure."""
        return draw_efficiency(self)


def efficiency_figure(status, title: str = "") -> EfficiencyFigure:
    """The counts of a status table (exposure_status) per physical filter and night."""
    if status.empty:
        raise BadInput("no exposure is selected: there is no efficiency to draw.")
    frame = status.assign(physical_filter=status["physical_filter"].fillna(NO_FILTER))
    summary = summarize(frame, ["physical_filter", "day_obs"])
    nights = tuple(sorted(int(n) for n in summary["day_obs"].dropna().unique()))
    filters = tuple(sorted(summary["physical_filter"].astype(str).unique()))
    counts = {}
    for name in filters:
        rows = (summary[summary["physical_filter"] == name].set_index("day_obs")[list(STATUSES)]
                .reindex(nights, fill_value=0))
        counts[name] = {s: rows[s].to_numpy(dtype="int64") for s in STATUSES}
    return EfficiencyFigure(title or "Extraction efficiency", nights, filters, counts)


def draw_efficiency(figure: EfficiencyFigure):
    """One panel per filter: per night, the ok, partial and missing exposures stacked in that order (as bars, or
    as steps over many nights)."""
    from .files import SIZE, new_figure

    panels = len(figure.filters)
    fig = new_figure((SIZE[0], max(SIZE[1], PANEL_HEIGHT * panels + 1.2)))
    axes = fig.subplots(panels, 1, sharex=True, squeeze=False).ravel()
    x = np.arange(len(figure.nights))
    for ax, name in zip(axes, figure.filters):
        bottom = np.zeros(len(x), dtype="int64")
        for status in STATUSES:
            heights = figure.counts[name][status]
            if len(x) > MAX_BARS:
                ax.stairs(bottom + heights, np.arange(len(x) + 1) - 0.5, baseline=bottom, fill=True,
                          edgecolor="black", linewidth=0.3, label=status, **STATUS_STYLES[status])
            else:
                ax.bar(x, heights, bottom=bottom, width=0.8, edgecolor="black", linewidth=0.4, label=status,
                       **STATUS_STYLES[status])
            bottom = bottom + heights
        ax.set_title(f"{name}: {figure.total(name, 'ok'):,} of {figure.total(name):,} ok "
                     f"({figure.efficiency(name):.1%}), {figure.total(name, 'partial'):,} partial, "
                     f"{figure.total(name, 'missing'):,} missing", loc="left", fontsize=8)
        ax.set_ylabel("exposures")
        ax.set_ylim(0, max(1, int(bottom.max())) * 1.08)
    step = max(1, int(np.ceil(len(x) / MAX_TICKS)))
    axes[-1].set_xticks(x[::step], [str(n) for n in figure.nights[::step]], rotation=45, ha="right")
    axes[-1].set_xlabel("night (day_obs)")
    axes[0].legend(fontsize=8, loc="lower right", bbox_to_anchor=(1, 1.0), ncols=3, frameon=False)
    fig.suptitle(f"{figure.title}\n{figure.total(None, 'ok'):,} of {figure.total():,} exposures ok "
                 f"({figure.efficiency():.1%})", fontsize=10)
    return fig
