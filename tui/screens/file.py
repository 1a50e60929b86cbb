"""The table screen over an opened results file: its first rows at once, every key once all of it is read."""

from __future__ import annotations

import pyarrow as pa
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label
from textual.worker import Worker, WorkerState
from textual_fastdatatable import DataTable

from spectui.core.analysis.derived_columns import with_saved_columns
from spectui.core.tables.column_notes import SUFFIX_HELP, column_note, holds_spectractor_results, type_name
from spectui.core.tables.table_files import FIRST_ROWS, TableFile

from ..widgets.arrow_display import ArrowDisplay, text_backend
from ..widgets.fast_table import FastTable
from ..widgets.first_frame import FirstRows, first_rows_status, head_first_rows
from .table import TableScreen

VIEW_GROUP = "file-view"
FRAME_GRACE_SECONDS = 0.2


class FileScreen(TableScreen):
    """Browses one results file with the table keys; the line above the table explains the current column."""

    HELP = (TableScreen.HELP + "\n\n" + SUFFIX_HELP + " H plots histograms of the rows shown when the file "
            "holds Spectractor results. The saved derived columns (spectui columns) follow the file's columns."
            "\n\nWith several files open, the number keys switch between them (1 is the first file); q closes "
            "a file.")
    BINDINGS = [
        Binding("C", "columns", "Columns", tooltip="Every column with its type and meaning; enter goes to it",
                id="file.columns"),
        Binding("H", "histogram", "Histogram", show=False,
                tooltip="Histograms of the rows shown, from the current column", id="file.histogram"),
    ]

    def __init__(self, opened: TableFile) -> None:
        super().__init__(title=opened.name, export_stem=opened.stem)
        self.opened = opened
        self.first_rows: FirstRows | None = None
        self.view_worker: Worker | None = None

    def compose_top(self) -> ComposeResult:
        yield Label("", id="column-note", classes="status-line", markup=False)

    def compose_table(self) -> ComposeResult:
        """The first rows, there from the start so that the table has the focus before any key arrives.

        A CSV file read first by the standard library shows those rows as they were drawn before the app started.
        """
        if self.opened.head is not None:
            self.first_rows = head_first_rows(self.opened.head)
            first = self.first_rows
            columns = [[first.cell(row, index)[0] for row in range(first.rows)] for index in range(len(first.names))]
            backend = text_backend(first.names, columns, first.widths)
        else:
            self.display_table = ArrowDisplay(self.opened.table.slice(0, FIRST_ROWS))
            backend = self.display_table.every_row()
        yield FirstRowsTable(backend, self._first_rows_drawn)

    def on_mount(self) -> None:
        """Put the cursor on the first data column and say what is shown, before the view (and pandas) exists."""
        super().on_mount()
        self.table.focus()
        self.table.move_cursor(column=1)
        self._show_column_note()
        if self.first_rows is not None:
            self.update_status(self.first_rows.status)
        else:
            self.update_status(first_rows_status(self.opened.table.num_rows, self.opened.rows))

    def _first_rows_drawn(self) -> None:
        """Give the frame a moment to reach the terminal before the view's work takes the processor."""
        self.set_timer(FRAME_GRACE_SECONDS, self._start_view)

    def _start_view(self) -> None:
        """Build the view in a worker once the first rows are on screen (it imports pandas, which is slow)."""
        self.view_worker = self.run_worker(self._build_view, thread=True, exclusive=True, group=VIEW_GROUP,
                                           exit_on_error=False, description=f"Reading {self.opened.name}")

    def _build_view(self) -> None:
        from spectui.core.tables.table_files import to_frame
        from spectui.core.tables.views import TableView

        table = self.opened.read_all()
        frame, derived, problem = with_saved_columns(to_frame(table))
        display = ArrowDisplay(with_columns(table, frame, derived))
        view = TableView(frame, key=self.opened.key)
        self.deliver(self._view_ready, view, display, derived, problem)

    def _view_ready(self, view, display: ArrowDisplay, derived: dict[str, str], problem) -> None:
        self.display_table, self.view, self.derived = display, view, derived
        if problem is not None:
            self.app.report(problem)
        self.redraw()
        self.refresh_bindings()
        self._show_column_note()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker is self.view_worker and event.state == WorkerState.ERROR:
            self.update_status(f"{self.opened.name} could not be read to the end: only these rows are here")

    @property
    def view_coming(self) -> bool:
        """Whether the full view is still on its way (its worker has not failed nor been cancelled)."""
        worker = self.view_worker
        return worker is None or worker.state not in (WorkerState.ERROR, WorkerState.CANCELLED)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "columns":
            return True
        if action == "histogram" and not holds_spectractor_results(self.opened.table.column_names):
            return False
        return super().check_action(action, parameters)

    # The current column's meaning

    @property
    def shown_columns(self) -> list[str]:
        """The data columns as displayed (the view's once it exists, else every column of the file)."""
        if self.view is not None:
            return self.view.columns
        return self.first_rows.names[1:] if self.first_rows is not None else self.opened.table.column_names

    @on(DataTable.CellHighlighted)
    def _show_column_note(self) -> None:
        table = self.table
        columns = self.shown_columns
        index = table.cursor_column - 1 if table is not None else -1
        if not 0 <= index < len(columns):
            return
        name = columns[index]
        if self.view is None and self.first_rows is not None:
            kind = self.first_rows.kinds[index + 1]
        elif name in self.derived:
            kind = f"derived: {self.derived[name]}"
        else:
            kind = type_name(self.opened.table.schema.field(name).type)
        self.query_one("#column-note", Label).update(column_note(name, kind))

    # Columns

    def action_columns(self) -> None:
        """List every column with its type and meaning, and go to the one chosen."""
        from ..dialogs.columns import ColumnsScreen

        current = self.shown_columns[max(0, self.table.cursor_column - 1)] if self.table is not None else None
        table = with_columns(self.opened.table, self.view.base, self.derived) if self.view else self.opened.table
        self.app.push_screen(ColumnsScreen(table, current, self.derived), self._go_to_column)

    def _go_to_column(self, name: str | None) -> None:
        if not name or self.table is None:
            return
        if self.view is not None and name in self.view.hidden:
            self.view.hidden.remove(name)
            self.redraw(column=name)
            return
        self.table.move_cursor(column=self.shown_columns.index(name) + 1)

    # Histograms

    def action_histogram(self) -> None:
        """Plot the rows shown (filter applied) in the histogram screen, starting from the current column."""
        from .histogram import HistogramScreen

        plot = HistogramScreen(self.view.frame(), source=self.opened.name, column=self.current_column)
        self.app.push_screen(plot)


def with_columns(table: pa.Table, frame, names) -> pa.Table:
    """`table` followed by the columns of `frame` called `names` that it lacks (the derived columns)."""
    for name in names:
        if name not in table.column_names:
            table = table.append_column(name, pa.array(frame[name], from_pandas=True))
    return table


class FirstRowsTable(FastTable):
    """The table of a file, calling back once the frame that first draws its rows is out.

    That frame has no scroll bars (they come in the next one), like the frame drawn before the app started.
    """

    def __init__(self, backend, on_drawn) -> None:
        super().__init__(backend, fixed_columns=2)
        self._on_drawn = on_drawn
        self.styles.overflow_x = self.styles.overflow_y = "hidden"

    def render_line(self, y: int):
        line = super().render_line(y)
        if self._on_drawn is not None and y > 0:
            callback, self._on_drawn = self._on_drawn, None
            self.call_after_refresh(self._drawn, callback)
        return line

    def _drawn(self, callback) -> None:
        self.styles.overflow_x = self.styles.overflow_y = "auto"
        callback()
