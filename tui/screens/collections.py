"""The collections screen: a live glob search over collections and registered runs, details and counts."""

from __future__ import annotations

import contextlib
import getpass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from spectui.core.analysis.runs import Run
from spectui.core.butler.collection_search import same_repo, search_pattern
from spectui.core.butler.collections import SPECTRACTOR_TYPES, CollectionSummary
from spectui.core.errors import SpectuiError
from spectui.core.tables.views import plural

from ..widgets.context_header import ContextHeader
from ..widgets.row_list import RowList
from .base import SpectuiScreen

COLUMNS = (" ", "type", "spectractor", "collection")
DETAIL_DELAY = 0.2
SUMMARY_ROWS = 60
"""Rows around the cursor whose dataset types are looked up (a screenful and more)."""


def holds_spectractor(summary: CollectionSummary) -> bool:
    """Whether the collection's summary lists Spectractor outputs (counted or not)."""
    return any(summary.dataset_types.get(t, 0) != 0 for t in SPECTRACTOR_TYPES)


def run_label(run: Run) -> str:
    """A registered run's name cell: its name and collection."""
    return f"run: {run.name} → {run.collection or '(files only)'}"


class CollectionsScreen(SpectuiScreen):
    """Search collections and runs; Enter makes the highlighted one current and opens the exposures."""

    HELP = ("The repository's collections are read once (r reads them again) and searched here as you type. "
            "/ edits the search: a glob such as u/dagoret/* (comma-separated for several; text without * or ? "
            "matches anywhere in the name), case-sensitive like the Butler (i toggles); enter or escape returns "
            "to the list. In a repository of thousands of collections the search starts on your own "
            "(u/$USER/*); a shows them all. Registered runs (spectui runs) that match come first, as run: NAME. "
            "The details below count the datasets of the highlighted collection.")
    BINDINGS = [
        Binding("enter", "use", "Use collection", tooltip="Make the highlighted collection the current one",
                id="collections.use"),
        Binding("slash", "focus_search", "Search", tooltip="Edit the collection search",
                id="collections.search"),
        Binding("a", "show_all", "All", tooltip="Clear the search: every collection", id="collections.all"),
        Binding("i", "toggle_case", "Case", tooltip="Search with or without regard to case",
                id="collections.case"),
        Binding("r", "reload", "Reload", tooltip="Read the repository's collections again",
                id="collections.reload"),
        Binding("down", "focus_results", "Results", show=False, id="collections.results"),
        Binding("escape", "focus_results", "Results", show=False, id="collections.leave_search"),
        Binding("q", "close", "Quit", id="collections.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Collections"
        self.results: list[CollectionSummary | Run] = []
        self.pattern = "*"
        self.ignore_case = False
        self.everything: list[CollectionSummary] | None = None
        self.matched: list[CollectionSummary] = []
        self._last_filter = None
        self.runs: list[Run] = []
        self.summaries: dict[str, CollectionSummary] = {}
        self._detail_timer = None
        self._searched = False
        self.saved_at = None

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        with Horizontal(id="collection-search"):
            yield Label(" collections matching ")
            yield Input("", placeholder="glob, e.g. u/dagoret/*  (empty: all)", id="pattern", compact=True)
        yield Label(" reading the collections…", id="collections-status", classes="status-line", markup=False)
        yield RowList(id="collections")
        yield Static("", id="collection-details")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_focus_results()

    def on_screen_resume(self) -> None:
        if not self._searched:
            self.call_after_refresh(self._first_search)

    def _first_search(self) -> None:
        """Read the collections once this screen is really shown: not while the app opens on Exposures over it."""
        if self.is_active and not self._searched:
            self._searched = True
            self.action_reload()

    # Reading the list once, searching it here

    def action_reload(self) -> None:
        """Read the repository's collections (and the registered runs) again."""
        self.query_one("#collections-status", Label).update(" reading the collections…")
        self.summaries = {}
        self.run_worker(self._read_everything, thread=True, exclusive=True, group="collections-list",
                        exit_on_error=False, description="Reading the collections")

    def _read_everything(self) -> None:
        """The list saved last time at once (when this screen has none yet), then the Butler's, saved for next time."""
        from spectui.core.analysis.runs import load_runs
        from spectui.core.butler import collection_cache
        from spectui.core.butler.collection_list import list_collections

        try:
            runs = list(load_runs().values())
        except SpectuiError as exc:
            self.app.report(exc)
            runs = []
        repo = self.app.repo
        saved = collection_cache.load_saved(repo) if self.everything is None else None
        if saved is not None:
            self.deliver(self._have_everything, saved[0], runs, saved[1])
        with self.app.butler() as butler:
            everything = list_collections(butler)
        self.deliver(self._have_everything, everything, runs)
        with contextlib.suppress(SpectuiError):
            collection_cache.save(repo, everything)

    def _have_everything(self, everything: list[CollectionSummary], runs: list[Run], saved_at=None) -> None:
        from spectui.core.butler.collection_list import starting_search

        first = self.everything is None
        self.saved_at = saved_at
        self.everything, self.runs, self._last_filter = everything, runs, None
        field = self.query_one("#pattern", Input)
        if first and not field.value:
            with field.prevent(Input.Changed):
                field.value = starting_search(len(everything), getpass.getuser())
        self._search(field.value)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker.group == "collections-list" and event.state == WorkerState.ERROR:
            problem = getattr(event.worker.error, "message", None) or str(event.worker.error)
            self.query_one("#collections-status", Label).update(f" no collections: {problem}")

    @on(Input.Changed, "#pattern")
    def _pattern_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#pattern")
    def _pattern_submitted(self) -> None:
        self.action_focus_results()

    def _search(self, text: str) -> None:
        """Show the collections (and runs) the typed text keeps; a refused glob is said once, the list stays."""
        from spectui.core.butler.collection_list import NameFilter

        if self.everything is None:
            return
        try:
            kept = NameFilter(text, ignore_case=self.ignore_case)
        except SpectuiError as exc:
            self.pattern = search_pattern(text)
            self.app.report(exc)
            return
        self.pattern = kept.pattern
        runs = kept.runs(self.runs)
        self.matched = kept.apply(self.matched if kept.narrows(self._last_filter) else self.everything)
        self._last_filter = kept
        self._show_results(runs, self.matched)

    def _show_results(self, runs: list[Run], matched: list[CollectionSummary]) -> None:
        """Show every result: the list draws only the rows in view."""
        self.results = [*runs, *matched]
        types = {COLUMNS[1], *(["run"] if runs else []), *(entry.type for entry in matched)}
        names = [*map(len, map(run_label, runs)), *(len(entry.name) for entry in matched)]
        widths = (1, max(map(len, types)), len(COLUMNS[2]), max(names, default=0))
        self.query_one("#collections", RowList).show(COLUMNS, widths, len(self.results), self._cells)
        self._update_status()
        self._details_later()

    def _cells(self, row: int) -> tuple[str, str, str, str]:
        """The cells of result `row`: current mark, type, whether it holds Spectractor outputs ('…': not known yet),
        name."""
        entry = self.results[row]
        if isinstance(entry, Run):
            current = "•" if entry.name == self.app.run_name else ""
            return current, "run", "", run_label(entry)
        current = "•" if entry.name == self.app.collection and not self.app.run_name else ""
        known = self.summaries.get(entry.name)
        return current, entry.type, ("yes" if holds_spectractor(known) else "") if known else "…", entry.name

    def _update_status(self) -> None:
        count = len(self.matched)
        runs = len(self.results) - count
        found = plural(count, "collection") + (f" and {plural(runs, 'run')}" if runs else "")
        case = "" if not self.ignore_case else " (any case)"
        current = self.app.run_name and f"run {self.app.run_name}" or self.app.collection or "none"
        saved = f" (saved {self.saved_at:%Y-%m-%d %H:%M}, reading again…)" if self.saved_at else ""
        self.query_one("#collections-status", Label).update(
            f" {found} match {self.pattern}{case} of {len(self.everything):,}{saved}  ·  current: {current}")

    def action_show_all(self) -> None:
        """Clear the search: every collection."""
        self.query_one("#pattern", Input).value = ""

    def action_toggle_case(self) -> None:
        """Search with or without regard to case."""
        self.ignore_case = not self.ignore_case
        self._search(self.query_one("#pattern", Input).value)

    # Dataset types of the rows around the cursor, and details of the highlighted one, in workers

    @on(RowList.Highlighted, "#collections")
    def _highlighted(self) -> None:
        self._details_later()

    def _details_later(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._look_around)

    def _look_around(self) -> None:
        self._count_highlighted()
        self._read_summaries_near_cursor()

    def _read_summaries_near_cursor(self) -> None:
        """Look up the dataset types of the rows around the cursor not looked up yet (a newer look cancels it)."""
        low = max(0, self.query_one("#collections", RowList).cursor_row - SUMMARY_ROWS // 2)
        wanted = [entry for entry in self.results[low:low + SUMMARY_ROWS]
                  if isinstance(entry, CollectionSummary) and entry.name not in self.summaries]
        if wanted:
            self.run_worker(lambda: self._read_summaries(wanted), thread=True, exclusive=True,
                            group="collection-summaries", exit_on_error=False, description="Reading dataset types")

    def _read_summaries(self, wanted: list[CollectionSummary]) -> None:
        from spectui.core.butler.collection_list import add_dataset_types

        with self.app.butler() as butler:
            found = add_dataset_types(butler, wanted)
        self.deliver(self._have_summaries, found)

    def _have_summaries(self, found: list[CollectionSummary]) -> None:
        self.summaries.update((summary.name, summary) for summary in found)
        self.query_one("#collections", RowList).refresh()

    @property
    def highlighted(self) -> CollectionSummary | Run | None:
        """The collection or run under the cursor."""
        table = self.query_one("#collections", RowList)
        if not self.results or table.cursor_row >= len(self.results):
            return None
        entry = self.results[table.cursor_row]
        return entry if isinstance(entry, Run) else self.summaries.get(entry.name, entry)

    def _count_highlighted(self) -> None:
        summary = self.highlighted
        details = self.query_one("#collection-details", Static)
        if summary is None:
            details.update("No collection matches." if self.pattern else "")
            return
        if isinstance(summary, Run):
            details.update(self._run_details(summary))
            return
        details.update(self._details(summary, counted=False))
        self.run_worker(lambda: self._run_count(summary.name), thread=True, exclusive=True,
                        group="collection-details", exit_on_error=False, description="Counting datasets")

    def _run_count(self, name: str) -> None:
        from spectui.core.butler.collections import search_collections

        with self.app.butler() as butler:
            counted = search_collections(butler, name, counts=True)
        if counted:
            self.deliver(self._show_counts, counted[0])

    def _show_counts(self, summary: CollectionSummary) -> None:
        if isinstance(self.highlighted, CollectionSummary) and self.highlighted.name == summary.name:
            self.query_one("#collection-details", Static).update(self._details(summary, counted=True))

    def _details(self, summary: CollectionSummary, counted: bool) -> Text:
        text = Text(no_wrap=False)
        text.append(summary.name, style="bold")
        text.append(f"  {summary.type}")
        if summary.doc:
            text.append(f"\n{summary.doc}", style="italic")
        if summary.children:
            text.append("\nchildren: ", style="dim")
            text.append(", ".join(summary.children))
        text.append("\ndatasets: ", style="dim")
        if not summary.dataset_types:
            text.append("none")
        elif counted:
            text.append(" · ".join(f"{name} {count:,}" for name, count in summary.dataset_types.items()))
        else:
            text.append(" · ".join(summary.dataset_types) + "  (counting…)")
        return text

    def _run_details(self, run: Run) -> Text:
        text = Text(no_wrap=False)
        text.append(f"run {run.name}", style="bold")
        if run.label:
            text.append(f"  {run.label}", style="italic")
        text.append("\nrepository: ", style="dim")
        text.append(run.repo or "(the one open)")
        text.append("\ncollection: ", style="dim")
        text.append(run.collection or "(none: results in files only)")
        if run.files:
            text.append("\nfiles: ", style="dim")
            text.append(" · ".join(f"{kind} {path}" for kind, path in run.files.items()))
        return text

    # Keys

    def action_use(self) -> None:
        """Make the highlighted collection (or run) current and open the exposures."""
        entry = self.highlighted
        if entry is None:
            return
        if isinstance(entry, Run):
            if not entry.collection:
                self.app.report(SpectuiError(f"run {entry.name!r} has no Butler collection (its results are "
                                             "files only)."))
                return
            if not same_repo(entry.repo, self.app.repo):
                self.app.report(SpectuiError(f"run {entry.name!r} is in {entry.repo}, not the repository "
                                             f"open: start spectui --run {entry.name} to use it."))
                return
            self.use(entry.collection, entry.name)
        else:
            self.use(entry.name)

    def use(self, collection: str, run_name: str | None = None, *, open_exposures: bool = True) -> None:
        """Make `collection` (of the run `run_name`) current, mark it here, say so and (by default) open the exposures."""
        self.app.run_name, self.app.collection = run_name, collection
        self.query_one("#collections", RowList).refresh()
        if self.everything is not None:
            self._update_status()
        what = f"run {run_name} ({collection})" if run_name else collection
        self.app.notify(f"Current: {what}", title="Collection", markup=False)
        if open_exposures:
            self.app.show_screen("exposures")

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#pattern", Input).focus()

    def action_focus_results(self) -> None:
        """Move from the search box to the results."""
        self.query_one("#collections", RowList).focus()

    def action_close(self) -> None:
        """Quit from here (the first screen)."""
        self.app.close_screen()
