"""The extraction screen: the current collection to a table file, with progress and failures as they come."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, ProgressBar
from textual.worker import Worker, WorkerState

from spectui.core.errors import BadInput, Cancelled, SpectuiError
from spectui.core.paths import user_path
from spectui.core.tables.views import plural

from ..dialogs.confirm import ConfirmScreen
from ..dialogs.resume import ResumeScreen
from ..widgets.context_header import ContextHeader
from ..widgets.row_table import RowTable
from .base import SpectuiScreen, reports_errors
from .extraction_job import ExtractionEnded, ExtractionJob, ExtractionProgressed, duration

GROUP = "extraction"
PHASES = {"query": "finding the collection's datasets", "read": "reading files",
          "fetch": "resolving URLs on the server and reading files", "write": "writing the table", "done": "done"}


def default_workers() -> int:
    """As many worker processes as cores, at most 8 (as the command line does)."""
    return min(8, os.cpu_count() or 1)


def shown_path(path: Path) -> str:
    """A path relative to the working directory when it is inside it, else as given."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def stopped_line(job: ExtractionJob) -> str:
    """What a stopped extraction kept, said for the app (the command line's words name --resume)."""
    from spectui.core.analysis.result_files import saved_visits

    saved = saved_visits(job.output)
    if not saved:
        return "nothing was read yet."
    return f"{plural(saved, 'visit')} read and kept; enter resumes."


