"""The merge and missing screen: which exposures have outputs, by night and filter, from the registry."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState

from spectui.core.analysis.status import SUMMARY_COUNTS
from spectui.core.analysis.status_view import FIELDS, StatusFilter
from spectui.core.errors import BadInput

from ..dialogs.pick import PickScreen
from ..widgets.busy_line import BusyLine
from ..widgets.context_header import ContextHeader
from ..widgets.plot_widgets import Chart, night_bars_drawing
from ..widgets.row_table import RowTable
from ..widgets.save_figure import SaveFigureBar
from ..widgets.selection_source import current_selection
from .base import SpectuiScreen, reports_errors

ANY = "(any)"
CLIPBOARD_LIMIT = 100_000
LOAD_GROUP = "status-load"
MERGE_GROUP = "status-merge"


class StatusScreen(SpectuiScreen):
    """Status of every selected exposure in the current collection, summarised, charted, and drilled into."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    HELP = ("Each exposure of the selection (as on the Exposures screen) is ok (spectrum and both fits), "
            "partial (a fit missing) or missing (no spectrum) in the current collection, straight from the "
            "registry. s, f and t narrow by status, filter and target. Enter opens the exposures of the "
            "highlighted line; x exports and y copies the reprocessing data query of the missing ones (of "
            "the chosen ones when a status is chosen); M merges the collection's results table with the "
            "exposure list; ctrl+s saves the chosen exposures' efficiency per night and filter as a figure.")
    BINDINGS = [
        Binding("enter", "drill", "Open", tooltip="The exposures of the highlighted night (and filter)",
                id="status.drill"),
        Binding("e", "all_exposures", "All", show=False, tooltip="Every chosen exposure with its status",
                id="status.all"),
        Binding("s", "choose('status')", "Status", tooltip="Show one status only", id="status.status"),
        Binding("f", "choose('filter')", "Filter", tooltip="Show one physical filter only",
                id="status.filter"),
        Binding("t", "choose('target')", "Target", tooltip="Show one target only", id="status.target"),
        Binding("b", "toggle_groups", "Night/filter", show=False,
                tooltip="Summary per night, or night and filter", id="status.groups"),
        Binding("x", "export_missing", "Export", tooltip="Write the exposures to reprocess to a file",
                id="status.export"),
        Binding("y", "copy_query", "Query", tooltip="Copy the reprocessing data query (OSC 52)",
                id="status.copy"),
        Binding("M", "merge", "Merge", tooltip="Merge the results table with the exposure list",
                id="status.merge"),
        Binding("ctrl+s", "save_figure", "Save", show=False, tooltip="Save figure (.png, .pdf or .svg)",
                id="status.save_figure"),
        Binding("r", "reload", "Reload", show=False, tooltip="Query the registry again", id="status.reload"),
        Binding("escape,q", "close", "Back", show=False, id="status.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Merge & missing"
        self.status = None
        self.chosen = StatusFilter()
        self.by_filter = True
        self.summary = None
        self.nights: np.ndarray = np.zeros(0, dtype="int64")
        self.night_counts: dict[str, np.ndarray] = {}
        self.loaded_for: tuple | None = None

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Label("", id="status-choice", classes="status-line", markup=False)
        yield Label("", id="status-counts", classes="status-line", markup=False)
        yield BusyLine(id="busy")
        with Horizontal(id="status-body"):
            yield RowTable(id="status-summary", cursor_type="row", zebra_stripes=True)
            yield Chart(id="status-chart")
        yield SaveFigureBar(id="prompt")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        if self.loaded_for != self._source():
            self.load()

    def _source(self) -> tuple:
        return (self.app.collection, current_selection(self.app))

    # Loading and narrowing

    def load(self) -> None:
        """Query every exposure's status in a worker."""
        collection, selection = self._source()
        self.loaded_for = (collection, selection)
        if not collection:
            self._counts("No collection chosen: pick one on the Collections screen (1).")
            return
        self.query_one(BusyLine).start(f"asking the registry which exposures have outputs in {collection}")
        self.run_worker(lambda: self._query(collection, selection), thread=True, exclusive=True,
                        group=LOAD_GROUP, exit_on_error=False, description="Querying statuses")

    def _query(self, collection: str, selection) -> None:
        from spectui.core.analysis.status import exposure_status

        with self.app.butler() as butler:
            status = exposure_status(butler, collection, selection)
        self.deliver(self._loaded, status)

    def _loaded(self, status) -> None:
        self.query_one(BusyLine).stop()
        self.status = status
        self.refresh_bindings()
        self.narrow(self.chosen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        merge_failed = event.worker.group == MERGE_GROUP and event.state == WorkerState.ERROR
        if event.worker.group == LOAD_GROUP and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.query_one(BusyLine).stop()
            self._counts("could not read the statuses (see the message); r tries again")
        elif merge_failed and self.is_newest(event.worker):
            self.query_one(BusyLine).stop()

    def narrow(self, chosen: StatusFilter) -> None:
        """Summarise the rows matching `chosen` in a worker."""
        status, by_filter = self.status, self.by_filter
        if status is None:
            return
        self.run_worker(lambda: self._summarise(status, chosen, by_filter), thread=True, exclusive=True,
                        group="status-summary", exit_on_error=False, description="Summarising")

    def _summarise(self, status, chosen: StatusFilter, by_filter: bool) -> None:
        from spectui.core.analysis.status_view import narrowed_summary, night_counts

        summary = narrowed_summary(status, chosen, by_filter)
        nights, counts = night_counts(status, chosen)
        self.deliver(self._summarised, chosen, by_filter, summary, nights, counts)

    def _summarised(self, chosen: StatusFilter, by_filter: bool, summary, nights, counts) -> None:
        self.chosen, self.by_filter, self.summary = chosen, by_filter, summary
        self.nights, self.night_counts = nights, counts
        self.query_one("#status-choice", Label).update(f" {chosen.describe()}  ·  per night"
                                                       + (" and filter" if by_filter else ""))
        total = {s: int(c.sum()) for s, c in counts.items()}
        shown = sum(total.values())
        efficiency = f"  ·  efficiency {total['ok'] / shown:.1%}" if shown and chosen.status is None else ""
        self._counts(f"{shown:,} exposures: {total['ok']:,} ok, {total['partial']:,} partial, "
                     f"{total['missing']:,} missing{efficiency}")
        self._fill_summary(summary)
        self._draw_chart()

    def _counts(self, text: str) -> None:
        self.query_one("#status-counts", Label).update(f" {text}")

    def _fill_summary(self, summary) -> None:
        columns = [c for c in summary.columns if c != "efficiency"]
        rows = []
        for row in summary.itertuples(index=False):
            values = dict(zip(summary.columns, row))
            rows.append([Text(str(values[c]), justify="right" if c in SUMMARY_COUNTS else "left")
                         for c in columns] + [Text(f"{values['efficiency']:.0%}", justify="right")])
        headers = [("filter" if c == "physical_filter" else c) for c in columns]
        self.query_one(RowTable).show_rows([*headers, "eff."], rows)

    def _draw_chart(self) -> None:
        night = self._highlighted_night()
        around = int(np.searchsorted(self.nights, night)) if night is not None else None
        self.query_one(Chart).show(night_bars_drawing(self.nights, self.night_counts, around))

    def _highlighted_night(self):
        table = self.query_one(RowTable)
        if self.summary is None or not len(self.summary) or table.cursor_row >= len(self.summary):
            return None
        return self.summary["day_obs"].iloc[table.cursor_row]

    @on(RowTable.RowHighlighted, "#status-summary")
    def _follow_cursor(self) -> None:
        self._draw_chart()

    # Keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("close", "reload") or self.status is not None:
            return True
        return None

    def action_choose(self, field: str) -> None:
        """Pick the status, filter or target to show."""
        from spectui.core.analysis.status_view import choices

        options = [ANY, *choices(self.status)[field]]
        current = getattr(self.chosen, field) or ANY

        def chosen(value: str | None) -> None:
            if value is not None:
                self.narrow(StatusFilter(**{**{f: getattr(self.chosen, f) for f in FIELDS},
                                            field: None if value == ANY else value}))

        self.app.push_screen(PickScreen(f"Show {field}", options, current), chosen)

    def action_toggle_groups(self) -> None:
        """Summarise per night, or per night and filter."""
        self.by_filter = not self.by_filter
        self.narrow(self.chosen)

    @reports_errors
    def action_drill(self) -> None:
        """Open the exposures of the highlighted summary line."""
        from spectui.core.analysis.status_view import group_expression

        night = self._highlighted_night()
        if night is None:
            raise BadInput("no summary line to open.")
        row = self.summary.iloc[self.query_one(RowTable).cursor_row]
        physical_filter = row["physical_filter"] if self.by_filter else None
        what = f"{night}" + (f" · {physical_filter}" if physical_filter is not None else "")
        self._open_status_table(group_expression(self.chosen, night, physical_filter), f"Exposures of {what}")

    def action_all_exposures(self) -> None:
        """Open every chosen exposure with its status."""
        self._open_status_table(self.chosen.expression(), "Exposure status")

    def _open_status_table(self, expression: str, title: str) -> None:
        from .results import ResultsScreen

        self.app.push_screen(ResultsScreen(self.status, collection=self.app.collection, title=title,
                                           export_stem="status", filter_text=expression))

    @reports_errors
    def action_export_missing(self) -> None:
        """Write the exposures to reprocess to a file."""
        from ..dialogs.export import ExportScreen

        frame = self._to_reprocess()
        self.app.push_screen(ExportScreen("missing", len(frame), 0), lambda request: request and self._write(
            frame, request.path))

    def _to_reprocess(self):
        from spectui.core.analysis.status_view import to_reprocess

        frame = to_reprocess(self.status, self.chosen)
        if not len(frame):
            raise BadInput("no exposure to reprocess among those shown.")
        return frame

    def _write(self, frame, path) -> None:
        def write() -> None:
            from spectui.core.tables.views import write_export

            written = write_export(frame, path)
            self.app.notify(f"Wrote {len(frame):,} exposures to {written}", title="Exported")

        self.run_worker(write, thread=True, group="status-export", exit_on_error=False,
                        description="Exporting")

    @reports_errors
    def action_copy_query(self) -> None:
        """Copy the pipetask/bps data query selecting the exposures to reprocess."""
        from spectui.core.analysis.status import reprocess_queries

        frame = self._to_reprocess()
        queries = reprocess_queries(frame["id"])
        text = "\n".join(queries)
        if len(text) > CLIPBOARD_LIMIT:
            raise BadInput(f"the query for {len(frame):,} exposures is too long for the terminal's "
                           "clipboard: export them (x).")
        self.app.copy_to_clipboard(text)
        count = f"{len(queries)} data queries" if len(queries) > 1 else "the data query"
        self.app.notify(f"Copied {count} for {len(frame):,} exposures (via the terminal, OSC 52).",
                        title="Copied")

    @reports_errors
    def action_merge(self) -> None:
        """Merge the collection's results table with the exposure list, every exposure kept."""
        collection, selection = self.app.collection, current_selection(self.app)
        self.query_one(BusyLine).start("merging the results with the exposure list")
        run_name = self.app.run_name
        self.run_worker(lambda: self._merge(collection, run_name, selection), thread=True, exclusive=True,
                        group=MERGE_GROUP, exit_on_error=False, description="Merging")

    def _merge(self, collection: str, run_name: str | None, selection) -> None:
        from spectui.core.analysis.merge import merge_results
        from spectui.core.analysis.result_files import existing_results, proposed_output, read_cached
        from spectui.core.butler.exposures import query_exposures

        path = existing_results(collection, run_name)
        if path is None:
            where = proposed_output(collection, run_name)
            raise BadInput(f"no results table for {collection} ({where}): extract it on the Extraction "
                           "screen (3) first.")
        results = read_cached(path)
        with self.app.butler() as butler:
            exposures = query_exposures(butler, selection)
        self.deliver(self._merged, merge_results(results, exposures, how="right"), path.name)

    def _merged(self, merged, name: str) -> None:
        from .results import ResultsScreen

        self.query_one(BusyLine).stop()
        self.app.push_screen(ResultsScreen(merged, collection=self.app.collection,
                                           title=f"Merged: {name} × exposures", export_stem="merged"))

    def action_reload(self) -> None:
        """Query the registry again."""
        self.load()

    @reports_errors
    def action_save_figure(self) -> None:
        """Ask for a file and save the chosen exposures' efficiency per night and filter to it."""
        from spectui.core.figures.efficiency import efficiency_figure
        from spectui.core.figures.files import write_figure
        from spectui.core.figures.screen_figures import name_part

        status, chosen, (collection, _) = self.status, self.chosen, self.loaded_for
        if status is None:
            raise BadInput("nothing to save yet: the registry is still being asked.")
        described = "" if chosen == StatusFilter() else f" · {chosen.describe()}"
        title = f"Extraction efficiency · {collection}{described}"
        self.query_one(SaveFigureBar).ask(f"efficiency_{name_part(collection)}", lambda path: write_figure(
            efficiency_figure(status.loc[chosen.mask(status)], title), path))

    def action_close(self) -> None:
        """Back to the previous screen."""
        if self.query_one(BusyLine).running:
            self.workers.cancel_group(self, LOAD_GROUP)
            self.query_one(BusyLine).stop()
            return
        self.app.go_back()
