"""A fuzzy picker: type a few letters of a column, cut or run name and press Enter on the best match."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

MAX_SHOWN = 200


def fuzzy_ranked(query: str, choices: list[str],
                 search: FuzzySearch | None = None) -> list[tuple[str, tuple]]:
    """The choices matching `query` as (choice, matched offsets), best first; all of them when it is blank."""
    if not query.strip():
        return [(choice, ()) for choice in choices]
    search = search or FuzzySearch()
    scored = []
    for order, choice in enumerate(choices):
        score, offsets = search.match(query, choice)
        if score > 0:
            scored.append((-score, order, choice, tuple(offsets)))
    return [(choice, offsets) for _, _, choice, offsets in sorted(scored)]


class PickScreen(ModalScreen[str | None]):
    """Returns the chosen string, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="pick.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="pick.down"),
        Binding("up", "move(-1)", "Up", show=False, id="pick.up"),
    ]

    def __init__(self, title: str, choices: list[str], current: str | None = None, hint: str = "",
                 placeholder: str = "type a few letters to narrow the list") -> None:
        super().__init__()
        self.heading, self.choices, self.current, self.hint = title, list(choices), current, hint
        self.placeholder = placeholder
        self.shown: list[str] = []
        self._search = FuzzySearch()

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-dialog", classes="dialog") as dialog:
            dialog.border_title = self.heading
            yield Input(placeholder=self.placeholder, id="pick-query", compact=True)
            yield OptionList(id="pick-options")
            yield Label(self.hint or "enter: choose  ·  escape: cancel", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self._show("")
        if self.current in self.shown:
            self.query_one(OptionList).highlighted = self.shown.index(self.current)
        self.query_one(Input).focus()

    @on(Input.Changed, "#pick-query")
    def _narrow(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        ranked = fuzzy_ranked(query, self.choices, self._search)[:MAX_SHOWN]
        self.shown = [choice for choice, _ in ranked]
        options = self.query_one(OptionList)
        options.set_options([Option(_highlighted(choice, offsets)) for choice, offsets in ranked])
        if self.shown:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        """Move the highlight in the list while typing."""
        options = self.query_one(OptionList)
        if self.shown:
            options.highlighted = max(0, min(len(self.shown) - 1, (options.highlighted or 0) + step))

    @on(Input.Submitted, "#pick-query")
    def _submitted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.shown):
            self.dismiss(self.shown[highlighted])

    @on(OptionList.OptionSelected, "#pick-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])


def _highlighted(choice: str, offsets: tuple) -> Text:
    text = Text(choice, no_wrap=True, overflow="ellipsis")
    for offset in offsets:
        text.stylize("bold reverse", offset, offset + 1)
    return text
