"""The histograms screen: a results column per group, per night or counted up, with a quality cut applied."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Grid
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from spectui.core.analysis.plot_data import GROUPINGS, GroupedHistogram, Series
from spectui.core.errors import BadInput
from spectui.core.figures.spec import FigureSpec, PointsFigure
from spectui.core.paths import user_path
from spectui.core.tables.table_shape import is_label_column

from ..dialogs.pick import PickScreen
from ..widgets.context_header import ContextHeader
from ..widgets.plot_widgets import (
    MIN_HEIGHT,
    MIN_WIDTH,
    Chart,
    histogram_drawing,
    points_drawing,
    series_drawing,
)
from ..widgets.prompt_bar import PromptBar
from ..widgets.row_table import RowTable
from ..widgets.save_figure import SaveFigureBar
from .base import SpectuiScreen, reports_errors

VIEWS = ("histogram", "per night", "cumulative")
"""The views `v` goes through; `s` and `x` show the series and scatter views."""
VIEW_KINDS = {"series": "series", "scatter": "scatter"}
"""The figure kind of a view when it is not a histogram of the column."""
SCREEN_FIGURE = FigureSpec(by="filter")
FIGURE_SETTINGS = frozenset(f.name for f in fields(FigureSpec))
BIN_STEPS = (5, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200)
PREFERRED_COLUMNS = ("PWV [mm]_spectrum", "PWV [mm]_spectrogram", "CHI2_FIT", "D2CCD")
NO_CUT = "(no cut)"
CELL_WIDTH = 40


@dataclass(frozen=True, init=False)
class PlotSpec:
    """What the screen draws: a figure description (settings by name; `cut`: one saved cut) and how."""

    figure: FigureSpec
    view: str
    text: bool

    def __init__(self, figure: FigureSpec = SCREEN_FIGURE, view: str = "histogram", text: bool = False,
                 **settings) -> None:
        if "cut" in settings:
            settings["cuts"] = tuple(filter(None, [settings.pop("cut")]))
        object.__setattr__(self, "figure", replace(figure, kind=VIEW_KINDS.get(view, "hist"), **settings))
        object.__setattr__(self, "view", view)
        object.__setattr__(self, "text", text)

    def __getattr__(self, name: str):
        if name in FIGURE_SETTINGS:
            return getattr(self.figure, name)
        raise AttributeError(name)

    @property
    def cut(self) -> str | None:
        """The saved quality cut applied, if any."""
        return self.figure.cuts[0] if self.figure.cuts else None


@dataclass(frozen=True)
class Figure:
    """What a worker computed for one PlotSpec, with the rows that passed the cut."""

    spec: PlotSpec
    data: GroupedHistogram | Series | PointsFigure
    passing: int
    rows: int


class HistogramScreen(SpectuiScreen):
    """Draws a results table's column; each change is computed in a worker, the drawing fits the screen."""

    AUTO_FOCUS = "#histogram-body RowTable"
    HELP = ("c picks a column (type a few letters: pwv, ozone, vaod, chi2, d2ccd), g groups by filter, "
            "target or night, m shows the groups overlaid or side by side, + and - change the bins, l the "
            "log scale, C applies a saved quality cut (spectui cuts add), v switches between histogram, "
            "median per night and cumulative count, s shows the column against UTC time, x against another "
            "column (picked), ctrl+s saves the figure on show (.png, .pdf, .svg), t shows the numbers as a "
            "table (also shown when the terminal is too small to plot), r uses the full range instead of the "
            "0.5-99.5 percentiles, o opens another results file.")
    BINDINGS = [
        Binding("c", "pick_column", "Column", tooltip="Choose the column to plot", id="histogram.column"),
        Binding("g", "next_grouping", "Group", tooltip="Group by filter, target, night or nothing",
                id="histogram.group"),
        Binding("m", "toggle('multiples')", "Split", tooltip="Groups overlaid or in small multiples",
                id="histogram.multiples"),
        Binding("plus", "bins(1)", "Bins (+/-)", tooltip="More bins", id="histogram.more_bins"),
        Binding("minus", "bins(-1)", "Fewer bins", show=False, tooltip="Fewer bins",
                id="histogram.fewer_bins"),
        Binding("l", "toggle('log')", "Log", tooltip="Log scale on or off", id="histogram.log"),
        Binding("C", "pick_cut", "Cut", tooltip="Apply or clear a saved quality cut", id="histogram.cut"),
        Binding("v", "next_view", "View", tooltip="Histogram, median per night, or cumulative count",
                id="histogram.view"),
        Binding("s", "series", "Series", show=False, tooltip="The column against UTC time, per group",
                id="histogram.series"),
        Binding("x", "scatter", "Scatter", show=False, tooltip="The column against another column, per group",
                id="histogram.scatter"),
        Binding("ctrl+s", "save_figure", "Save", tooltip="Save figure (.png, .pdf or .svg)",
                id="histogram.save_figure"),
        Binding("t", "toggle('text')", "Table", tooltip="Show the numbers as a table", id="histogram.text"),
        Binding("r", "toggle('full_range')", "Range", show=False,
                tooltip="Full range or the 0.5-99.5 percentiles", id="histogram.range"),
        Binding("o", "open_file", "Open", show=False, tooltip="Open another results file",
                id="histogram.open"),
        Binding("escape,q", "close", "Back", show=False, id="histogram.back"),
    ]

    def __init__(self, table=None, *, source: str = "", column: str | None = None) -> None:
        super().__init__()
        self.title = "Histograms"
        self.table = table
        self.source = source
        self.follows_collection = table is None
        self.loaded_for: tuple | None = None
        self.spec = PlotSpec(column=column or "")
        self.figure: Figure | None = None
        self.message = ""

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Label("", id="histogram-line", classes="status-line", markup=False)
        yield Container(id="histogram-body")
        yield SaveFigureBar(id="prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(PromptBar).close()
        if self.table is not None:
            self._table_ready(self.table, self.source)

    def on_screen_resume(self) -> None:
        if self.follows_collection and self.loaded_for != self._collection_key():
            self._load_collection()

    def _collection_key(self) -> tuple:
        return (self.app.collection, self.app.run_name)

    # The table

    def _load_collection(self) -> None:
        collection, run_name = self._collection_key()
        self.loaded_for = (collection, run_name)
        if not collection:
            self._say_only("No collection chosen: pick one on the Collections screen (1), or open a results "
                           "file with o.")
            return
        self._status(f"reading the results of {collection}…")
        self.run_worker(lambda: self._read(collection, run_name), thread=True, exclusive=True,
                        group="histogram-read", exit_on_error=False, description="Reading results")

    def _read(self, collection: str | None, run_name: str | None, path: Path | None = None) -> None:
        from spectui.core.analysis.derived_columns import with_saved_columns
        from spectui.core.analysis.result_files import existing_results, proposed_output, read_cached

        found = path or existing_results(collection, run_name)
        if found is None:
            where = proposed_output(collection, run_name)
            self.deliver(self._say_only, f"No results table for {collection} ({where} does not exist): "
                         "extract it on the Extraction screen (3), or open a file with o.")
            return
        frame, _, problem = with_saved_columns(read_cached(found))
        self.deliver(self._table_ready, frame, found.name, problem)

    def _table_ready(self, frame, source: str, problem=None) -> None:
        from spectui.core.analysis.plot_data import numeric_columns

        if problem is not None:
            self.app.report(problem)
        self.table, self.source = frame, source
        self.refresh_bindings()
        columns = numeric_columns(frame)
        if not columns:
            self._say_only(f"{source} has no numeric column to plot.")
            return
        column = self.spec.column if self.spec.column in columns else next(
            (c for c in PREFERRED_COLUMNS if c in columns), columns[0])
        self.update_spec(column=column)

    # Computing and drawing

    def update_spec(self, **changes) -> None:
        """Change what is drawn and recompute it in a worker."""
        self.spec = replace(self.spec, **changes)
        if self.table is None or not self.spec.column:
            return
        spec, table = self.spec, self.table
        self._status("…")
        self.run_worker(lambda: self._compute(table, spec), thread=True, exclusive=True, group="histogram",
                        exit_on_error=False, description="Computing a histogram")

    def _compute(self, table, spec: PlotSpec) -> None:
        from spectui.core.analysis import plot_data
        from spectui.core.figures.spec import figure_data, selection

        if spec.view in ("per night", "cumulative"):
            mask = selection(table, spec.figure)
            by = spec.by if spec.view == "per night" or spec.by in ("filter", "target") else "none"
            data = (plot_data.nightly_series(table, spec.column, by, mask) if spec.view == "per night"
                    else plot_data.cumulative_series(table, by, mask))
            passing = int(mask.sum())
        else:
            drawn = figure_data(table, spec.figure)
            data, passing = (drawn.hist if spec.view == "histogram" else drawn), drawn.selected
        self.deliver(self._computed, Figure(spec, data, passing, len(table)))

    def _computed(self, figure: Figure) -> None:
        """Show the figure computed in the worker."""
        self.figure = figure
        self.message = ""
        self.present()

    def present(self) -> None:
        """Draw the current figure as plots, or as a table when asked or when the plots would not fit."""
        figure = self.figure
        if figure is None:
            return
        body = self.query_one("#histogram-body", Container)
        data, spec = figure.data, figure.spec
        cells = len(data.labels) if spec.multiples and isinstance(data, GroupedHistogram) else 1
        columns = max(1, min(cells, body.size.width // CELL_WIDTH))
        rows = math.ceil(cells / columns)
        cell_fits = body.size.width // columns >= MIN_WIDTH and body.size.height // rows >= MIN_HEIGHT
        if spec.text or not cell_fits:
            self._show_table(data)
        elif cells > 1:
            self._show_multiples(data, columns)
        elif isinstance(data, PointsFigure):
            self._show_single(points_drawing(data))
        else:
            drawing = (histogram_drawing(data, spec.log) if isinstance(data, GroupedHistogram)
                       else series_drawing(data, spec.log and spec.view == "cumulative"))
            self._show_single(drawing)
        self._status()

    def _show_single(self, drawing) -> None:
        body = self.query_one("#histogram-body", Container)
        charts = body.query(".single")
        if charts:
            charts.first(Chart).show(drawing)
            return
        body.remove_children()
        body.mount(Chart(drawing, classes="single"))

    def _show_multiples(self, hist: GroupedHistogram, columns: int) -> None:
        body = self.query_one("#histogram-body", Container)
        body.remove_children()
        grid = Grid(*(Chart(histogram_drawing(hist, self.spec.log, only=i, peak=hist.peak))
                      for i in range(len(hist.labels))), classes="multiples")
        grid.styles.grid_size_columns = columns
        body.mount(grid)

    def _show_table(self, data) -> None:
        body = self.query_one("#histogram-body", Container)
        body.remove_children()
        from spectui.core.figures.screen_figures import points_table

        frame = points_table(data) if isinstance(data, PointsFigure) else data.table()
        table = RowTable(cursor_type="row", zebra_stripes=True)
        table.show_rows([str(c) for c in frame.columns],
                        [[_cell(v, grouped=not is_label_column(str(name))) for name, v in zip(frame.columns, row)]
                         for row in frame.itertuples(index=False)])
        body.mount(table)
        if not self.query_one(PromptBar).is_open:
            table.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self.present)

    def _say_only(self, message: str) -> None:
        """Show a message instead of a plot."""
        self.message = message
        body = self.query_one("#histogram-body", Container)
        body.remove_children()
        body.mount(Static(message, classes="message", markup=False))
        self._status()

    def _status(self, note: str = "") -> None:
        spec, figure = self.spec, self.figure
        parts = []
        if self.table is not None and spec.column:
            parts.append(spec.column if spec.view != "cumulative" else "rows")
            parts.append(f"against {spec.x}" if spec.view == "scatter" else spec.view)
            parts.append(f"by {spec.by}" if spec.by != "none" else "all together")
            if spec.view == "histogram":
                parts.append(f"{spec.bins} bins")
                parts.append("split" if spec.multiples else "overlaid")
                parts.append("full range" if spec.full_range else "0.5-99.5%")
            if spec.log:
                parts.append("log")
            if figure is not None:
                cut = f"cut {spec.cut}: " if spec.cut else ""
                parts.append(f"{cut}{figure.passing:,} of {figure.rows:,} rows")
                data = figure.data
                if isinstance(data, GroupedHistogram) and (data.outside or data.missing):
                    parts.append(f"{data.outside:,} outside, {data.missing:,} missing")
                if isinstance(data, PointsFigure):
                    parts.append(f"{data.drawn:,} points")
            parts.append(self.source)
        if note:
            parts.append(note)
        self.query_one("#histogram-line", Label).update(" " + "  ·  ".join(parts))

    # Keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("close", "open_file") or self.table is not None:
            return True
        return None

    def action_pick_column(self) -> None:
        """Choose the column with the fuzzy picker."""
        from spectui.core.analysis.plot_data import numeric_columns

        self.app.push_screen(PickScreen("Column", numeric_columns(self.table), self.spec.column,
                                        placeholder="a few letters: pwv, ozone, vaod, chi2, d2ccd…"),
                             lambda column: column and self.update_spec(column=column))

    def action_next_grouping(self) -> None:
        """Group by the next of filter, target, night, nothing."""
        self.update_spec(by=GROUPINGS[(GROUPINGS.index(self.spec.by) + 1) % len(GROUPINGS)])

    def action_next_view(self) -> None:
        """Histogram, then median per night, then cumulative count (from series or scatter: the histogram)."""
        view = self.spec.view
        self.update_spec(view=VIEWS[(VIEWS.index(view) + 1) % len(VIEWS)] if view in VIEWS else VIEWS[0])

    def action_series(self) -> None:
        """The column against UTC time, a marker per group."""
        self.update_spec(view="series")

    def action_scatter(self) -> None:
        """Pick the column along x, then show the current column against it."""
        from spectui.core.analysis.plot_data import numeric_columns

        columns = numeric_columns(self.table)
        current = self.spec.x or next((c for c in (*PREFERRED_COLUMNS, *columns) if c != self.spec.column
                                       and c in columns), self.spec.column)
        self.app.push_screen(PickScreen("Column along x", columns, current,
                                        placeholder=f"plotted against {self.spec.column}: a few letters"),
                             lambda column: column and self.update_spec(view="scatter", x=column))

    @reports_errors
    def action_save_figure(self) -> None:
        """Ask for a file and save the figure on show to it (format by extension)."""
        if self.figure is None:
            raise BadInput("nothing to save yet: the figure is still being computed.")
        shown, table = self.figure, self.table
        from spectui.core.figures.screen_figures import figure_stem, write_view

        spec = shown.spec
        series = shown.data if isinstance(shown.data, Series) else None
        source = self.source
        self.query_one(SaveFigureBar).ask(figure_stem(spec.figure, spec.view), lambda path: write_view(
            table, spec.figure, path, series, log=spec.log and spec.view == "cumulative", source=source))

    def action_toggle(self, setting: str) -> None:
        """Switch a yes/no setting (log, multiples, text, full_range)."""
        self.update_spec(**{setting: not getattr(self.spec, setting)})

    def action_bins(self, step: int) -> None:
        """One step more or fewer bins."""
        steps = BIN_STEPS
        nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - self.spec.bins))
        self.update_spec(bins=steps[max(0, min(len(steps) - 1, nearest + step))])

    @reports_errors
    def action_pick_cut(self) -> None:
        """Apply a saved quality cut, or clear it."""
        from spectui.core.analysis.cuts import load_cuts

        cuts = load_cuts()
        if not cuts:
            raise BadInput("no quality cut saved yet: add one with `spectui cuts add NAME 'EXPRESSION'`.")
        choices = [NO_CUT, *cuts]
        self.app.push_screen(PickScreen("Quality cut", choices, self.spec.cut or NO_CUT,
                                        hint=" · ".join(f"{c.name}: {c.expression}" for c in cuts.values())),
                             self._cut_chosen)

    @reports_errors
    def _cut_chosen(self, name: str | None) -> None:
        if name is None:
            return
        if name == NO_CUT:
            self.update_spec(cut=None)
            return
        from spectui.core.analysis.cuts import selection_mask

        selection_mask(self.table.head(0), (name,))
        self.update_spec(cut=name)

    def action_open_file(self) -> None:
        """Ask for a results file to plot."""
        self.query_one(PromptBar).open("open", "results file:", "", "a .parquet, .csv or .json results table")

    @on(PromptBar.Submitted)
    def _open_submitted(self, event: PromptBar.Submitted) -> None:
        self._close_prompt()
        text = event.value.strip()
        if not text:
            return
        self.follows_collection = False
        self._status(f"reading {text}…")
        self.run_worker(lambda: self._read(None, None, user_path(text)), thread=True, exclusive=True,
                        group="histogram-read", exit_on_error=False, description="Reading results")

    @on(PromptBar.Cancelled)
    def _open_cancelled(self) -> None:
        self._close_prompt()

    def _close_prompt(self) -> None:
        self.query_one(PromptBar).close()
        self.set_focus(None)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.app.go_back()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker.group in ("histogram", "histogram-read") and event.state == WorkerState.ERROR:
            if self.figure is not None:
                self.spec = self.figure.spec
            self._status()


def _cell(value, grouped: bool = True) -> Text:
    if isinstance(value, float):
        return Text("" if math.isnan(value) else f"{value:.4g}", justify="right")
    if isinstance(value, int):
        return Text(f"{value:,}" if grouped else str(value), justify="right")
    return Text(str(value))

