"""The spectrum view: a visit's flux against wavelength beside its fits and header, in one run or in two."""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Label

from spectui.core.analysis.run_sides import RunSide
from spectui.core.errors import BadInput, SpectuiError
from spectui.core.extraction.extract_rows import SKIPPED_HEADER_KEYS
from spectui.core.extraction.visit_files import VisitOutputs, side_by_side
from spectui.core.figures.spectrum_figure import SpectrumFigure, SpectrumPair, spectrum_figure, spectrum_pair

from ..widgets.context_header import ContextHeader
from ..widgets.plot_widgets import Chart, spectrum_drawing
from ..widgets.row_table import RowTable
from ..widgets.save_figure import SaveFigureBar
from .base import SpectuiScreen, reports_errors

HEADER_FIRST = ("TARGET", "FILTER", "DATE-OBS", "EXPTIME", "AIRMASS", "D2CCD", "CHI2_FIT", "PSF_REG",
                "MEANFWHM", "VERSION")
LABEL_WIDTH = 20
VALUE_WIDTH = 24
SECTIONS = (("spectrum", "spectrum fit"), ("spectrogram", "spectrogram fit"))


def parameter_rows(outputs: VisitOutputs) -> list[list[Text]]:
    """Both fits' parameters as (label, 'value ± error') rows, then the header (the main keys first)."""
    rows = []
    for section, title in SECTIONS:
        rows.append([Text(title, style="bold"), Text("")])
        fit = outputs.fits.get(section)
        if fit is None:
            rows.append([Text("  (none)", style="dim"), Text("")])
            continue
        for label, value, error, fixed in zip(fit.labels, fit.values, fit.errors, fit.fixed):
            shown = Text(f"{_number(value):>9}")
            shown.append("  fixed" if fixed else f" ± {_number(error, 2)}", style="dim" if fixed else "")
            rows.append([Text(f"  {label[:LABEL_WIDTH]}"), shown])
    header = outputs.spectrum.header if outputs.spectrum is not None else {}
    others = [k for k in header if k not in HEADER_FIRST and k not in SKIPPED_HEADER_KEYS]
    rows.append([Text("header", style="bold"), Text("")])
    for key in [k for k in HEADER_FIRST if k in header] + others:
        value = str(header[key])
        rows.append([Text(f"  {key[:LABEL_WIDTH]}", style="dim"),
                     Text(value if len(value) <= VALUE_WIDTH else value[:VALUE_WIDTH - 1] + "…")])
    rows += [[Text(problem, style="italic"), Text("")] for problem in outputs.problems]
    return rows


def pair_rows(a: VisitOutputs | None, b: VisitOutputs | None) -> list[list[Text]]:
    """Both runs' fit values as (parameter, A, B, B − A) rows under each fit's title; a missing value is blank."""
    rows, section = [], None
    for row in side_by_side(a, b):
        if row.section != section:
            section = row.section
            rows.append([Text(dict(SECTIONS)[section], style="bold"), Text(""), Text(""), Text("")])
        rows.append([Text(f"  {row.label[:LABEL_WIDTH]}"),
                     *(Text("" if v is None else _number(v), justify="right") for v in (row.a, row.b, row.shift))])
    return rows


def _number(value: float, digits: int = 5) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


