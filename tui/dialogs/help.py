"""The help screen: every key of the screen below it (after the user's keymap), what it does, and its id."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def binding_rows(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(where, keys, description, id) per action reachable from `screen`, keys merged, spectui's own first."""
    app = screen.app
    merged: dict[tuple[int, str], list] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        slot = (id(active.node), binding.action)
        display = app.get_key_display(Binding(key, binding.action))
        if slot in merged:
            merged[slot][1].append(display)
        else:
            merged[slot] = [_place(active.node, screen), [display], binding.tooltip or binding.description,
                            binding.id or ""]
    order = {"this screen": 0, "table": 1, "everywhere": 2}
    rows = [(where, ", ".join(keys), description, binding_id)
            for where, keys, description, binding_id in merged.values()]
    return sorted(rows, key=lambda row: (not row[3], order.get(row[0], 1)))


def _place(node, screen: Screen) -> str:
    if node is screen:
        return "this screen"
    if node is screen.app:
        return "everywhere"
    return "table"


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen it was opened from, with the screen's own notes."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("down,j", "scroll('down')", "Down", show=False),
        Binding("up,k", "scroll('up')", "Up", show=False),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = f"Keys · {self.target.title or 'spectui'}"
            body.border_subtitle = "escape closes"
            notes = getattr(self.target, "HELP", "")
            if notes:
                yield Static(notes, id="help-notes", markup=False)
            yield Static(self._table(), id="help-keys")

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("does")
        table.add_column("where", style="dim", no_wrap=True)
        table.add_column("keymap id", style="dim", no_wrap=True)
        rows = binding_rows(self.target)
        extra = [("this screen", keys, description, "")
                 for keys, description in getattr(self.target, "HELP_EXTRA", ())]
        screen_rows = sum(1 for row in rows if row[0] == "this screen" and row[3])
        for where, keys, description, binding_id in rows[:screen_rows] + extra + rows[screen_rows:]:
            table.add_row(Text(keys), description, where, binding_id)
        return table

    def action_scroll(self, direction: str) -> None:
        """Scroll the list."""
        body = self.query_one(VerticalScroll)
        body.scroll_down() if direction == "down" else body.scroll_up()
