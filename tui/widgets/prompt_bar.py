"""A one-line prompt at the bottom of a screen (search, filter), with a line below for hints and problems."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label


class PromptBar(Vertical):
    """Asks for a line of text for a named purpose; posts Changed, Submitted and Cancelled with it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    @dataclass
    class Changed(Message):
        """The text changed while the prompt is open."""

        purpose: str
        value: str

    @dataclass
    class Submitted(Message):
        """Enter was pressed."""

        purpose: str
        value: str

    @dataclass
    class Cancelled(Message):
        """Escape was pressed."""

        purpose: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.purpose = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="prompt-line"):
            yield Label("", id="prompt-label", markup=False)
            yield Input(compact=True, id="prompt-input", select_on_focus=False)
        yield Label("", id="prompt-message", markup=False)

    def open(self, purpose: str, label: str, value: str = "", hint: str = "") -> None:
        """Show the prompt for `purpose` with `value` in it, focused."""
        self.purpose = purpose
        self.query_one("#prompt-label", Label).update(label)
        field = self.query_one(Input)
        with field.prevent(Input.Changed):
            field.value = value
        field.cursor_position = len(value)
        self.say(hint)
        self.display = True
        field.focus()

    def close(self) -> None:
        """Hide the prompt."""
        self.display = False
        self.purpose = ""

    @property
    def is_open(self) -> bool:
        """True while the prompt is shown."""
        return bool(self.display)

    def say(self, message: str, problem: bool = False) -> None:
        """Show a hint (or a problem) under the input."""
        line = self.query_one("#prompt-message", Label)
        line.update(message)
        line.set_class(problem, "-problem")

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.purpose:
            self.post_message(self.Changed(self.purpose, event.value))

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.purpose:
            self.post_message(self.Submitted(self.purpose, event.value))

    def action_cancel(self) -> None:
        """Close without using the text."""
        if self.purpose:
            self.post_message(self.Cancelled(self.purpose))
