"""The exposures screen: the selected exposures from the Butler in a fast table, re-queried in a worker."""

from __future__ import annotations

import threading

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label
from textual.worker import Worker, WorkerState, get_current_worker

from spectui.core.butler.exposure_choices import describe_selection
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.errors import Cancelled, SpectuiError

from ..dialogs.query import QueryScreen
from ..long_lived import freeze_long_lived_objects
from ..widgets.arrow_display import ArrowDisplay
from ..widgets.busy_line import BusyLine
from ..widgets.fast_table import FastTable
from .table import TableScreen

QUERY_GROUP = "exposures-query"
PAINT_WAIT = 1.0
"""Seconds the query waits for the saved list to be drawn before importing pandas or the Butler (CPU hogs)."""


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
        Binding("enter", "row_details", "Details", show=False, id="exposures.row_details"),
    ]

    export_stem = "exposures"

    def __init__(self) -> None:
        super().__init__(title="Exposures")
        self.selection = ExposureSelection()
        self.loading_selection: ExposureSelection | None = None
        self.query_worker: Worker | None = None
        self.saved_at = None
        self.launched = None
        self.preloaded = None

    def compose_top(self) -> ComposeResult:
        yield Label("", id="selection-line", classes="status-line", markup=False)
        yield BusyLine(id="busy")

    def compose_table(self) -> ComposeResult:
        """The list saved by the last launch, when the launch has read it: there from the very first frame."""
        self.preloaded = self.app.take_saved_list(self.selection)
        if self.preloaded is not None:
            yield FastTable(self.preloaded[2].every_row(), fixed_columns=2)

    def on_mount(self) -> None:
        preloaded = self.preloaded
        self.load(self.selection)
        if preloaded is not None:
            _, self.saved_at, display = preloaded
            self.table.focus()
            self.table.move_cursor(column=1)
            self.update_status(f"{display.table.num_rows:,} rows")
            self._say_saved(self.selection, self.saved_at)

    def on_unmount(self) -> None:
        if self.launched is not None:
            self.launched.cancel()

    @property
    def view_coming(self) -> bool:
        """A query runs, or rows are on screen before their view (which always follows them, even after Escape)."""
        return self.loading_selection is not None or (self.view is None and self.table is not None)

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
        self.launched = self.app.take_launch_query(selection)
        launched, preloaded, self.preloaded = self.launched, self.preloaded, None
        self.query_worker = self.run_worker(lambda: self._run_query(selection, launched, preloaded),
                                            thread=True, exclusive=True, group=QUERY_GROUP, exit_on_error=False,
                                            description="Querying exposures")

    def _run_query(self, selection: ExposureSelection, launched, preloaded) -> None:
        """Show the saved list (drawn from Arrow before pandas is imported), then the Butler's answer.

        `launched` is the query the launch started in a process of its own, when it asked for this selection, and
        `preloaded` the saved list the launch read (already on screen); the saved list is shown even when the
        query is cancelled, unless a newer `load` replaced this one. Results come back as `Delivered` messages.
        """
        from spectui.core.butler import exposure_cache

        worker = get_current_worker()
        saved = preloaded[:2] if preloaded is not None else exposure_cache.load_saved(self.app.repo, selection)
        if preloaded is not None:
            table, saved_at, display = preloaded
            self._wait_for_paint()
            self.deliver(self._loaded, selection, table.to_pandas(), display, saved_at, cancelled_too=True)
        elif saved is not None:
            self._present(selection, *saved)
        if launched is not None:
            if saved is None:
                import pandas  # noqa: F401  (loaded while the query process works, rather than after its answer)
            try:
                table = launched.result()
            except Cancelled:
                if worker.is_cancelled:
                    return
                raise
            if not worker.is_cancelled:
                self._present(selection, table, None)
            self.deliver(self.app.warm_up, cancelled_too=True)
            return
        import pyarrow as pa

        from spectui.core.butler.exposures import query_exposures

        with self.app.butler() as butler:
            frame = query_exposures(butler, selection)
        if not worker.is_cancelled:
            self._present(selection, pa.Table.from_pandas(frame, preserve_index=False), None, frame)
            self.deliver(self.app.warm_up)
        try:
            exposure_cache.save(self.app.repo, selection, frame)
        except (SpectuiError, OSError) as exc:
            self.app.log.warning(f"the exposure list was not saved for next time: {exc}")

    def _present(self, selection: ExposureSelection, table, saved_at, frame=None) -> None:
        """From the worker: draw `table` at once when nothing is shown yet, then make it the view (pandas).

        A saved list (with `saved_at`), and rows when none are shown yet, are delivered even once the query is
        cancelled: rows drawn always get their view.
        """
        display = ArrowDisplay(table)
        keep = saved_at is not None or self.view is None
        if self.view is None:
            self.deliver(self._show_rows, display, saved_at, cancelled_too=True)
            self._wait_for_paint()
        frame = table.to_pandas() if frame is None else frame
        self.deliver(self._loaded, selection, frame, display, saved_at, cancelled_too=keep)

    def _wait_for_paint(self) -> None:
        """From the worker: wait (a while) for the frame that shows what was delivered so far."""
        painted = threading.Event()
        self.deliver(self.call_after_refresh, painted.set, cancelled_too=True)
        painted.wait(PAINT_WAIT)

    def _show_rows(self, display: ArrowDisplay, saved_at) -> None:
        """Draw the rows before the view exists (the keys that need the view wait for it)."""
        if self.view is not None:
            return
        self.mount_table(display.every_row())
        if self.loading_selection is not None and saved_at is not None:
            self._say_saved(self.loading_selection, saved_at)
        self.update_status(f"{display.table.num_rows:,} rows")

    def _say_saved(self, selection: ExposureSelection, saved_at) -> None:
        """Say that the list shown is the one saved at `saved_at`, and that the Butler is being asked."""
        self.query_one(BusyLine).start(f"showing the list saved {saved_at:%Y-%m-%d %H:%M}; asking the Butler "
                                       f"for {describe_selection(selection)}")
        self._show_selection(self._describe(selection, saved_at))

    def _loaded(self, selection: ExposureSelection, frame, display: ArrowDisplay, saved_at) -> None:
        """Show exposures: the Butler's answer, or (with `saved_at`) the list saved last time meanwhile.

        Nothing changes for a saved list once its query was cancelled while other exposures are shown.
        """
        from spectui.core.tables.views import TableView

        if saved_at is not None and self.loading_selection is None and self.view is not None:
            return
        self.selection, self.saved_at = selection, saved_at
        first = self.view is None
        if saved_at is None:
            self.loading_selection = None
            self.launched = None
            self.query_one(BusyLine).stop()
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
        if self.loading_selection is not None:
            self._say_saved(selection, saved_at)
        else:
            self._show_selection(self._describe(selection, saved_at))
        self.refresh_bindings()
        if first:
            freeze_long_lived_objects()

    @staticmethod
    def _describe(selection: ExposureSelection, saved_at) -> str:
        text = describe_selection(selection)
        return text if saved_at is None else f"{text}  ·  saved {saved_at:%Y-%m-%d %H:%M}, not yet refreshed"

    def _show_selection(self, text: str) -> None:
        self.query_one("#selection-line", Label).update(f" {text}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self.query_worker and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._query_ended("query cancelled" if event.state == WorkerState.CANCELLED else "")

    def _query_ended(self, note: str) -> None:
        self.loading_selection = None
        self.query_one(BusyLine).stop()
        described = self._describe(self.selection, self.saved_at) if self.view is not None else None
        self._show_selection(described or "no exposures loaded")
        self.update_status(note)

    def action_back(self) -> None:
        """Escape: cancel a running query, else as on any table."""
        if self.loading_selection is not None:
            self.workers.cancel_group(self, QUERY_GROUP)
            if self.launched is not None:
                self.launched.cancel()
            shown = "the list saved earlier" if self.saved_at else "the previous exposures"
            self.app.notify(f"Query cancelled; the table shows {shown}.", title="Cancelled", markup=False)
            return
        super().action_back()
