"""Every field of one table row, one per line, values in full; n / p go through the rows of the view."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Label, Static

from spectui.core.tables.row_fields import row_fields, view_row_label
from spectui.core.tables.views import TableView

from ..widgets.context_header import ContextHeader
from .base import SpectuiScreen


class RowDetailsScreen(SpectuiScreen):
    """Shows one row of a view vertically; closing it returns the row shown last, for the table's cursor."""

    HELP = ("Every column of the row: its name, its value written out in full (long texts wrap), its kind and "
            "what it holds. n and p show the next and previous row of the table as it is filtered and sorted; "
            "escape or q goes back to the table with the cursor on the row shown last.")
    DEFAULT_CSS = """
    RowDetailsScreen #row-fields { height: 1fr; background: $background; }
    RowDetailsScreen #row-fields:focus { background-tint: $foreground 0%; }
    """
    BINDINGS = [
        Binding("n", "move(1)", "Next row", tooltip="Show the next row of the view", id="details.next"),
        Binding("p", "move(-1)", "Previous row", tooltip="Show the previous row of the view",
                id="details.previous"),
        Binding("enter,s", "spectrum", "Spectrum", tooltip="Show the spectrum of this row",
                id="details.spectrum"),
        Binding("escape,q", "close", "Back", id="details.back"),
    ]

    def __init__(self, view: TableView, row: int, *, notes: dict[str, str] | None = None,
                 on_spectrum: Callable[[int], None] | None = None, title: str = "Row") -> None:
        super().__init__()
        self.view, self.row, self.notes, self.on_spectrum = view, row, notes or {}, on_spectrum
        self.title = f"{title} · row details"

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Label("", id="row-label", classes="status-line", markup=False)
        with VerticalScroll(id="row-fields"):
            yield Static("", id="row-fields-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#row-fields").focus()
        self.show_row()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "spectrum":
            return self.on_spectrum is not None
        return True

    def show_row(self) -> None:
        """Write out the fields of the current row."""
        listing = Table.grid(padding=(0, 2), expand=True)
        listing.add_column("name", style="bold", max_width=32, overflow="fold")
        listing.add_column("value", ratio=3, overflow="fold")
        listing.add_column("meaning", ratio=2, style="dim", overflow="fold")
        for field in row_fields(self.view, self.row, self.notes):
            meaning = f"{field.kind} · {field.meaning}" if field.meaning else field.kind
            listing.add_row(Text(field.name), Text(field.value), Text(meaning))
        self.query_one("#row-fields-text", Static).update(listing)
        self.query_one("#row-label", Label).update(f" {view_row_label(self.view, self.row)}")

    def action_move(self, step: int) -> None:
        """Show the next (or previous) row of the view, staying at the first or last one."""
        row = max(0, min(self.view.row_count - 1, self.row + step))
        if row >= 0 and row != self.row:
            self.row = row
            self.show_row()

    def action_spectrum(self) -> None:
        """Open the spectrum view of this row."""
        if self.on_spectrum is not None:
            self.on_spectrum(self.row)

    def action_close(self) -> None:
        """Go back to the table, returning the row shown last."""
        self.dismiss(self.row)
