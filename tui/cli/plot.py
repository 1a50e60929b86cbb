"""`spectui plot`: figure files (PNG, PDF, SVG) of a results table: histograms, series against time, scatters."""

from __future__ import annotations

from collections.abc import Callable

import click

from spectui.core.paths import user_path

from .options import (
    collection_option,
    repo_and_collection,
    repo_option,
    run_option,
    say,
    selection_from,
    selection_options,
    warn_unmatched_targets,
)

DPI_OPTION = click.option("--dpi", default=100, show_default=True, type=click.IntRange(20, 600),
                          help="Pixels per inch of a PNG (100: 800 × 500 pixels).")
TABLE_SUFFIXES = (".parquet", ".csv", ".json", ".npy", ".gz")
BY_HELP = "Group by filter, target, night, or a column of the table (e.g. TARGET); default: all together."


def figure_options(func: Callable) -> Callable:
    """The options every figure takes: grouping, selection, scale, title and the output file."""
    options = [
        click.option("--by", default="none", metavar="GROUPING", help=BY_HELP),
        click.option("--cut", "cuts", multiple=True, metavar="NAME",
                     help="Apply a saved quality cut (repeatable; see `spectui cuts`)."),
        click.option("--where", "--rows", "where", default="", metavar="EXPR",
                     help="Keep only the rows where EXPR holds, e.g. '`PWV [mm]_spectrum` > 2 and CHI2_FIT < 30'."),
        click.option("--log", is_flag=True, help="Logarithmic count (or value) axis."),
        click.option("--title", default="", help="The figure's title (default: what is plotted)."),
        DPI_OPTION,
        click.option("-o", "--output", required=True, metavar="FILE",
                     help="The figure file, by extension: .png, .pdf or .svg."),
    ]
    for option in reversed(options):
        func = option(func)
    return click.argument("results", metavar="RESULTS")(func)


@click.group()
def plot() -> None:
    """Figure files of a results table (.parquet, .csv, .json) and its derived columns, as the app draws them."""


@plot.command("hist")
@figure_options
@click.option("--column", "-C", "column_name", required=True, metavar="COL", help="Numeric column to count.")
@click.option("--bins", default=20, show_default=True, type=click.IntRange(1, 1000), help="Number of bins.")
@click.option("--split", is_flag=True, help="One panel per group instead of the groups overlaid.")
@click.option("--full-range", is_flag=True, help="Bins over the full range, not the 0.5-99.5 percentiles.")
def plot_hist(results: str, output: str, column_name: str, bins: int, split: bool, full_range: bool,
              **common) -> None:
    """Histogram of one column, per group, with each group's median and robust spread in the legend."""
    _write("hist", results, output, column=column_name, bins=bins, multiples=split, full_range=full_range,
           **common)


@plot.command("series")
@figure_options
@click.option("--column", "-C", "column_name", required=True, metavar="COL", help="Numeric column to plot.")
def plot_series(results: str, output: str, column_name: str, **common) -> None:
    """One column against UTC time (DATE-OBS), a marker per group, the start of each night marked."""
    _write("series", results, output, column=column_name, **common)


@plot.command("scatter")
@figure_options
@click.option("-x", "x_name", required=True, metavar="COL", help="Numeric column along x.")
@click.option("-y", "y_name", required=True, metavar="COL", help="Numeric column along y.")
def plot_scatter(results: str, output: str, x_name: str, y_name: str, **common) -> None:
    """One column against another, a marker per group; a 1:1 line when both have the same unit."""
    _write("scatter", results, output, column=y_name, x=x_name, **common)


@plot.command("efficiency")
@repo_option
@collection_option
@run_option
@selection_options
@click.option("--title", default="", help="The figure's title (default: the collection's efficiency).")
@DPI_OPTION
@click.option("-o", "--output", required=True, metavar="FILE",
              help="The figure file, by extension: .png, .pdf or .svg.")
