"""A collection's report as one multi-page PDF: summary, efficiency, the main fit parameters, a run comparison.

It takes the place of the notebooks' CHECK plots: the summary page first, then the efficiency per night and
filter, per main parameter (PWV, ozone, aerosols) its histograms per filter, time series and the spectrum fit
against the spectrogram fit, and with another run the per-visit differences of each parameter's spectrum fit
(the summary lists the shifts of both fits).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..analysis.compare import compare_parameters, modern_names
from ..errors import BadInput
from ..tables.table_io import atomic_path
from .comparison import comparison_figure
from .efficiency import efficiency_figure
from .files import RC, draw, figure_format
from .report_pages import results_lines, shift_lines, status_lines, text_pages
from .spec import FigureSpec, axis_label, figure_data

MAIN_PARAMETERS = ("PWV [mm]", "ozone [db]", "VAOD")
FITS = ("spectrum", "spectrogram")


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report shows: where the outputs are, their registry status and results, what made it."""

    repo: str
    collection: str
    selection: str
    status: object
    results: object
    results_source: str
    command: str
    cuts: tuple[str, ...] = ()
    compare_name: str = ""
    compare_results: object = None


@dataclass(frozen=True)
class Report:
    """A written report: its file and page count."""

    path: Path
    pages: int


def main_columns(results) -> list[str]:
    """The main fit parameters' columns the results hold, spectrum fit before spectrogram fit."""
    if results is None:
        return []
    present = set(results.columns)
    return [f"{p}_{fit}" for p in MAIN_PARAMETERS for fit in FITS if f"{p}_{fit}" in present]


def summary_lines(inputs: ReportInputs, results) -> list[str]:
    """The summary page's lines: repository, collection, selection, counts, failures, the command that made it."""
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Repository: {inputs.repo}", f"Collection: {inputs.collection}", f"Selection: {inputs.selection}"]
    if inputs.cuts:
        lines.append(f"Quality cuts on the parameter plots: {', '.join(inputs.cuts)}")
    lines += ["", *status_lines(inputs.status), "", *results_lines(results, inputs.results_source,
                                                                   main_columns(results))]
    if inputs.compare_results is not None and results is not None:
        lines += shift_lines(compare_parameters(results, modern_names(inputs.compare_results),
                                                _common_main(results, inputs.compare_results)),
                             inputs.compare_name)
    return [*lines, "", f"Command: {inputs.command}", f"Made: {made}"]


def report_figures(inputs: ReportInputs) -> Iterator[object]:
    """The report's pages as matplotlib Figures, one at a time, in order."""
    results = None if inputs.results is None else modern_names(inputs.results)
    yield from text_pages(f"Spectractor report · {inputs.collection}", summary_lines(inputs, results))
    if inputs.status is not None and not inputs.status.empty:
        yield draw(efficiency_figure(inputs.status, f"Extraction efficiency · {inputs.collection}"))
    for spec in parameter_specs(results, inputs.collection, inputs.cuts):
        yield draw(figure_data(results, spec))
    if inputs.compare_results is not None and results is not None:
        for column in compared_columns(results, inputs.compare_results):
            yield draw(comparison_figure(results, inputs.compare_results, column, inputs.collection,
                                         inputs.compare_name, f"{axis_label(column)}: run B − this collection"))


def parameter_specs(results, collection: str, cuts: tuple[str, ...] = ()) -> list[FigureSpec]:
    """Per main parameter: a histogram per filter of each fit, the series of the first, spectrum vs spectrogram."""
    specs = []
    present = main_columns(results)
    by = "filter" if results is not None and _has_filter(results) else "none"
    per = " per filter" if by == "filter" else ""
    for parameter in MAIN_PARAMETERS:
        columns = [c for c in present if c.startswith(f"{parameter}_")]
        for column in columns:
            specs.append(FigureSpec("hist", column, by=by, bins=30, cuts=cuts,
                                    title=f"{axis_label(column)}{per} · {collection}"))
        if columns:
            specs.append(FigureSpec("series", columns[0], by=by, cuts=cuts,
                                    title=f"{axis_label(columns[0])} against time · {collection}"))
        if len(columns) == 2:
            specs.append(FigureSpec("scatter", columns[0], x=columns[1], by=by, cuts=cuts,
                                    title=f"{parameter}: spectrum fit against spectrogram fit · {collection}"))
    return specs


def write_report(inputs: ReportInputs, path: str | os.PathLike) -> Report:
    """Write the report's pages into one PDF, atomically (a temporary file renamed when complete)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    check_report_path(path)
    pages = 0
    with matplotlib.rc_context(RC), atomic_path(path) as tmp:
        metadata = {"Title": f"Spectractor report · {inputs.collection}", "CreationDate": None}
        with PdfPages(tmp, metadata=metadata) as pdf:
            for figure in report_figures(inputs):
                pdf.savefig(figure)
                pages += 1
    return Report(Path(path), pages)


def check_report_path(path: str | os.PathLike) -> None:
    """Refuse a report path that does not end in .pdf (the report is one multi-page PDF)."""
    if figure_format(path) != "pdf":
        raise BadInput(f"the report is a multi-page PDF: name it .pdf, not {Path(str(path)).suffix}.")


def compared_columns(results, other) -> list[str]:
    """The columns drawn against another run: per main parameter, the first fit both tables hold."""
    common = _common_main(results, other)
    return [next(c for c in common if c.startswith(f"{p}_")) for p in MAIN_PARAMETERS
            if any(c.startswith(f"{p}_") for c in common)]


def _common_main(results, other) -> list[str]:
    theirs = set(modern_names(other).columns)
    return [c for c in main_columns(results) if c in theirs]


def _has_filter(results) -> bool:
    from ..tables.column_notes import grouping_column

    return grouping_column(results.columns, "filter") is not None
