"""A table of visits (results, statuses, merges): the table keys, Enter for a spectrum, H for a histogram."""

from __future__ import annotations

from textual.binding import Binding

from spectui.core.analysis.derived_columns import with_saved_columns
from spectui.core.errors import BadInput
from spectui.core.tables.views import TableView

from .base import reports_errors
from .table import TableScreen


class ResultsScreen(TableScreen):
    """Rows keyed by visit id: Enter opens the spectrum of the current row (n/p flip through the rows)."""

    HELP = ("Each row is one visit. Enter shows its spectrum and fit parameters (n and p flip through the "
            "rows as sorted and filtered here), also from the row details (v); H draws a histogram of the "
            "current column. The saved derived columns (spectui columns) are added to the table.\n\n"
            + TableScreen.HELP)
    BINDINGS = [
        Binding("enter", "spectrum", "Spectrum", tooltip="Show the spectrum of the current row",
                id="results.spectrum"),
        Binding("H", "histogram", "Histogram",
                tooltip="Histogram of the current column over these rows", id="results.histogram"),
    ]

    def __init__(self, frame, *, collection: str | None, title: str, export_stem: str,
                 filter_text: str = "") -> None:
        frame, derived, self.derived_problem = with_saved_columns(frame)
        view = TableView(frame, key="id")
        if filter_text:
            view.set_filter(filter_text)
        super().__init__(view, title=title, export_stem=export_stem)
        self.collection = collection
        self.spectrum_screen = None
        self.derived = derived

    def on_mount(self) -> None:
        super().on_mount()
        if self.derived_problem is not None:
            self.app.report(self.derived_problem)

    def row_details(self, row: int):
        """The row details, whose Enter (or s) opens the spectrum of the row shown."""
        details = super().row_details(row)
        details.on_spectrum = self._spectrum_of
        return details

    def _spectrum_of(self, row: int) -> None:
        if self.table is not None:
            self.table.move_cursor(row=row)
            self.action_spectrum()

    @reports_errors
    def action_spectrum(self) -> None:
        """Open the spectrum view on the current row."""
        from spectui.core.extraction.visit_files import visits_with_spectra

        if self.table is None or not self.view.row_count:
            raise BadInput("no row to show.")
        if not self.collection:
            raise BadInput("this table is not tied to a collection: choose one on the Collections screen "
                           "(1).")
        shown = self.view.base.iloc[self.view.positions]
        columns = ["id", "status"] if "status" in shown.columns else ["id"]
        visits = visits_with_spectra(shown[columns])
        current = self.view.key_at(self.table.cursor_row)
        if current not in set(visits.tolist()):
            raise BadInput(f"visit {current} has no spectrum in {self.collection}.")
        index = int((visits == current).argmax())
        if self.spectrum_screen is None:
            self.spectrum_screen = self.spectrum_view(visits, index)
            self.app.install_screen(self.spectrum_screen, f"spectrum-{id(self)}")
        else:
            self.spectrum_screen.point_at(visits, index)
        self.app.push_screen(self.spectrum_screen)

    def spectrum_view(self, visits, index: int):
        """The spectrum view this table's Enter opens, on `visits` from `index`."""
        from .spectrum import SpectrumScreen

        return SpectrumScreen(self.collection, visits, index, on_move=self._follow)

    def on_unmount(self) -> None:
        spectrum = self.spectrum_screen
        if spectrum is not None and spectrum not in self.app.screen_stack:
            self.app.uninstall_screen(spectrum)
            spectrum.remove()

    def _follow(self, visit: int) -> None:
        """Keep the table's cursor on the visit the spectrum view shows."""
        row = self.view.row_of_key(visit)
        if row is not None and self.table is not None:
            self.table.move_cursor(row=row)

    @reports_errors
    def action_histogram(self) -> None:
        """Histogram of the current column over the rows shown."""
        from .histogram import HistogramScreen

        column = self._column_or_say()
        if column is not None:
            rows = self.view.base.iloc[self.view.positions].reset_index(drop=True)
            self.app.push_screen(HistogramScreen(table=rows, source=self.title, column=column))
