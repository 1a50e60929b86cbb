"""The run comparison screen: two runs side by side, their status changes and their parameter shifts."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState

from spectui.core.analysis.run_sides import Comparison, RunSide
from spectui.core.errors import BadInput

from ..dialogs.pick import PickScreen
from ..widgets.busy_line import BusyLine
from ..widgets.context_header import ContextHeader
from ..widgets.plot_widgets import Chart, histogram_drawing
from ..widgets.row_table import RowTable
from ..widgets.save_figure import SaveFigureBar
from ..widgets.selection_source import current_selection
from .base import SpectuiScreen, reports_errors
from .results import ResultsScreen

DIFFERENCE_BINS = 30
CHANGES = ("gained", "lost", "improved", "degraded", "same")
BUSY_GROUPS = ("compare", "compare-choices")


class CompareScreen(SpectuiScreen):
    """Compares run A with run B (B defaults to the current collection); the numbers come from workers."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    HELP = ("a and b choose the two runs (registered runs or collections with spectra). The left table "
            "counts exposures by status in A and in B; gained are ok or partial in B only, lost in A only. "
            "The right table shifts each parameter (B - A) on the visits both results tables hold, and the "
            "plot is the histogram of the highlighted parameter's differences. g, l and c list the gained, "
            "lost and changed exposures; ctrl+s saves the highlighted parameter's differences as a figure.")
    BINDINGS = [
        Binding("a", "choose('a')", "Run A", tooltip="Choose run A", id="compare.run_a"),
        Binding("b", "choose('b')", "Run B", tooltip="Choose run B", id="compare.run_b"),
        Binding("g", "changes('gained')", "Gained", tooltip="The exposures gained in B", id="compare.gained"),
        Binding("l", "changes('lost')", "Lost", tooltip="The exposures lost in B", id="compare.lost"),
        Binding("c", "changes('changed')", "Changed", tooltip="Every exposure whose status changed",
                id="compare.changed"),
        Binding("x", "swap", "Swap", show=False, tooltip="Swap A and B", id="compare.swap"),
        Binding("ctrl+s", "save_figure", "Save", show=False, tooltip="Save figure (.png, .pdf or .svg)",
                id="compare.save_figure"),
        Binding("escape,q", "close", "Back", show=False, id="compare.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Compare runs"
        self.names: dict[str, str | None] = {"a": None, "b": None}
        self.sides: dict[str, RunSide | None] = {"a": None, "b": None}
        self.comparison: Comparison | None = None
        self.results: dict[str, object] = {}
        self.parameter: str | None = None

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Label("", id="compare-a", classes="status-line", markup=False)
        yield Label("", id="compare-b", classes="status-line", markup=False)
        yield Label("", id="compare-changes", classes="status-line", markup=False)
        yield BusyLine(id="busy")
        with Horizontal(id="compare-body"):
            with Vertical(id="compare-left"):
                yield RowTable(id="compare-transitions", cursor_type="none", zebra_stripes=False)
            with Vertical(id="compare-right"):
                yield RowTable(id="compare-parameters", cursor_type="row", zebra_stripes=True)
                yield Chart(id="compare-chart")
        yield SaveFigureBar(id="prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.names["b"] = self.app.run_name or self.app.collection
        self._show_sides()
        if self.names["b"]:
            self.compare()

    def _show_sides(self) -> None:
        for key in ("a", "b"):
            side, name = self.sides[key], self.names[key]
            text = side.describe() if side else (name or f"none: press {key} to choose")
            self.query_one(f"#compare-{key}", Label).update(f" {key.upper()}  {text}")

    # Choosing

    def action_choose(self, key: str) -> None:
        """Pick run A or B among the registered runs and the collections with spectra."""
        self.query_one(BusyLine).start("listing runs and collections")
        self.run_worker(lambda: self._list_choices(key), thread=True, exclusive=True, group="compare-choices",
                        exit_on_error=False, description="Listing runs")

    def _list_choices(self, key: str) -> None:
        from spectui.core.analysis.run_sides import side_choices

        with self.app.butler() as butler:
            choices = side_choices(butler)
        self.deliver(self._pick, key, choices)

    def _pick(self, key: str, choices: list[str]) -> None:
        self.query_one(BusyLine).stop()

        def chosen(name: str | None) -> None:
            if name:
                self.names[key] = name
                self.compare()

        self.app.push_screen(PickScreen(f"Run {key.upper()}", choices, self.names[key]), chosen)

    def action_swap(self) -> None:
        """Swap A and B."""
        self.names = {"a": self.names["b"], "b": self.names["a"]}
        self.compare()

    # Comparing

    def compare(self) -> None:
        """Resolve both sides and compare them in a worker."""
        names = dict(self.names)
        self.sides = {"a": None, "b": None}
        self._show_sides()
        if not all(names.values()):
            self.query_one("#compare-changes", Label).update(" choose both runs (a, b) to compare them")
            return
        self.query_one(BusyLine).start("comparing statuses and parameters")
        self.run_worker(lambda: self._compare(names), thread=True, exclusive=True, group="compare",
                        exit_on_error=False, description="Comparing runs")

    def _compare(self, names: dict[str, str]) -> None:
        from spectui.core.analysis.result_files import read_cached
        from spectui.core.analysis.run_sides import compare_sides, resolve_side

        sides = {key: resolve_side(name, self.app.repo) for key, name in names.items()}
        comparison = compare_sides(sides["a"], sides["b"], self._butler_for, current_selection(self.app))
        results = {key: read_cached(side.results) for key, side in sides.items() if side.results}
        self.deliver(self._compared, sides, comparison, results)

    @contextlib.contextmanager
    def _butler_for(self, repo: str):
        from spectui.core.butler.collection_search import same_repo
        from spectui.core.butler.repo import open_repo

        if same_repo(repo, self.app.repo):
            with self.app.butler() as butler:
                yield butler
        else:
            yield open_repo(repo)

    def _compared(self, sides: dict[str, RunSide], comparison: Comparison, results: dict) -> None:
        self.query_one(BusyLine).stop()
        self.sides, self.comparison, self.results = sides, comparison, results
        self._show_sides()
        changes = self.query_one("#compare-changes", Label)
        if comparison.status is not None:
            counts = comparison.status["change"].value_counts()
            changes.update(" " + "  ·  ".join(f"{name} {int(counts.get(name, 0)):,}" for name in CHANGES))
        else:
            changes.update(" status comparison needs two Butler collections")
        self._fill_transitions(comparison.transitions)
        self._fill_parameters(comparison.parameters)
        self.refresh_bindings()

    def _fill_transitions(self, transitions) -> None:
        table = self.query_one("#compare-transitions", RowTable)
        if transitions is None:
            table.clear(columns=True)
            return
        rows = [[Text(str(status)), *[Text(f"{int(v):,}", justify="right") for v in row]]
                for status, row in transitions.iterrows()]
        table.show_rows(["A \\ B", *[str(c) for c in transitions.columns]], rows)

    def _fill_parameters(self, parameters) -> None:
        table = self.query_one("#compare-parameters", RowTable)
        table.clear(columns=True)
        chart = self.query_one(Chart)
        chart.show(None)
        if parameters is None:
            missing = " and ".join(key.upper() for key, side in self.sides.items()
                                   if side and side.results is None)
            table.add_column(Text(f"no results table for {missing}: make it the current collection (1) and "
                                  "extract it (3) to compare parameters"))
            return
        rows = []
        for row in parameters.itertuples(index=False):
            numbers = (row.median_a, row.median_b, row.median_shift, row.scatter)
            rows.append([Text(row.parameter), Text(f"{row.common:,}", justify="right"),
                         *(Text(f"{v:.4g}", justify="right") for v in numbers)])
        table.show_rows(["parameter", "common", "median A", "median B", "shift", "scatter"], rows)
        if len(parameters):
            self._draw_difference(parameters["parameter"].iloc[0])

    @on(RowTable.RowHighlighted, "#compare-parameters")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        parameters = self.comparison.parameters if self.comparison else None
        if parameters is not None and event.cursor_row < len(parameters):
            self._draw_difference(parameters["parameter"].iloc[event.cursor_row])

    def _draw_difference(self, parameter: str) -> None:
        results = self.results
        if "a" not in results or "b" not in results:
            return
        self.parameter = parameter
        self.run_worker(lambda: self._difference(parameter, results["a"], results["b"]), thread=True,
                        exclusive=True, group="compare-difference", exit_on_error=False,
                        description="Histogram of differences")

    def _difference(self, parameter: str, a, b) -> None:
        import pandas as pd

        from spectui.core.analysis.plot_data import differences, grouped_histogram

        values = differences(a, b, parameter)
        hist = grouped_histogram(pd.DataFrame({f"{parameter} (B - A)": values}), f"{parameter} (B - A)",
                                 bins=DIFFERENCE_BINS)
        self.deliver(self._show_difference, hist)

    def _show_difference(self, hist) -> None:
        self.query_one(Chart).show(histogram_drawing(hist))

    # Lists of exposures

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "changes":
            return True if self.comparison is not None and self.comparison.status is not None else None
        return True

    @reports_errors
    def action_changes(self, which: str) -> None:
        """Open the gained, lost or changed exposures as a table."""
        status = self.comparison.status
        expression = "change != 'same'" if which == "changed" else f"change == '{which}'"
        if not (status["change"] != "same").any() and which == "changed":
            raise BadInput("no exposure changed status.")
        side = self.sides["b"] if which != "lost" else self.sides["a"]
        self.app.push_screen(ChangesScreen((self.sides["a"], self.sides["b"]), self._butler_for, status,
                                           collection=side.collection if side else None,
                                           title=f"{which.capitalize()} exposures", export_stem=which,
                                           filter_text=expression))

    @reports_errors
    def action_save_figure(self) -> None:
        """Ask for a file and save the highlighted parameter's differences B − A against time and counted."""
        from spectui.core.figures.comparison import comparison_figure
        from spectui.core.figures.files import write_figure
        from spectui.core.figures.screen_figures import name_part, side_label

        results, sides, parameter = self.results, self.sides, self.parameter
        if parameter is None or "a" not in results or "b" not in results:
            raise BadInput("no parameter to save: compare two runs with results tables first (a, b).")
        a, b = (side_label(sides[key].name, sides[key].results) for key in ("a", "b"))
        self.query_one(SaveFigureBar).ask(f"compare_{name_part(parameter)}", lambda path: write_figure(
            comparison_figure(results["a"], results["b"], parameter, a, b), path))

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.app.go_back()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        failed = event.state == WorkerState.ERROR and self.is_newest(event.worker)
        if failed and event.worker.group in BUSY_GROUPS:
            self.query_one(BusyLine).stop()


class ChangesScreen(ResultsScreen):
    """The gained, lost or changed exposures of a comparison: Enter shows the visit in both runs."""

    HELP = ("Enter shows the row's visit in run A and run B: both spectra overlaid and the fit values side "
            "by side (A, B, B − A).\n\n" + ResultsScreen.HELP)

    def __init__(self, sides: tuple[RunSide, RunSide], butler_for, frame, **options) -> None:
        super().__init__(frame, **options)
        self.sides = sides
        self.butler_for = butler_for

    def spectrum_view(self, visits, index: int):
        """The two-run spectrum view on `visits` from `index`."""
        from .spectrum import TwoRunSpectrumScreen

        return TwoRunSpectrumScreen(self.sides, self.butler_for, visits, index, on_move=self._follow)
