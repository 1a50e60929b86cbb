"""The exposures screen: the selected exposures from the Butler in a fast table, re-queried in a worker."""

from __future__ import annotations

import threading

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label
from textual.worker import Worker, WorkerState, get_current_worker

from spectui.core.errors import SpectuiError
from spectui.core.exposure_choices import describe_selection
from spectui.core.exposures import ExposureSelection

from .busy_line import BusyLine
from .fast_table import DisplayTable
from .long_lived import freeze_long_lived_objects
from .query_screen import QueryScreen
from .table_screen import TableScreen

QUERY_GROUP = "exposures-query"
PAINT_WAIT = 1.0
"""Seconds the query waits for the saved list to be drawn before opening the Butler (whose import hogs the CPU)."""


class ExposuresScreen(TableScreen):
    """Lists the exposures of the current selection (science hologram exposures at first)."""

    HELP = ("The exposures of the selection shown above the table; r changes the nights, dispersers and "
            "filters and queries the Butler again (escape cancels a running query). While the Butler "
            "answers, the list saved the last time this selection was shown is on screen, marked as such."
            "\n\n"
            + TableScreen.HELP)
    BINDINGS = [
        Binding("r", "query", "Query", id="exposures.query",
                tooltip="Choose nights, dispersers, filters and query the Butler again"),
    ]

    export_stem = "exposures"

    def __init__(self) -> None:
        super().__init__(title="Exposures")
        self.selection = ExposureSelection()
        self.loading_selection: ExposureSelection | None = None
        self.query_worker: Worker | None = None
        self.saved_at = None

    def compose_top(self) -> ComposeResult:
        yield Label("", id="selection-line", classes="status-line", markup=False)
        yield BusyLine(id="busy")

    def on_mount(self) -> None:
        self.load(self.selection)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "query":
            return True
        return super().check_action(action, parameters)

    def action_query(self) -> None:
        """Edit the selection, then query the Butler with it."""
        self.app.push_screen(QueryScreen(self.selection), lambda chosen: chosen and self.load(chosen))

    def load(self, selection: ExposureSelection) -> None:
        """Query the exposures of `selection` in a worker; meanwhile show the list saved last time, if any."""
        self.loading_selection = selection
        self.query_one(BusyLine).start(f"querying the Butler: {describe_selection(selection)}")
        self.query_worker = self.run_worker(lambda: self._run_query(selection), thread=True, exclusive=True,
                                            group=QUERY_GROUP, exit_on_error=False,
                                            description="Querying exposures")

    def _run_query(self, selection: ExposureSelection) -> None:
        from spectui.core import exposure_cache
        from spectui.core.exposures import query_exposures

        worker = get_current_worker()
        saved = exposure_cache.load_saved(self.app.repo, selection)
        if saved is not None and not worker.is_cancelled:
            frame, saved_at = saved
            painted = threading.Event()
            self.app.call_from_thread(self._loaded, selection, frame, DisplayTable(frame), saved_at)
            self.app.call_from_thread(self.call_after_refresh, painted.set)
            painted.wait(PAINT_WAIT)
        with self.app.butler() as butler:
            frame = query_exposures(butler, selection)
        display = DisplayTable(frame)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, selection, frame, display, None)
        try:
            exposure_cache.save(self.app.repo, selection, frame)
        except (SpectuiError, OSError) as exc:
            self.app.log.warning(f"the exposure list was not saved for next time: {exc}")

    def _loaded(self, selection: ExposureSelection, frame, display: DisplayTable, saved_at) -> None:
        """Show exposures: the Butler's answer, or (with `saved_at`) the list saved last time meanwhile."""
        from spectui.core.views import TableView

        self.selection, self.saved_at = selection, saved_at
        first = self.view is None
        if saved_at is None:
            self.loading_selection = None
            self.query_one(BusyLine).stop()
        else:
            self.query_one(BusyLine).start(f"showing the list saved {saved_at:%Y-%m-%d %H:%M}; asking the "
                                           f"Butler for {describe_selection(selection)}")
        if self.view is None:
            self.display_table, self.view = display, TableView(frame, key="id")
            self.redraw()
        else:
            with self.changing_view():
                self.display_table = display
                try:
                    self.view.replace_base(frame)
                except SpectuiError as exc:
                    self.app.report(exc)
        self._show_selection(self._describe())
        self.refresh_bindings()
        if first:
            freeze_long_lived_objects()

    def _describe(self) -> str:
        text = describe_selection(self.selection)
        if self.saved_at is None:
            return text
        return f"{text}  ·  saved {self.saved_at:%Y-%m-%d %H:%M}, not yet refreshed"

    def _show_selection(self, text: str) -> None:
        self.query_one("#selection-line", Label).update(f" {text}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self.query_worker and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._query_ended("query cancelled" if event.state == WorkerState.CANCELLED else "")

    def _query_ended(self, note: str) -> None:
        self.loading_selection = None
        self.query_one(BusyLine).stop()
        self._show_selection(self._describe() if self.view is not None else "no exposures loaded")
        self.update_status(note)

    def action_back(self) -> None:
        """Escape: cancel a running query, else as on any table."""
        if self.loading_selection is not None:
            self.workers.cancel_group(self, QUERY_GROUP)
            shown = "the list saved earlier" if self.saved_at else "the previous exposures"
            self.app.notify(f"Query cancelled; the table shows {shown}.", title="Cancelled", markup=False)
            return
        super().action_back()
