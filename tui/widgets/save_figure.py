"""The save-figure prompt the plotting screens share: a fresh name in the working directory, written in a worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.worker import Worker, WorkerState

from spectui.core.errors import SpectuiError
from spectui.core.paths import user_path

from .prompt_bar import PromptBar

PURPOSE = "save figure"
HINT = "format by extension: .png, .pdf or .svg; bare names go in the working directory · escape cancels"


class SaveFigureBar(PromptBar):
    """A prompt bar that also asks for figure files, writes them in a worker and notifies where they went."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.writer: Callable[[Path], Path] | None = None
        self.overwrite: Path | None = None
        self.display = False

    def ask(self, stem: str, writer: Callable[[Path], Path]) -> None:
        """Offer a new PNG named after `stem`; on enter, `writer(path)` writes the figure in a worker."""
        from spectui.core.figures.screen_figures import default_figure_path

        self.writer, self.overwrite = writer, None
        self.open(PURPOSE, "save figure:", default_figure_path(stem).name, HINT)

    @on(PromptBar.Submitted)
    def _submitted(self, event: PromptBar.Submitted) -> None:
        from spectui.core.figures.files import check_figure_path

        if event.purpose != PURPOSE:
            return
        event.stop()
        text = event.value.strip()
        if not text:
            self._finish()
            return
        try:
            path = user_path(text)
            check_figure_path(path)
        except SpectuiError as exc:
            self._finish()
            self.app.report(exc)
            return
        if path.exists() and path != self.overwrite:
            self.overwrite = path
            self.say(f"{path} exists: enter again to overwrite it, or change the name", problem=True)
            return
        writer = self.writer
        self._finish()
        self.run_worker(lambda: self._write(writer, path), thread=True, group="save-figure",
                        exit_on_error=False, description="Saving a figure")

    @on(PromptBar.Cancelled)
    def _cancelled(self, event: PromptBar.Cancelled) -> None:
        if event.purpose != PURPOSE:
            return
        event.stop()
        self._finish()

    def _finish(self) -> None:
        self.close()
        self.writer = self.overwrite = None
        self.screen.set_focus(None)

    def _write(self, writer: Callable[[Path], Path], path: Path) -> None:
        written = writer(path)
        self.app.call_from_thread(self.app.notify, f"wrote {written.resolve()}", title="Figure saved")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report(event.worker.error)
