"""A screen over a TableView with VisiData's keys: search, sort, filter, frequency, select, export, copy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Footer, Label
from textual_fastdatatable import DataTable

from spectui.core.errors import BadInput
from spectui.core.tables.views import TableView

from ..dialogs.export import ExportRequest, ExportScreen
from ..dialogs.frequency import FrequencyScreen
from ..dialogs.table_prompts import ColumnsAndCuts
from ..widgets.arrow_display import ArrowDisplay
from ..widgets.context_header import ContextHeader
from ..widgets.fast_table import FastTable
from ..widgets.prompt_bar import PromptBar
from .base import SpectuiScreen, reports_errors
from .g_prefix import GPrefix

FILTER_HINT = "e.g. filter == OG550_65mm_1 and day_obs > 20250101 · enter keeps · escape restores"
CLIPBOARD_LIMIT = 100_000


class TableScreen(ColumnsAndCuts, GPrefix, SpectuiScreen):
    """Shows one TableView in a fast table; every change goes through the view, then the table is redrawn."""

    AUTO_FOCUS = "#table-slot FastTable"
    """Nothing else takes the focus: keys typed before the rows come wait for them instead of going to a hidden
    prompt."""
    HELP = ("/ searches the current column, | filters with an expression such as "
            "filter == OG550_65mm_1 and day_obs > 20250101, [ ] sort, F counts values, s and u select rows. "
            "g starts a two-key command: g s, g u, g g, g - (listed below). y copies the selected ids "
            "through the terminal (OSC 52; inside tmux that needs: set -g set-clipboard on). v shows a row, "
            "= adds a column (NAME = EXPRESSION, then y saves it), K applies a saved cut, ctrl+k saves the "
            "filter as one.")
    BINDINGS = [
        Binding("slash", "search", "Search", tooltip="Search the current column", id="table.search"),
        Binding("n", "search_next", "Next", show=False, tooltip="Next search match", id="table.search_next"),
        Binding("N", "search_previous", "Previous", show=False, tooltip="Previous search match",
                id="table.search_previous"),
        Binding("vertical_line,ctrl+f", "filter", "Filter", tooltip="Filter rows with an expression",
                id="table.filter"),
        Binding("left_square_bracket", "sort(True)", "Sort", tooltip="Sort by the current column, ascending",
                id="table.sort_ascending"),
        Binding("right_square_bracket", "sort(False)", "Sort desc", show=False,
                tooltip="Sort by the current column, descending", id="table.sort_descending"),
        Binding("F", "frequency", "Freq", tooltip="Frequency table of the current column",
                id="table.frequency"),
        Binding("minus", "hide_column", "Hide col", show=False, tooltip="Hide the current column",
                id="table.hide_column"),
        Binding("s", "select_row", "Select", tooltip="Select the current row", id="table.select"),
        Binding("u", "unselect_row", "Unselect", show=False, tooltip="Unselect the current row",
                id="table.unselect"),
        Binding("g", "g_prefix", "g prefix", show=False,
                tooltip="Start a two-key command: g s, g u, g g, g -", id="table.g_prefix"),
        Binding("quotation_mark", "selection_view", "Selection", show=False,
                tooltip="Open the selected rows as a new view", id="table.selection_view"),
        Binding("ctrl+e", "export", "Export", tooltip="Export the view or the selection to a file",
                id="table.export"),
        Binding("y", "copy_keys", "Copy ids", show=False, tooltip="Copy the selected ids to the clipboard",
                id="table.copy"),
        Binding("v", "row_details", "Row", show=False, tooltip="Show every field of the current row",
                id="table.row_details"),
        Binding("equals_sign", "add_column", "Add column", show=False,
                tooltip="Add a column: NAME = EXPRESSION",
                id="table.add_column"),
        Binding("K", "pick_cut", "Cut", show=False, tooltip="Apply or clear a saved quality cut",
                id="table.cut"),
        Binding("ctrl+k", "save_cut", "Save cut", show=False, tooltip="Save the filter as a named cut",
                id="table.save_cut"),
        Binding("escape", "back", "Back", show=False, id="table.back"),
        Binding("q", "close", "Back", show=False, id="table.close"),
    ]

    export_stem = "table"

    def __init__(self, view: TableView | None = None, *, title: str = "Table",
                 export_stem: str | None = None) -> None:
        super().__init__()
        self.title = title
        self.view = view
        self.display_table = ArrowDisplay.from_frame(view.base) if view is not None else None
        if export_stem:
            self.export_stem = export_stem
        self.search_column: str | None = None
        self.search_text = ""
        self.g_pending = False
        self._g_timer = None
        self._filter_before = ""
        self.derived: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield from self.compose_top()
        yield Container(*self.compose_table(), id="table-slot")
        yield Label("", id="status-line", classes="status-line", markup=False)
        yield PromptBar(id="prompt")
        yield Footer(compact=True)

    def compose_top(self) -> ComposeResult:
        """Widgets between the header and the table (none here)."""
        yield from ()

    def compose_table(self) -> ComposeResult:
        """A table to show from the start, before the view exists (none here: it comes with the view)."""
        yield from ()

    def on_mount(self) -> None:
        self.query_one(PromptBar).close()
        if self.view is not None:
            self.redraw()

    # Drawing

    @property
    def table(self) -> FastTable | None:
        """The table widget, once there is something to show."""
        found = self.query("#table-slot FastTable")
        return found.first(FastTable) if found else None

    def redraw(self, *, row: int | None = None, key=None, column: str | None = None) -> None:
        """Draw the view, cursor on `row`, else on the row holding `key`, else where it was; in `column`."""
        view = self.view
        if view is None or self.display_table is None:
            return
        table = self.table
        column = column or self.current_column
        if row is None and key is not None:
            row = view.row_of_key(key)
            row = 0 if row is None else row
        elif row is None:
            row = table.cursor_row if table is not None else 0
        column_index = view.columns.index(column) + 1 if column in view.columns else None
        backend = self.display_table.backend(view.positions, view.columns, view.selected_mask())
        if table is None:
            table = self.mount_table(backend)
            table.move_cursor(row=row, column=column_index or 1)
        else:
            table.show(backend, row=row, column=column_index)
        self.update_status()

    def mount_table(self, backend) -> FastTable:
        """Put a table showing `backend` in the table's place, focused, its cursor on the first data column."""
        table = FastTable(backend, fixed_columns=2)
        self.query_one("#table-slot").mount(table)
        table.focus()
        table.move_cursor(column=1)
        return table

    @contextlib.contextmanager
    def changing_view(self) -> Iterator[None]:
        """Around a change of the view: redraw it after, cursor on the same row and column if still shown."""
        key, column = self._cursor_key(), self.current_column
        yield
        self.redraw(key=key, column=column)

    def _cursor_key(self):
        table = self.table
        if table is None or self.view is None or not self.view.row_count:
            return None
        return self.view.key_at(min(table.cursor_row, self.view.row_count - 1))

    @property
    def current_column(self) -> str | None:
        """The data column under the cursor."""
        table = self.table
        if table is None or self.view is None:
            return None
        columns = self.view.columns
        index = table.cursor_column - 1
        return columns[index] if 0 <= index < len(columns) else None

    @on(DataTable.CellHighlighted)
    def _keep_off_the_mark_column(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate.column == 0 and self.table is not None and self.table.column_count > 1:
            self.table.move_cursor(column=1)

    def update_status(self, note: str = "") -> None:
        """The status line: N of M rows, selection, filter, sort, hidden columns, the g prefix when armed."""
        view = self.view
        parts = [view.counts_text()] if view is not None else []
        if view is not None and view.sort_column:
            parts.append(f"sorted by {view.sort_column} {'↑' if view.sort_ascending else '↓'}")
        if view is not None and view.hidden:
            parts.append(f"{len(view.hidden)} hidden")
        if view is not None and view.filter_text:
            parts.append(f"filter: {view.filter_text}")
        if view is not None and view.cut_name:
            parts.append(f"cut: {view.cut_name}")
        if self.g_pending:
            parts.insert(0, "g… " + " · ".join(f"{k} {what}" for k, what in self._g_hints()))
        if note:
            parts.insert(0, note)
        self.query_one("#status-line", Label).update(" " + "  ·  ".join(parts))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back", "close", "g_prefix") or self.view is not None:
            return True
        return None

    @property
    def view_coming(self) -> bool:
        """Whether the view is being made (rows may already be drawn), so that keys needing it can wait."""
        return False

    def key_waits(self, key: str) -> bool:
        """Keys that need the view, and the g prefix, wait for a view that is coming."""
        if self.view is not None or not self.view_coming:
            return False
        active = self.active_bindings.get(key)
        return active is not None and (not active.enabled or active.binding.action == "g_prefix")

    # Moving

    def action_first_row(self) -> None:
        """Go to the first row."""
        if self.table is not None:
            self.table.move_cursor(row=0)

    def action_back(self) -> None:
        """Escape: disarm the g prefix, or go back to the previous screen."""
        if self.g_pending:
            self._disarm_g()
            return
        self.app.go_back()

    def action_close(self) -> None:
        """Close this screen (quit when it is the first one)."""
        self.app.close_screen()

    # Search

    def _column_or_say(self) -> str | None:
        column = self.current_column
        if column is None:
            self.app.report(BadInput("move the cursor onto a data column first."))
        return column

    def action_search(self) -> None:
        """Ask for text to find in the current column."""
        column = self._column_or_say()
        if column is not None:
            self.search_column = column
            self.query_one(PromptBar).open("search", f"/ in {column}:", self.search_text,
                                           "text to find (ignoring case); enter searches, n / N repeat")

    def action_search_next(self) -> None:
        """Go to the next match of the last search."""
        self._jump(forward=True)

    def action_search_previous(self) -> None:
        """Go to the previous match of the last search."""
        self._jump(forward=False)

    @reports_errors
    def _jump(self, forward: bool) -> None:
        if not self.search_text or self.search_column is None:
            raise BadInput("nothing to repeat: search with / first.")
        hit = self.view.find(self.search_column, self.search_text, self.table.cursor_row, forward)
        if hit is None:
            raise BadInput(f"no {self.search_text!r} in column {self.search_column}.")
        self.table.move_cursor(row=hit.row)
        self.update_status("search wrapped" if hit.wrapped else "")

    # Filter

    def action_filter(self) -> None:
        """Open the filter bar on the current filter expression."""
        self._filter_before = self.view.filter_text
        self.query_one(PromptBar).open("filter", "| filter:", self.view.filter_text, FILTER_HINT)

    @on(PromptBar.Changed)
    def _prompt_changed(self, event: PromptBar.Changed) -> None:
        if event.purpose != "filter":
            return
        prompt = self.query_one(PromptBar)
        try:
            with self.changing_view():
                self.view.set_filter(event.value)
        except BadInput as exc:
            prompt.say(exc.message, problem=True)
            return
        prompt.say(FILTER_HINT)

    @on(PromptBar.Submitted)
    def _prompt_submitted(self, event: PromptBar.Submitted) -> None:
        prompt = self.query_one(PromptBar)
        if event.purpose in ("column", "cut"):
            if not self.prompt_answered(event.purpose, event.value):
                return
        elif event.purpose == "filter":
            try:
                with self.changing_view():
                    self.view.set_filter(event.value)
            except BadInput as exc:
                prompt.say(exc.message, problem=True)
                return
            self.app.clear_errors()
        else:
            self.search_text = event.value
        prompt.close()
        if self.table is not None:
            self.table.focus()
        if event.purpose == "search" and event.value:
            self._jump(forward=True)

    @on(PromptBar.Cancelled)
    def _prompt_cancelled(self, event: PromptBar.Cancelled) -> None:
        if event.purpose == "filter" and self.view.filter_text != self._filter_before:
            with self.changing_view():
                self.view.set_filter(self._filter_before)
        self.query_one(PromptBar).close()
        if self.table is not None:
            self.table.focus()

    # Row details

    @reports_errors
    def action_row_details(self) -> None:
        """Show every field of the current row; closing it leaves the cursor on the row shown last."""
        if self.table is None or not self.view.row_count:
            raise BadInput("no row to show.")
        self.app.push_screen(self.row_details(self.table.cursor_row), self._details_closed)

    def row_details(self, row: int):
        """The row details screen of view row `row`."""
        from .row_details import RowDetailsScreen

        notes = {name: f"derived: {expression}" for name, expression in self.derived.items()}
        return RowDetailsScreen(self.view, row, notes=notes, title=self.title)

    def _details_closed(self, row: int | None) -> None:
        if row is not None and self.table is not None:
            self.table.move_cursor(row=row)

    # Sort, columns, frequency

    @reports_errors
    def action_sort(self, ascending: bool) -> None:
        """Sort by the current column."""
        column = self._column_or_say()
        if column is not None:
            with self.changing_view():
                self.view.sort_by(column, ascending)

    @reports_errors
    def action_hide_column(self) -> None:
        """Hide the current column."""
        column = self._column_or_say()
        if column is not None:
            index = self.view.columns.index(column)
            self.view.hide_column(column)
            self.redraw(column=self.view.columns[min(index, len(self.view.columns) - 1)])

    def action_show_all_columns(self) -> None:
        """Show every hidden column."""
        with self.changing_view():
            self.view.show_all_columns()

    @reports_errors
    def action_frequency(self) -> None:
        """Open the frequency table of the current column."""
        column = self._column_or_say()
        if column is not None:
            self.app.push_screen(FrequencyScreen(self.view.frequency(column)), self._filter_on)

    @reports_errors
    def _filter_on(self, condition: str | None) -> None:
        if condition:
            self.view.add_condition(condition)
            self.redraw(row=0)

    # Selection

    def action_select_row(self) -> None:
        """Select the current row and move down."""
        self._mark_row(True)

    def action_unselect_row(self) -> None:
        """Unselect the current row and move down."""
        self._mark_row(False)

    def _mark_row(self, selected: bool) -> None:
        if not self.view.row_count:
            return
        row = self.table.cursor_row
        self.view.select_rows([row], selected)
        self.redraw(row=min(row + 1, self.view.row_count - 1))

    def action_select_all(self, selected: bool) -> None:
        """Select (or unselect) every row of the view."""
        with self.changing_view():
            self.view.select_all(selected)

    @reports_errors
    def action_selection_view(self) -> None:
        """Open the selected rows as a view of their own."""
        view = self.view.selection_view()
        self.app.push_screen(TableScreen(view, title=f"{self.title} · selection",
                                         export_stem=f"{self.export_stem}-selection"))

    # Export and copy

    def action_export(self) -> None:
        """Ask what to export and where, then write it."""
        self.app.push_screen(ExportScreen(self.export_stem, self.view.row_count, self.view.selected_count),
                             self._export)

    @reports_errors
    def _export(self, request: ExportRequest | None) -> None:
        if request is not None:
            self._write(self.view.export_frame(request.selection), request)

    @work(thread=True, group="export", exit_on_error=False, description="Exporting")
    def _write(self, frame, request: ExportRequest) -> None:
        from spectui.core.tables.views import write_export

        path = write_export(frame, request.path)
        what = "selected rows" if request.selection else "rows"
        self.app.notify(f"Wrote {len(frame):,} {what} to {path}", title="Exported", markup=False)

    @reports_errors
    def action_copy_keys(self) -> None:
        """Copy the selected keys (or the current row's) to the clipboard through the terminal (OSC 52)."""
        view = self.view
        if view.selected_count:
            text, count = view.keys_text(), view.selected_count
        elif view.row_count:
            text, count = str(view.key_at(self.table.cursor_row)), 1
        else:
            raise BadInput("no row to copy.")
        if len(text) > CLIPBOARD_LIMIT:
            raise BadInput(f"{count:,} ids are too many for the terminal's clipboard: export them (ctrl+e).")
        self.app.copy_to_clipboard(text)
        which = "selected" if view.selected_count else "current row's"
        self.app.notify(f"Copied {count:,} {which} {view.key}{'s' if count > 1 else ''} to the clipboard "
                        "(via the terminal, OSC 52).", title="Copied", markup=False)
