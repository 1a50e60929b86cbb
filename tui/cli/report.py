"""`spectui report`: a collection's multi-page PDF report (summary, efficiency, fit parameters, comparison)."""

from __future__ import annotations

import shlex

import click

from .options import collection_option, repo_option, run_option, say, selection_from, selection_options
from .plot import registry_status, results_of_run


@click.command()
@repo_option
@collection_option
@run_option
@selection_options
@click.option("--results", metavar="FILE",
              help="The collection's results table (default: the run's registered file, "
                   "<collection>.parquet here, else extracted now).")
@click.option("--cut", "cuts", multiple=True, metavar="NAME",
              help="Apply a saved quality cut to the parameter plots (repeatable; see `spectui cuts`).")
@click.option("--compare", "compare_run", metavar="RUN",
              help="Also compare with this run's results (a registered run or a collection's results file).")
@click.option("-o", "--output", required=True, metavar="FILE", help="The report, a .pdf file.")
@click.pass_context
def report(ctx: click.Context, repo: str | None, collection: str | None, run_name: str | None,
           results: str | None, cuts: tuple[str, ...], compare_run: str | None, output: str, **kwargs) -> None:
    """A PDF report of a collection: summary page, efficiency, histograms, series and scatters of the main fit
    parameters (PWV, ozone, VAOD) per filter, and with --compare the per-visit differences to another run."""
    from spectui.core.analysis.cuts import get_cut
    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.figures.files import check_figure_path
    from spectui.core.figures.report import ReportInputs, check_report_path, write_report
    from spectui.core.figures.report_pages import selection_text

    check_figure_path(output)
    check_report_path(output)
    for name in cuts:
        get_cut(name)
    selection = selection_from(dict(kwargs))
    compare_path = results_of_run(compare_run, "--compare") if compare_run else None
    repo_path, collection, status = registry_status(repo, collection, run_name, selection, [output])
    results_path = results or _results_file(ctx, collection, run_name, repo_path)
    inputs = ReportInputs(
        repo_path, collection, selection_text(selection), status, read_results(results_path), str(results_path),
        command_line(ctx), tuple(cuts), compare_run or "",
        read_results(compare_path) if compare_path else None)
    written = write_report(inputs, output)
    say(f"wrote {output}: {written.pages} pages, {len(status):,} exposures, {len(inputs.results):,} visits "
        f"in the results")


def _results_file(ctx: click.Context, collection: str, run_name: str | None, repo: str):
    """The collection's results file when it exists, else the collection extracted there with `spectui extract`."""
    from spectui.core.analysis.result_files import existing_results, proposed_output

    found = existing_results(collection, run_name)
    if found is not None:
        return found
    from .extract import extract

    target = proposed_output(collection, run_name)
    say(f"no results table for {collection}: extracting it to {target}")
    params = ctx.params
    ctx.invoke(extract, repo=repo, collection=collection, output=str(target),
               **{k: params[k] for k in ("since", "until", "dispersers", "filters", "targets", "where",
                                         "all_types")})
    return target


def command_line(ctx: click.Context) -> str:
    """The command as it could be typed again: its name and every option given, in canonical spelling."""
    parts = ctx.command_path.split()[:1] + [ctx.info_name]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value in (None, False, (), "") or param.name == "help":
            continue
        flag = max(param.opts, key=len)
        if isinstance(param, click.Argument):
            parts.append(shlex.quote(str(value)))
        elif getattr(param, "is_flag", False):
            parts.append(flag)
        else:
            for item in value if isinstance(value, tuple) else (value,):
                parts += [flag, shlex.quote(str(item))]
    return " ".join(parts)
