"""Asks what to do with an interrupted extraction's checkpoint: resume it, start over, or not start."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


class ResumeScreen(ModalScreen[str | None]):
    """Returns 'resume', 'restart', or None."""

    BINDINGS = [
        Binding("r,enter", "dismiss('resume')", "Resume", id="resume.resume"),
        Binding("o", "dismiss('restart')", "Start over", id="resume.restart"),
        Binding("escape,n", "dismiss(None)", "Cancel", id="resume.cancel"),
    ]

    def __init__(self, output: str, saved: int) -> None:
        super().__init__()
        self.output, self.saved = output, saved

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-dialog", classes="dialog") as dialog:
            dialog.border_title = "Interrupted extraction"
            yield Label(f"An earlier extraction to {self.output} stopped after saving {self.saved:,} visits.",
                        markup=False)
            yield Label("r / enter: resume it   o: start over (deleting the saved visits)   escape: cancel",
                        classes="dialog-hint")
