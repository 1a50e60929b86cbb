"""`spectui plot`: figure files (PNG, PDF, SVG) of a results table: histograms, series against time, scatters."""

from __future__ import annotations

from collections.abc import Callable

import click

from .options import say

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


def _write(kind: str, results: str, output: str, *, cuts: tuple[str, ...], **settings) -> None:
    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.figures.files import check_figure_path, write_figure
    from spectui.core.figures.spec import FigureSpec, figure_data

    check_figure_path(output)
    spec = FigureSpec(kind=kind, cuts=tuple(cuts), **settings)
    figure = figure_data(read_results(results), spec)
    write_figure(figure, output)
    say(f"wrote {output}: {figure.selected:,} of {figure.rows:,} rows")