class ExtractionScreen(SpectuiScreen):
    """Starts, shows and stops one extraction at a time; it goes on while the user is on other screens."""

    HELP = ("Extracts every visit of the current collection (spectrum header and both fits) into one table "
            "file, one row per visit. The output is proposed from the run registry (its extracted file) or "
            "named after the collection, in the working directory; e edits it and w the number of workers (enter or "
            "escape leaves the field). c chooses the collection here, from the Collections screen's list (part of a "
            "name or a glob, as there). Enter starts; escape asks, then stops, "
            "keeping what was read: starting again offers to resume. The extraction goes on if you leave "
            "this screen (its progress is in the header); when it is done the table opens, and o opens it "
            "again.")
    BINDINGS = [
        Binding("enter", "start", "Start", tooltip="Start extracting the current collection",
                id="extraction.start"),
        Binding("c", "pick_collection", "Collection", tooltip="Choose the collection to extract", show=False,
                id="extraction.collection"),
        Binding("o", "open_result", "Open result", tooltip="Open the extracted table", id="extraction.open"),
        Binding("e", "edit('#extract-output')", "Edit output", tooltip="Edit the output file name",
                id="extraction.edit_output"),
        Binding("w", "edit('#extract-workers')", "Workers", tooltip="Edit the number of worker processes",
                id="extraction.edit_workers"),
        Binding("escape", "stop_or_back", "Stop/back", id="extraction.stop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Extraction"
        self.job: ExtractionJob | None = None
        self.result = None
        self.proposed_for: tuple | None = None
        self.shown_failures = 0

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        with Vertical(id="extract-form"):
            yield Label("", id="extract-collection", classes="status-line", markup=False)
            with Horizontal(classes="form-row"):
                yield Label(" output  ")
                yield Input(id="extract-output", compact=True, select_on_focus=False)
            with Horizontal(classes="form-row"):
                yield Label(" workers ")
                yield Input(str(default_workers()), id="extract-workers", type="integer", compact=True,
                            max_length=3)
                yield Label("  processes reading files (1: in this process)", classes="dialog-hint")
        yield Label("", id="extract-phase", markup=False)
        yield ProgressBar(id="extract-bar", show_eta=False)
        yield Label("", id="extract-rates", classes="status-line", markup=False)
        yield Label(" failures", id="extract-failures-title", markup=False)
        table = RowTable(id="extract-failures", cursor_type="row", zebra_stripes=True)
        table.add_columns("visit", "reason")
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#extract-bar", ProgressBar).display = False
        self.query_one("#extract-failures", RowTable).focus()
        self._phase("enter starts the extraction")

    def on_screen_resume(self) -> None:
        source = (self.app.collection, self.app.run_name)
        if self.job is None or self.job.ended:
            if source != self.proposed_for:
                self._propose(*source)

    def on_unmount(self) -> None:
        if self.job is not None and not self.job.ended:
            self.job.cancel.set()

    def _propose(self, collection: str | None, run_name: str | None) -> None:
        from spectui.core.analysis.result_files import proposed_output

        self.proposed_for = (collection, run_name)
        label = self.query_one("#extract-collection", Label)
        if not collection:
            label.update(" no collection chosen: c picks one (or the Collections screen, 1)")
            return
        label.update(f" collection {collection}" + (f"  ·  run {run_name}" if run_name else "") + "  ·  c: another")
        try:
            output = shown_path(proposed_output(collection, run_name))
        except SpectuiError as exc:
            self.app.report(exc)
            return
        field = self.query_one("#extract-output", Input)
        field.value = output
        field.cursor_position = len(output)

    # Starting

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_result":
            return True if self.result is not None else None
        if action == "start":
            return True if self.job is None or self.job.ended else None
        return True

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    @reports_errors
    def action_start(self) -> None:
        """Check the form, ask about a checkpoint or an existing file, then start."""
        from spectui.core.analysis.result_files import saved_visits
        from spectui.core.tables.table_io import check_output_path

        if self.job is not None and not self.job.ended:
            raise BadInput("an extraction is running: stop it first (escape).")
        collection = self.app.collection
        if not collection:
            raise BadInput("no collection chosen: c picks one (or the Collections screen, 1).")
        text = self.query_one("#extract-output", Input).value.strip()
        if not text:
            raise BadInput("give an output file, e.g. results.parquet.")
        output = user_path(text)
        check_output_path(output)
        workers = self._workers()
        saved = saved_visits(output)
        if saved is not None:
            self.app.push_screen(ResumeScreen(shown_path(output), saved),
                                 lambda choice: self._resume_answer(choice, collection, output, workers))
        elif output.exists():
            job = ExtractionJob(collection, output, workers, False)
            self.app.push_screen(ConfirmScreen(f"Replace {shown_path(output)}?"),
                                 lambda yes: yes and self.begin(job))
        else:
            self.begin(ExtractionJob(collection, output, workers, False))

    def _workers(self) -> int:
        text = self.query_one("#extract-workers", Input).value.strip()
        if not text.isdigit() or int(text) < 1:
            raise BadInput(f"workers must be a whole number of at least 1 (got {text!r}).")
        return int(text)

    @reports_errors
    def _resume_answer(self, choice: str | None, collection: str, output: Path, workers: int) -> None:
        from spectui.core.analysis.result_files import discard_checkpoint

        if choice is None:
            return
        if choice == "restart":
            discard_checkpoint(output)
        self.begin(ExtractionJob(collection, output, workers, resume=choice == "resume"))

    def begin(self, job: ExtractionJob) -> None:
        """Start `job` in a thread worker."""
        self.job, self.shown_failures = job, 0
        self.query_one("#extract-failures", RowTable).clear()
        bar = self.query_one("#extract-bar", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#extract-rates", Label).update("")
        self._phase(f"{'resuming' if job.resume else 'starting'}: {PHASES['query']}…")
        self.query_one("#extract-failures", RowTable).focus()
        self._announce(job.summary())
        self.refresh_bindings()
        self.run_worker(lambda: self._extract(job), thread=True, group=GROUP, exit_on_error=False,
                        description="Extracting")

    def _extract(self, job: ExtractionJob) -> None:
        from spectui.core.extraction.extract import extract

        def progressed(progress) -> None:
            job.record(progress)
            self.post_message(ExtractionProgressed(job))

        try:
            result = extract(self.app.repo, job.collection, job.output, workers=job.workers,
                             resume=job.resume, progress=progressed, cancel=job.cancel)
        except Cancelled:
            self.post_message(ExtractionEnded(job, stopped=stopped_line(job)))
            return
        except SpectuiError as exc:
            self.post_message(ExtractionEnded(job, error=exc))
            return
        self.post_message(ExtractionEnded(job, result=result))

    # Progress

    def on_extraction_progressed(self, message: ExtractionProgressed) -> None:
        job, p = message.job, message.job.progress
        if job is not self.job or p is None or job.ended:
            return
        if p.reading:
            bar = self.query_one("#extract-bar", ProgressBar)
            bar.update(total=max(p.total, 1), progress=p.done)
            self._phase(f"{PHASES[p.phase]}: {p.done:,} of {p.total:,} visits")
            self.query_one("#extract-rates", Label).update(
                f" {p.rate:,.0f} visits/s  ·  ETA {duration(p.eta)}  ·  elapsed {duration(p.elapsed)}  ·  "
                f"ok {p.ok:,}  ·  partial {p.partial:,}  ·  failed {p.failed:,}")
        elif not job.cancel.is_set():
            self._phase(f"{PHASES.get(p.phase, p.phase)}…")
        self._add_failures(job.failures())
        self._announce(job.summary())

    def _add_failures(self, failures: list[tuple[int, str]]) -> None:
        table = self.query_one("#extract-failures", RowTable)
        for visit, reason in failures[self.shown_failures:]:
            table.add_row(str(visit), Text(reason))
        self.shown_failures = max(self.shown_failures, len(failures))
        self.query_one("#extract-failures-title", Label).update(f" failures: {self.shown_failures:,}")

    def on_extraction_ended(self, message: ExtractionEnded) -> None:
        job = message.job
        job.ended = True
        self._announce("")
        self.refresh_bindings()
        if message.error is not None:
            self._phase(f"failed: {getattr(message.error, 'message', message.error)}")
            self.app.report(message.error)
            return
        if message.stopped:
            self._phase(f"stopped: {message.stopped}")
            self.app.notify(f"Extraction stopped: {message.stopped}", title="Extraction", timeout=10)
            return
        self._finished(job, message.result)

    def _finished(self, job: ExtractionJob, result) -> None:
        self.result = result
        failures = result.failures
        failed = failures[failures["status"] == "failed"]
        self.shown_failures = 0
        self.query_one("#extract-failures", RowTable).clear()
        self._add_failures(list(zip(failed["id"].tolist(), failed["error"].tolist())))
        bar = self.query_one("#extract-bar", ProgressBar)
        bar.update(total=max(len(result.frame), 1), progress=len(result.frame))
        where = shown_path(result.output) if result.output else "memory"
        resumed = f" ({result.resumed:,} from the checkpoint)" if result.resumed else ""
        summary = (f"{len(result.frame):,} visits{resumed}: {result.ok:,} ok, {result.partial:,} partial, "
                   f"{result.failed:,} failed, in {duration(result.seconds)}")
        self._phase(f"done: {summary} → {where}")
        self.app.notify(f"Extracted {summary} to {where}.", title="Extraction done", timeout=10)
        if self.app.screen is self:
            self.action_open_result()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker.group == GROUP and event.state == WorkerState.ERROR and self.job is not None:
            self.job.ended = True
            self._announce("")
            self._phase("failed (see the message)")
            self.refresh_bindings()

    def _phase(self, text: str) -> None:
        self.query_one("#extract-phase", Label).update(f" {text}")

    def _announce(self, text: str) -> None:
        """Show the extraction's state in the header of every screen."""
        self.app.activity = text

    @reports_errors
    def action_pick_collection(self) -> None:
        """Choose the collection to extract from the repository's collections, as the Collections screen lists them."""
        from spectui.core.butler.collection_choice import collection_names

        from ..dialogs.collection_choice import CollectionPickScreen

        if self.job is not None and not self.job.ended:
            raise BadInput("an extraction is running: stop it first (escape).")
        collections = self.app.get_default_screen()
        names = collection_names(self.app.repo, collections.everything)
        if not names:
            raise BadInput("no collections read yet: the Collections screen (1) reads them.")
        self.app.push_screen(CollectionPickScreen(names, self.app.collection), self._collection_picked)

    def _collection_picked(self, name: str | None) -> None:
        if name is not None:
            self.app.get_default_screen().use(name, open_exposures=False)
            self._propose(name, None)

    # Stopping and results

    def action_edit(self, field: str) -> None:
        """Put the cursor in a field of the form (escape or enter gives the keys back to the screen)."""
        self.query_one(field, Input).focus()

    def action_stop_or_back(self) -> None:
        """In a field: leave it. While extracting: ask, then stop (keeping what was read). Otherwise go back."""
        if isinstance(self.focused, Input):
            self.query_one("#extract-failures", RowTable).focus()
            return
        job = self.job
        if job is None or job.ended:
            self.app.go_back()
            return
        if job.cancel.is_set():
            return

        def answered(yes: bool | None) -> None:
            if yes and not job.ended:
                job.cancel.set()
                self._phase("stopping: finishing the files being read and saving them…")
                self._announce(job.summary())

        question = "Stop the extraction? What was read is kept; starting again resumes."
        self.app.push_screen(ConfirmScreen(question), answered)

    def action_open_result(self) -> None:
        """Open the extracted table (same keys as the exposures table; Enter shows a spectrum)."""
        from .results import ResultsScreen

        result = self.result
        if result is None:
            return
        stem = result.output.stem if result.output else "results"
        self.app.push_screen(ResultsScreen(result.frame, collection=self.job.collection if self.job else None,
                                           title=f"Results: {stem}", export_stem=stem))
