"""A small table of rows moved through with arrows or vim keys, leaving Enter to the screen it is on."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable


class RowTable(DataTable, inherit_bindings=False):
    """Textual's DataTable for short tables (summaries, failures, parameters), without its own Enter.

    Only j and k of the vim keys: the screens use the other letters for their own commands.
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="rows.cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="rows.cursor_down"),
        Binding("left", "cursor_left", "Left", show=False, id="rows.cursor_left"),
        Binding("right", "cursor_right", "Right", show=False, id="rows.cursor_right"),
        Binding("pageup", "page_up", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="rows.page_down"),
        Binding("home", "scroll_top", "First", show=False, id="rows.first"),
        Binding("end,G", "scroll_bottom", "Last", show=False, id="rows.last"),
    ]

    def show_rows(self, headers: list[str], rows: list[list[Text]]) -> None:
        """Replace the table's content, each column as wide as its widest cell (measured here, not when idle)."""
        self.clear(columns=True)
        for index, header in enumerate(headers):
            width = max([len(header), *(row[index].cell_len for row in rows)])
            self.add_column(Text(header), width=width)
        self.add_rows(rows)
