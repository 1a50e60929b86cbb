"""The exposure selection dialog: nights, dispersers, filters, targets; returns a new ExposureSelection."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, SelectionList
from textual.worker import Worker, WorkerState

from spectui.core.butler.exposures import ExposureSelection, parse_day_obs
from spectui.core.errors import BadInput, SpectuiError


class QueryScreen(ModalScreen[ExposureSelection | None]):
    """Edits an ExposureSelection; the repository's dispersers and filters are offered as tick lists."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="query.cancel")]

    def __init__(self, selection: ExposureSelection) -> None:
        super().__init__()
        self.selection = selection

    def compose(self) -> ComposeResult:
        s = self.selection
        with Vertical(id="query-dialog", classes="dialog") as dialog:
            dialog.border_title = "Exposure selection"
            with Horizontal(classes="query-row"):
                yield Label("nights from ")
                yield Input(str(s.since or ""), placeholder="YYYYMMDD", id="since", compact=True)
                yield Label(" to ")
                yield Input(str(s.until or ""), placeholder="YYYYMMDD", id="until", compact=True)
            with Horizontal(id="query-lists"):
                with Vertical():
                    yield Label("dispersers (none ticked: holo4*)")
                    yield SelectionList[str](id="dispersers")
                with Vertical():
                    yield Label("filters (none ticked: every one)")
                    yield SelectionList[str](id="filters")
            with Horizontal(classes="query-row"):
                yield Label("targets ")
                yield Input(", ".join(s.targets), placeholder="comma-separated, empty: every target",
                            id="targets", compact=True)
            yield Checkbox("every observation type, not only science", s.all_types, id="all-types",
                           compact=True)
            yield Label("", id="query-problem", classes="problem", markup=False)
            with Horizontal(classes="query-row"):
                yield Button("Run query", id="run-query", compact=True)
                yield Label("  enter runs · space ticks · tab moves · escape cancels",
                            classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#since", Input).focus()
        self._load_choices()

    @work(thread=True, exit_on_error=False, group="query-choices", description="Reading the filters")
    def _load_choices(self) -> None:
        from spectui.core.butler.exposure_choices import exposure_choices

        with self.app.butler() as butler:
            dispersers, filters = exposure_choices(butler)
        self.app.call_from_thread(self._show_choices, dispersers, filters)

    def _show_choices(self, dispersers: list[str], filters: list[str]) -> None:
        for list_id, values, chosen in (("#dispersers", dispersers, self.selection.dispersers),
                                        ("#filters", filters, self.selection.filters)):
            widget = self.query_one(list_id, SelectionList)
            widget.add_options([(value, value, value in chosen) for value in values])

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report(event.worker.error)

    @on(Input.Submitted)
    @on(Button.Pressed, "#run-query")
    def _run(self) -> None:
        try:
            self.dismiss(self._selection())
        except SpectuiError as exc:
            self.query_one("#query-problem", Label).update(exc.message)

    def _selection(self) -> ExposureSelection:
        since = self._day("#since", "nights from")
        until = self._day("#until", "nights to")
        if since is not None and until is not None and since > until:
            raise BadInput(f"the first night {since} is after the last night {until}.")
        targets = tuple(t.strip() for t in self.query_one("#targets", Input).value.split(",") if t.strip())
        return replace(self.selection, since=since, until=until,
                       dispersers=tuple(self.query_one("#dispersers", SelectionList).selected),
                       filters=tuple(self.query_one("#filters", SelectionList).selected), targets=targets,
                       all_types=self.query_one("#all-types", Checkbox).value)

    def _day(self, field_id: str, what: str) -> int | None:
        text = self.query_one(field_id, Input).value.strip()
        return parse_day_obs(text, what) if text else None
