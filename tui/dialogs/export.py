"""The export dialog: the view or the selection, a file path (format by extension), no silent overwrite."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from spectui.core.errors import SpectuiError
from spectui.core.paths import user_path
from spectui.core.tables.views import default_export_path, plural

from .confirm import ConfirmScreen


@dataclass(frozen=True)
class ExportRequest:
    """What to write and where."""

    path: Path
    selection: bool


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Asks what to export and where; returns the request, or None when cancelled."""

    AUTO_FOCUS = "#export-path"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export.cancel")]

    def __init__(self, stem: str, rows: int, selected: int, directory: Path | None = None) -> None:
        super().__init__()
        self.stem, self.rows, self.selected = stem, rows, selected
        self.directory = directory or Path.cwd()
        self.default_path = self._default(False)

    def _default(self, selection: bool) -> str:
        """A new file in the working directory, shown by name alone (relative paths start from there)."""
        return default_export_path(self.directory, f"{self.stem}-selection" if selection else self.stem).name

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog") as dialog:
            dialog.border_title = "Export"
            with RadioSet(id="export-scope"):
                yield RadioButton(f"the view: {plural(self.rows, 'row')}", value=True, id="scope-view")
                yield RadioButton(f"the selection: {plural(self.selected, 'row')}", id="scope-selection",
                                  disabled=not self.selected)
            yield Label("File (.csv/.parquet/.json; bare names go in the working directory):")
            yield Input(self.default_path, id="export-path", select_on_focus=False, compact=True)
            yield Label("", id="export-problem", classes="problem", markup=False)
            yield Label("enter writes · shift+tab: view or selection · escape cancels", classes="dialog-hint")

    @property
    def exports_selection(self) -> bool:
        """True when the selection (not the view) is chosen."""
        return self.query_one("#scope-selection", RadioButton).value

    @on(RadioSet.Changed)
    def _scope_changed(self) -> None:
        field = self.query_one("#export-path", Input)
        if field.value == self.default_path:
            self.default_path = self._default(self.exports_selection)
            field.value = self.default_path
            field.cursor_position = len(field.value)

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        from spectui.core.tables.table_io import check_output_path

        text = event.value.strip()
        if not text:
            self._problem("give a file name, e.g. exposures.csv")
            return
        try:
            path = self.directory / user_path(text)
            check_output_path(path)
        except SpectuiError as exc:
            self._problem(exc.message)
            return
        request = ExportRequest(path, self.exports_selection)
        if path.exists():
            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss(request)
                else:
                    self._problem(f"{path.name} exists: choose another name, or confirm to overwrite")
            self.app.push_screen(ConfirmScreen(f"{path} exists. Overwrite it?"), answered)
            return
        self.dismiss(request)

    def _problem(self, message: str) -> None:
        self.query_one("#export-problem", Label).update(message)
