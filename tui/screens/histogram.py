"""The histograms screen: a results column per group, per night or counted up, with a quality cut applied."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
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
from spectui.core.tables.table_shape import is_label_column

from ..dialogs.pick import PickScreen
from ..widgets.context_header import ContextHeader
from ..widgets.plot_widgets import MIN_HEIGHT, MIN_WIDTH, Chart, histogram_drawing, series_drawing
from ..widgets.prompt_bar import PromptBar
from ..widgets.row_table import RowTable
from .base import SpectuiScreen, reports_errors

VIEWS = ("histogram", "per night", "cumulative")
BIN_STEPS = (5, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200)
PREFERRED_COLUMNS = ("PWV [mm]_spectrum", "PWV [mm]_spectrogram", "CHI2_FIT", "D2CCD")
NO_CUT = "(no cut)"
CELL_WIDTH = 40


@dataclass(frozen=True)
class PlotSpec:
    """Everything that decides what the screen draws."""

    column: str = ""
    by: str = "filter"
    view: str = "histogram"
    bins: int = 20
    log: bool = False
    multiples: bool = False
    cut: str | None = None
    full_range: bool = False
    text: bool = False

    def figure_spec(self):
        """The histogram this screen draws as a figure description, the one `spectui plot hist` draws too."""
        from spectui.core.figures.spec import FigureSpec

        return FigureSpec("hist", self.column, by=self.by, bins=self.bins, log=self.log, multiples=self.multiples,
                          full_range=self.full_range, cuts=(self.cut,) if self.cut else ())


@dataclass(frozen=True)
class Figure:
    """What a worker computed for one PlotSpec, with the rows that passed the cut."""

    spec: PlotSpec
    data: GroupedHistogram | Series
    passing: int
    rows: int


class HistogramScreen(SpectuiScreen):
    """Draws a results table's column; each change is computed in a worker, the drawing fits the screen."""

    AUTO_FOCUS = "#histogram-body RowTable"
    HELP = ("c picks a column (type a few letters: pwv, ozone, vaod, chi2, d2ccd), g groups by filter, "
            "target or night, m shows the groups overlaid or side by side, + and - change the bins, l the "
            "log scale, C applies a saved quality cut (spectui cuts add), v switches between histogram, "
            "median per night and cumulative count, t shows the numbers as a table (also shown when the "
            "terminal is too small to plot), r uses the full range instead of the 0.5-99.5 percentiles, o "
            "opens another results file.")
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
        yield PromptBar(id="prompt")
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
        from spectui.core.analysis.result_files import existing_results, proposed_output, read_results

        found = path or existing_results(collection, run_name)
        if found is None:
            where = proposed_output(collection, run_name)
            self.deliver(self._say_only, f"No results table for {collection} ({where} does not exist): "
                         "extract it on the Extraction screen (3), or open a file with o.")
            return
        self.deliver(self._table_ready, read_results(found), found.name)

    def _table_ready(self, frame, source: str) -> None:
        from spectui.core.analysis.plot_data import numeric_columns

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
        from spectui.core.analysis.cuts import selection_mask
        from spectui.core.figures.spec import histogram_figure

        mask = selection_mask(table, (spec.cut,)).to_numpy(dtype=bool) if spec.cut else None
        by = spec.by
        if spec.view == "histogram":
            data = histogram_figure(table, spec.figure_spec(), mask).hist
        elif spec.view == "per night":
            data = plot_data.nightly_series(table, spec.column, by, mask)
        else:
            data = plot_data.cumulative_series(table, by if by in ("filter", "target") else "none", mask)
        passing = int(mask.sum()) if mask is not None else len(table)
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
        frame = data.table()
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
            parts.append(spec.view)
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
        """Histogram, then median per night, then cumulative count."""
        self.update_spec(view=VIEWS[(VIEWS.index(self.spec.view) + 1) % len(VIEWS)])

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
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            return
        self.follows_collection = False
        self._status(f"reading {path}…")
        self.run_worker(lambda: self._read(None, None, path), thread=True, exclusive=True,
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
        if event.worker.group == "histogram" and event.state == WorkerState.ERROR:
            if self.figure is not None:
                self.spec = self.figure.spec
            self._status()


def _cell(value, grouped: bool = True) -> Text:
    if isinstance(value, float):
        return Text("" if math.isnan(value) else f"{value:.4g}", justify="right")
    if isinstance(value, int):
        return Text(f"{value:,}" if grouped else str(value), justify="right")
    return Text(str(value))