class SpectrumScreen(SpectuiScreen):
    """Shows the visits of a table one at a time, in the table's order; the file reads run in a worker."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    AUTO_FOCUS = ""
    HELP = ("Flux against wavelength, read from the visit's spectrum file, with flux ± error as the dotted "
            "band. Beside it: both fits' parameters (value ± error; fixed ones say so) and the spectrum's "
            "header. n / p (or j / k) go to the next and previous row of the table you came from; ctrl+s "
            "saves the spectrum as a figure (.png, .pdf or .svg).")
    BINDINGS = [
        Binding("n,j,down", "flip(1)", "Next", tooltip="The next row's spectrum", id="spectrum.next"),
        Binding("p,k,up", "flip(-1)", "Previous", tooltip="The previous row's spectrum",
                id="spectrum.previous"),
        Binding("pagedown,space", "scroll_side(1)", "Scroll", show=False, id="spectrum.scroll_down"),
        Binding("pageup", "scroll_side(-1)", "Scroll up", show=False, id="spectrum.scroll_up"),
        Binding("ctrl+s", "save_figure", "Save", tooltip="Save figure (.png, .pdf or .svg)",
                id="spectrum.save_figure"),
        Binding("escape,q", "close", "Back", id="spectrum.back"),
    ]

    def __init__(self, collection: str, visits: np.ndarray, index: int = 0,
                 on_move: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.title = "Spectrum"
        self.collection = collection
        self.visits = np.asarray(visits, dtype="int64")
        self.index = index
        self.on_move = on_move
        self.shown: VisitOutputs | None = None
        self.drawn: SpectrumFigure | None = None

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Label("", id="spectrum-line", classes="status-line", markup=False)
        with Horizontal(id="spectrum-body"):
            yield Chart(id="spectrum-chart")
            parameters = RowTable(id="spectrum-parameters", cursor_type="none", show_header=False)
            parameters.can_focus = False
            yield parameters
        yield SaveFigureBar(id="prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def point_at(self, visits: np.ndarray, index: int) -> None:
        """Show another list of visits, from `index` (the screen is kept between visits to a table's rows)."""
        self.visits, self.index = np.asarray(visits, dtype="int64"), index
        if self.is_mounted:
            self.shown = self.drawn = None
            self.query_one(Chart).show(None)
            self.load()

    @property
    def visit(self) -> int:
        """The visit on show (or being read)."""
        return int(self.visits[self.index])

    def _say(self, note: str = "") -> None:
        where = f"visit {self.visit}  ·  {self.index + 1:,} of {len(self.visits):,}"
        self.query_one("#spectrum-line", Label).update(f" {where}" + (f"  ·  {note}" if note else ""))

    def load(self) -> None:
        """Read the current visit's files in a worker (a newer flip supersedes it)."""
        visit = self.visit
        self._say("reading…")
        self.run_worker(lambda: self._read(visit), thread=True, exclusive=True, group="spectrum",
                        exit_on_error=False, description="Reading a spectrum")

    def _read(self, visit: int) -> None:
        from spectui.core.extraction.visit_files import read_visit_outputs, visit_locations

        try:
            with self.app.butler() as butler:
                locations = visit_locations(butler, self.collection, visit)
            outputs = read_visit_outputs(visit, locations)
        except SpectuiError as exc:
            self.deliver(self._failed, exc)
            return
        self.deliver(self._show, outputs)

    def _show(self, outputs: VisitOutputs) -> None:
        self.shown, self.drawn = outputs, None
        spectrum = outputs.spectrum
        chart = self.query_one(Chart)
        if spectrum is None:
            chart.show(None)
        else:
            header = spectrum.header
            title = "  ".join(str(header[k]) for k in ("TARGET", "FILTER") if k in header)
            self.drawn = spectrum_figure(outputs.visit, spectrum.lambdas, spectrum.flux, spectrum.err, title)
            chart.show(spectrum_drawing(self.drawn))
        self.query_one(RowTable).show_rows(["parameter", "value"], parameter_rows(outputs))
        self._say("; ".join(outputs.problems))

    def _failed(self, error: SpectuiError) -> None:
        self.drawn = None
        self.query_one(Chart).show(None)
        self.query_one(RowTable).clear()
        self._say(error.message)
        self.app.report(error)

    def action_flip(self, step: int) -> None:
        """Show the next (or previous) row's spectrum."""
        if self.query_one(SaveFigureBar).is_open:
            return
        target = self.index + step
        if not 0 <= target < len(self.visits):
            self._say("first row" if target < 0 else "last row")
            return
        self.index = target
        if self.on_move is not None:
            self.on_move(self.visit)
        self.load()

    def action_scroll_side(self, pages: int) -> None:
        """Scroll the parameters beside the plot."""
        side = self.query_one(RowTable)
        if pages > 0:
            side.scroll_page_down()
        else:
            side.scroll_page_up()

    @reports_errors
    def action_save_figure(self) -> None:
        """Ask for a file and save the spectrum on show to it (format by extension)."""
        from spectui.core.figures.files import write_figure

        drawn = self.drawn
        if drawn is None:
            raise BadInput(f"no spectrum of visit {self.visit} on show to save.")
        self.query_one(SaveFigureBar).ask(f"spectrum_{drawn.visit}", lambda path: write_figure(drawn, path))

    def action_close(self) -> None:
        """Back to the table."""
        self.app.pop_screen()


class TwoRunSpectrumScreen(SpectrumScreen):
    """A visit of a run comparison's table in runs A and B: both spectra overlaid and both fits side by side."""

    HELP = ("The visit's flux against wavelength in run A and in run B, labelled by run (a run without the "
            "visit's spectrum says so in the line above and the other is still drawn). Beside it: each fit "
            "parameter in A, in B and B − A. n / p (or j / k) go to the next and previous row of the table "
            "you came from; ctrl+s saves both spectra as one figure (.png, .pdf or .svg).")

    def __init__(self, sides: tuple[RunSide, RunSide], butler_for: Callable[[str], AbstractContextManager],
                 visits: np.ndarray, index: int = 0, on_move: Callable[[int], None] | None = None) -> None:
        super().__init__(sides[1].collection, visits, index, on_move)
        self.title = "Spectrum in two runs"
        self.sides = sides
        self.butler_for = butler_for
        self.pair: tuple[VisitOutputs | None, VisitOutputs | None] | None = None
        self.drawn: SpectrumPair | None = None

    def _read(self, visit: int) -> None:
        from spectui.core.extraction.visit_files import read_visit_outputs, visit_locations

        read, notes = [], []
        for key, side in zip("AB", self.sides):
            try:
                with self.butler_for(side.repo) as butler:
                    locations = visit_locations(butler, side.collection, visit)
                read.append(read_visit_outputs(visit, locations))
            except SpectuiError as exc:
                read.append(None)
                notes.append(f"{key} ({side.name}): {exc.message}")
        if read == [None, None]:
            self.deliver(self._failed, BadInput(f"visit {visit}: " + "; ".join(notes)))
            return
        self.deliver(self._show_pair, visit, tuple(read), notes)

    def _show_pair(self, visit: int, pair: tuple[VisitOutputs | None, VisitOutputs | None],
                   notes: list[str]) -> None:
        self.pair = pair
        header = next((o.spectrum.header for o in pair if o is not None and o.spectrum is not None), {})
        title = "  ".join(str(header[k]) for k in ("TARGET", "FILTER") if k in header)
        self.drawn = spectrum_pair(visit, *pair, (self.sides[0].name, self.sides[1].name), title)
        self.query_one(Chart).show(spectrum_drawing(self.drawn))
        table = self.query_one(RowTable)
        table.show_header = True
        table.show_rows(["parameter", "A", "B", "B − A"], pair_rows(*pair))
        problems = [f"{key}: {p}" for key, o in zip("AB", pair) if o is not None for p in o.problems]
        self._say("; ".join(notes + problems))
