"""The columns of an opened file: name, type, missing values and meaning (a derived column's expression).

Enter goes to the chosen column.
"""

from __future__ import annotations

import pyarrow as pa
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label
from textual_fastdatatable import DataTable

from spectui.core.tables.column_notes import SUFFIX_HELP, describe_column, type_name

from ..widgets.arrow_display import ArrowDisplay
from ..widgets.context_header import ContextHeader
from ..widgets.fast_table import FastTable


class ColumnsScreen(Screen[str | None]):
    """Lists a table's columns; returns the chosen column's name, or None."""

    HELP = ("Every column of the file, in file order, with what it holds; a derived column (added with = or "
            "saved with spectui columns) is marked = and shows its expression. " + SUFFIX_HELP)
    DEFAULT_CSS = "ColumnsScreen FastTable { height: 1fr; background: $background; }"
    BINDINGS = [
        Binding("enter", "choose", "Go to column", id="columns.choose"),
        Binding("escape,q", "dismiss(None)", "Back", id="columns.back"),
    ]

    def __init__(self, table: pa.Table, current: str | None = None,
                 derived: dict[str, str] | None = None) -> None:
        super().__init__()
        self.names = table.column_names
        self.current = current
        self.title = "Columns"
        self.derived = derived or {}
        self.listing = pa.table({
            "column": self.names,
            "derived": ["=" if name in self.derived else "" for name in self.names],
            "type": [type_name(column.type) for column in table.columns],
            "missing": [column.null_count for column in table.columns],
            "meaning": [self.meaning(name) for name in self.names],
        })

    def meaning(self, name: str) -> str:
        """What a column holds: a derived column's expression, else what spectui knows of the name."""
        if name in self.derived:
            return f"derived: {self.derived[name]}"
        return describe_column(name)

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Label(f" {len(self.names):,} columns", classes="status-line")
        backend = ArrowDisplay(self.listing).every_row(marks=False)
        yield FastTable(backend, cursor_type="row", id="columns-table")
        yield Label("", id="column-meaning", classes="status-line", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(FastTable)
        table.focus()
        if self.current in self.names:
            table.move_cursor(row=self.names.index(self.current))

    @on(DataTable.RowHighlighted)
    def _show_meaning(self, event: DataTable.RowHighlighted) -> None:
        name = self.names[event.cursor_row]
        meaning = self.meaning(name) or "no description"
        self.query_one("#column-meaning", Label).update(f" {name}: {meaning}")

    def action_choose(self) -> None:
        """Go back to the table with the cursor on the highlighted column."""
        self.dismiss(self.names[self.query_one(FastTable).cursor_row])