def plot_efficiency(repo: str | None, collection: str | None, run_name: str | None, title: str, dpi: int,
                    output: str, **kwargs) -> None:
    """Ok, partial and missing exposures per night, one panel per filter, from the registry (as `spectui missing`)."""
    from spectui.core.figures.efficiency import efficiency_figure
    from spectui.core.figures.files import check_figure_path, write_figure

    check_figure_path(output)
    _, collection, status = registry_status(repo, collection, run_name, selection_from(kwargs), [output])
    figure = efficiency_figure(status, title or f"Extraction efficiency · {collection}")
    write_figure(figure, output, dpi=dpi)
    say(f"wrote {output}: {figure.total():,} exposures, {figure.total(None, 'ok'):,} ok "
        f"({figure.efficiency():.1%}), {figure.total(None, 'partial'):,} partial, "
        f"{figure.total(None, 'missing'):,} missing")


@plot.command("compare")
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@click.option("--column", "-C", "column_name", required=True, metavar="COL", help="Numeric column to compare.")
@click.option("--results-a", metavar="FILE", help="Results of RUN_A (default: its registered file).")
@click.option("--results-b", metavar="FILE", help="Results of RUN_B (default: its registered file).")
@click.option("--title", default="", help="The figure's title (default: the column, B − A).")
@DPI_OPTION
@click.option("-o", "--output", required=True, metavar="FILE",
              help="The figure file, by extension: .png, .pdf or .svg.")
def plot_compare(run_a: str, run_b: str, column_name: str, results_a: str | None, results_b: str | None,
                 title: str, dpi: int, output: str) -> None:
    """Per common visit, the difference B − A of a column against time, and its histogram."""
    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.figures.comparison import comparison_figure
    from spectui.core.figures.files import check_figure_path, write_figure
    from spectui.core.figures.screen_figures import side_label

    check_figure_path(output)
    path_a = results_a or results_of_run(run_a, "--results-a")
    path_b = results_b or results_of_run(run_b, "--results-b")
    figure = comparison_figure(read_results(path_a), read_results(path_b), column_name,
                               side_label(run_a, path_a), side_label(run_b, path_b), title)
    write_figure(figure, output, dpi=dpi)
    say(f"wrote {output}: {figure.common:,} common visits, median shift {figure.shift:.4g}, "
        f"robust σ {figure.scatter:.3g}")


def registry_status(repo: str | None, collection: str | None, run_name: str | None, selection, outputs):
    """The repository, collection and per-exposure status table (`spectui missing`'s) of --repo/-c or --run."""
    from spectui.core.analysis.status import exposure_status
    from spectui.core.butler.repo import datastore_roots, open_repo, refuse_inside_repository

    repo_path, collection = repo_and_collection(repo, collection, run_name)
    butler = open_repo(repo_path)
    refuse_inside_repository(list(outputs), datastore_roots(butler))
    status = exposure_status(butler, collection, selection)
    warn_unmatched_targets(repo_path, selection, butler)
    return repo_path, collection, status


def results_of_run(name: str, option: str):
    """The results file of a registered run, or of a collection (`<collection>.parquet` here), or the file NAME
    itself; else a BadInput."""
    from spectui.core.analysis.result_files import file_name_for
    from spectui.core.analysis.run_sides import resolve_side
    from spectui.core.analysis.runs import load_runs
    from spectui.core.errors import BadInput

    side = resolve_side(name, "")
    if side.results is not None:
        return side.results
    path = user_path(name)
    if path.is_file():
        return path
    if name.lower().endswith(TABLE_SUFFIXES):
        raise BadInput(f"no results file {name}.")
    if name in load_runs():
        raise BadInput(f"run {name!r} has no results file on disk: pass {option} FILE, or register one with "
                       "`spectui runs add NAME --file extracted=PATH`.")
    raise BadInput(f"unknown run {name!r}: not in the run registry (`spectui runs list`), not a file, and no "
                   f"{file_name_for(name)} here.")


def _write(kind: str, results: str, output: str, *, cuts: tuple[str, ...], dpi: int, **settings) -> None:
    from pathlib import Path

    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.figures.files import check_figure_path, write_figure
    from spectui.core.figures.screen_figures import titled
    from spectui.core.figures.spec import FigureSpec, figure_data

    check_figure_path(output)
    spec = FigureSpec(kind=kind, cuts=tuple(cuts), **settings)
    figure = figure_data(read_results(results), spec)
    write_figure(titled(figure, Path(results).name), output, dpi=dpi)
    say(f"wrote {output}: {figure.selected:,} of {figure.rows:,} rows")
