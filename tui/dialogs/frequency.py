"""The frequency table of one column: value, count, percent and a bar; Enter filters on that value."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label

from spectui.core.tables.views import Frequency, bar, plural

from ..widgets.arrow_display import ArrowDisplay
from ..widgets.context_header import ContextHeader
from ..widgets.fast_table import FastTable

BAR_WIDTH = 24


class FrequencyScreen(Screen[str | None]):
    """Shows a Frequency; returns the filter condition of the chosen row, or None."""

    HELP = "How often each value of the column occurs in the rows shown (many-valued numbers are binned)."
    BINDINGS = [
        Binding("enter", "choose", "Filter on value", id="frequency.choose"),
        Binding("escape,q", "dismiss(None)", "Back", id="frequency.back"),
    ]

    def __init__(self, frequency: Frequency) -> None:
        super().__init__()
        self.frequency = frequency
        self.title = "Frequency"

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        kind = "value range" if self.frequency.binned else "value"
        yield Label(f" {self.frequency.column}: {plural(len(self.frequency.labels), kind)} over "
                    f"{plural(self.frequency.total, 'row')}", classes="status-line", markup=False)
        yield FastTable(self._backend(), cursor_type="row", id="frequency-table")
        yield Footer(compact=True)

    def _backend(self):
        frame = self.frequency.frame()
        peak = max(self.frequency.counts, default=0) or 1
        frame["bar"] = [bar(count / peak, BAR_WIDTH) for count in self.frequency.counts]
        return ArrowDisplay.from_frame(frame).every_row(marks=False)

    def on_mount(self) -> None:
        self.query_one(FastTable).focus()

    def action_choose(self) -> None:
        """Go back to the table, filtered on the highlighted value."""
        table = self.query_one(FastTable)
        if self.frequency.conditions:
            self.dismiss(self.frequency.conditions[table.cursor_row])
