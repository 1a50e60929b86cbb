"""Command-line commands for analysis: merge, missing, stats, runs, compare."""

from __future__ import annotations

import click

from spectui.core.paths import user_path

from .options import (
    aligned_lines,
    check_run_agrees,
    collection_option,
    output_help,
    repo_and_collection,
    repo_option,
    resolve_repo,
    run_option,
    say,
    selection_from,
    selection_options,
    warn_unmatched_targets,
)


def _frame_text(frame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.4g}") if len(frame) else "(no rows)"


@click.command()
@click.argument("spectra", metavar="SPECTRA")
@click.argument("exposure_file", metavar="EXPOSURES")
@click.option("-o", "--output", required=True, metavar="FILE", help=output_help("The merged table"))
@click.option("--how", type=click.Choice(["inner", "left", "right", "outer"]), default="inner",
              show_default=True,
              help="inner: in both; left: all results; right: all exposures (find missing); outer: all.")
@click.option("--trust-pickle", is_flag=True, help="Allow pickled .npy inputs (only for files you trust).")
def merge(spectra: str, exposure_file: str, output: str, how: str, trust_pickle: bool) -> None:
    """Merge extraction results (SPECTRA) with an exposure list (EXPOSURES) on the exposure id.

    The two files are told apart by their columns: given the other way round, they are swapped (with a note).
    """
    from spectui.core.analysis.merge import merge_files
    from spectui.core.tables.table_io import check_output_path, write_table

    check_output_path(output)
    merged, swapped = merge_files(spectra, exposure_file, how, trust_pickle=trust_pickle)
    if swapped:
        say(f"note: {spectra} is an exposure list and {exposure_file} the results: merged them the other way "
            "round.")
    if write_table(merged, output):
        say(f"wrote {len(merged)} rows ({how} join) to {output}")


@click.command()
@repo_option
@collection_option
@run_option
@selection_options
@click.option("-o", "--output", metavar="FILE", help=output_help("Per-exposure status file"))
@click.option("--summary", "summary_path", metavar="FILE",
              help=output_help("Summary file (total, ok, partial, missing, efficiency per group)"))
@click.option("--by", default="day_obs,physical_filter", show_default=True, metavar="COLS",
              help="Summary groups: comma-separated among day_obs, physical_filter, target, seq_num.")
@click.option("--requery", type=click.Choice(["missing", "not-ok", "all"]), is_flag=False,
              flag_value="missing", default=None,
              help="Print the pipetask/bps data queries that reprocess them (default: the missing ones).")
@click.option("--chunk", default=500, show_default=True, type=click.IntRange(1),
              help="Exposures per data query.")
def missing(repo: str | None, collection: str | None, run_name: str | None, output: str | None,
            summary_path: str | None, by: str, requery: str | None, chunk: int, **kwargs) -> None:
    """Status of every selected exposure in a collection (ok, partial, missing), from the registry alone.

    Without -o, --summary or --requery, prints the summary table.
    """
    from spectui.core.analysis.status import (
        absent_output_types,
        check_groups,
        exposure_status,
        reprocess_queries,
        summarize,
    )
    from spectui.core.butler.repo import datastore_roots, open_repo, refuse_inside_repository
    from spectui.core.errors import BadInput
    from spectui.core.tables.table_io import check_output_path, write_table

    selection = selection_from(kwargs)
    groups = check_groups([g.strip() for g in by.split(",") if g.strip()])
    if requery and "-" in (output, summary_path):
        raise BadInput("--requery prints to stdout: write the tables to files, not -.")
    if output == summary_path == "-":
        raise BadInput("-o and --summary cannot both go to stdout (-): write one of them to a file.")
    for path in (output, summary_path):
        if path:
            check_output_path(path)
    repo_path, collection = repo_and_collection(repo, collection, run_name)
    butler = open_repo(repo_path)
    refuse_inside_repository([output, summary_path], datastore_roots(butler))
    status = exposure_status(butler, collection, selection)
    warn_unmatched_targets(repo_path, selection, butler)
    summary = summarize(status, groups)
    for name in absent_output_types(butler, collection):
        say(f"note: {collection} holds no {name} at all.")
    counts = status["status"].value_counts()
    ok = int(counts.get("ok", 0))
    efficiency = f" (efficiency {ok / len(status):.1%})" if len(status) else ""
    say(f"{len(status)} exposures: {ok} ok, {int(counts.get('partial', 0))} partial, "
        f"{int(counts.get('missing', 0))} missing{efficiency}")
    if output and write_table(status, output):
        say(f"wrote {len(status)} exposures to {output}")
    if summary_path and write_table(summary, summary_path):
        say(f"wrote {len(summary)} groups to {summary_path}")
    if requery:
        wanted = {"missing": status["status"] == "missing", "not-ok": status["status"] != "ok",
                  "all": status["status"].notna()}[requery]
        queries = reprocess_queries(status.loc[wanted, "id"], chunk=chunk)
        say(f"{int(wanted.sum())} exposures in {len(queries)} data quer{'y' if len(queries) == 1 else 'ies'} "
            "(pass each to `pipetask run -d` or as bps dataQuery):")
        for query in queries:
            click.echo(query)
    if not (output or summary_path or requery):
        click.echo(_frame_text(summary))


@click.command()
@click.argument("file", metavar="FILE")
@click.option("--column", "-C", "column_name", required=True, metavar="COL",
              help="Numeric column to describe.")
@click.option("--by", metavar="COL", help="Also summarise per value of this column (e.g. FILTER, TARGET).")
@click.option("--bins", default=20, show_default=True, type=click.IntRange(1, 1000), help="Histogram bins.")
@click.option("--min", "low", type=float, help="Histogram lower edge (values below are counted apart).")
@click.option("--max", "high", type=float, help="Histogram upper edge (values above are counted apart).")
@click.option("--cut", "cuts", multiple=True, metavar="NAME", help="Apply a saved quality cut (repeatable).")
@click.option("--rows", default="", metavar="EXPR",
              help="Keep only the rows where EXPR holds: a table expression over the file's columns, e.g. "
                   "'`PWV [mm]_spectrum` > 2 and CHI2_FIT < 30'.")
@click.option("--where", "old_where", default="", hidden=True)
@click.option("--per-night", is_flag=True, help="Also print count, median and robust sigma per night.")
@click.option("--cumulative", is_flag=True, help="Also print cumulative counts per night and --by value.")
@click.option("--trust-pickle", is_flag=True, help="Allow a pickled .npy input (only for files you trust).")
def stats(file: str, column_name: str, by: str | None, bins: int, low: float | None, high: float | None,
          cuts: tuple[str, ...], rows: str, old_where: str, per_night: bool, cumulative: bool,
          trust_pickle: bool) -> None:
    """Histogram and robust statistics of one column of a results file (or a derived column)."""
    import numpy as np

    from spectui.core.analysis import stats as st
    from spectui.core.analysis.cuts import selection_mask
    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.errors import BadInput

    if rows and old_where:
        raise BadInput("--where is the old name of --rows: pass one of them.")
    option = "--where" if old_where else "--rows"
    rows = rows or old_where
    frame = read_results(file, trust_pickle=trust_pickle)
    st.numeric(frame, column_name)
    if by:
        st.column(frame, by)
    kept = frame[selection_mask(frame, cuts) & st.rows_mask(frame, rows, option)]
    if cuts or rows.strip():
        say(f"{len(kept)} of {len(frame)} rows pass the selection")
    values = st.numeric(kept, column_name)
    finite = values[np.isfinite(values)]
    median = f"{np.median(finite):.4g}" if len(finite) else "nan"
    sigma = st.robust_sigma(finite)
    click.echo(f"{column_name}: median {median}, robust sigma {sigma:.4g} over {len(finite)} values")
    click.echo(st.render_histogram(st.histogram(kept, column_name, bins=bins, lo=low, hi=high)))
    if by:
        click.echo("\n" + _frame_text(st.group_summary(kept, column_name, by)))
    if per_night:
        click.echo("\n" + _frame_text(st.nightly(kept, column_name)))
    if cumulative:
        click.echo("\n" + _frame_text(st.cumulative_per_night(kept, by or _default_group(kept))))


def _default_group(frame) -> str:
    from spectui.core.errors import BadInput
    from spectui.core.tables.column_notes import grouping_column

    found = grouping_column(frame.columns, "filter")
    if found is None:
        raise BadInput("--cumulative needs --by COL (no FILTER or filter column to count by).")
    return found


@click.group()
def runs() -> None:
    """The run registry: run names mapped to repository, collection, label and output files."""


@runs.command("list")
def runs_list() -> None:
    """Every registered run."""
    from spectui.core.analysis.runs import load_runs

    registered = load_runs()
    if not registered:
        say("no run registered; add one with `spectui runs add` or "
            "`spectui runs import BUTLER00_parameters.py`.")
        return
    for line in aligned_lines([(r.name, r.repo or "-", r.collection or "(files only)", r.label)
                               for r in registered.values()]):
        click.echo(line)


@runs.command("show")
@click.argument("name")
def runs_show(name: str) -> None:
    """Everything registered for run NAME."""
    import os

    from spectui.core.analysis.runs import get_run

    run = get_run(name)
    for key, value in (("name", run.name), ("repo", run.repo), ("collection", run.collection),
                       ("label", run.label), ("source", run.source)):
        if value:
            click.echo(f"{key}: {value}")
    for kind, path in run.files.items():
        click.echo(f"{kind}: {path}" + ("" if os.path.exists(path) else "  (not found)"))


@runs.command("add")
@click.argument("name")
@repo_option
@collection_option
@click.option("--label", default="", help="Human label, e.g. 'v3.2.1 (/repo/main, w_2025_49, ptc)'.")
@click.option("--file", "files", multiple=True, metavar="KIND=PATH",
              help="An output file of the run, e.g. extracted=results.parquet (repeatable).")
@click.option("--replace", is_flag=True, help="Overwrite a run of the same name.")
def runs_add(name: str, repo: str | None, collection: str | None, label: str, files: tuple[str, ...],
             replace: bool) -> None:
    """Register run NAME."""
    import os

    from spectui.core.analysis.runs import Run, save_runs
    from spectui.core.errors import BadInput

    paths = {}
    for item in files:
        kind, sep, path = item.partition("=")
        if not sep or not kind.strip() or not path.strip():
            raise BadInput(f"--file takes KIND=PATH (got {item!r}).")
        paths[kind.strip()] = os.path.abspath(user_path(path.strip()))
    if not collection and not paths:
        raise BadInput("a run needs --collection or at least one --file.")
    run = Run(name, resolve_repo(repo) if collection else (repo or ""), collection or "", label, paths)
    saved, _ = save_runs([run], replace_existing=replace)
    if not saved:
        raise BadInput(f"a run named {name!r} is registered already; pass --replace to change it.")
    say(f"registered run {name!r}")


@runs.command("remove")
@click.argument("name")
def runs_remove(name: str) -> None:
    """Delete run NAME from the registry (its files and collection are untouched)."""
    from spectui.core.analysis.runs import remove_run

    say(f"removed run {remove_run(name).name!r} from the registry")


@runs.command("import")
@click.argument("file", metavar="FILE")
@click.option("--replace", is_flag=True, help="Overwrite registered runs of the same names.")
@click.option("--dry-run", is_flag=True, help="Report only; register nothing.")
def runs_import(file: str, replace: bool, dry_run: bool) -> None:
    """Import the runs of a notebooks' BUTLER00_parameters.py (read, never executed)."""
    from spectui.core.analysis.runs import read_parameters, save_runs

    report = read_parameters(file)
    for problem in report.problems:
        say(f"problem: {problem}")
    if report.broken:
        say(f"not imported: {', '.join(sorted(report.broken))} (see the problems above)")
    if dry_run:
        say(f"{len(report.runs)} sound runs (dry run: nothing registered): "
            f"{', '.join(r.name for r in report.runs)}")
        return
    saved, skipped = save_runs(report.runs, replace_existing=replace)
    say(f"imported {len(saved)} runs" + (f": {', '.join(saved)}" if saved else ""))
    if skipped:
        say(f"kept {len(skipped)} already registered (pass --replace to overwrite): {', '.join(skipped)}")
    if report.active:
        say(f"the file's active run (version_run) is {report.active}")


@click.command()
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@repo_option
@selection_options
@click.option("--results-a", metavar="FILE", help="Results of RUN_A (default: its registered file).")
@click.option("--results-b", metavar="FILE", help="Results of RUN_B (default: its registered file).")
@click.option("--trust-pickle", is_flag=True, help="Allow pickled .npy results (only for files you trust).")
@click.option("-o", "--output", metavar="FILE", help=output_help("Per-exposure comparison file"))
def compare(run_a: str, run_b: str, repo: str | None, results_a: str | None, results_b: str | None,
            trust_pickle: bool, output: str | None, **kwargs) -> None:
    """Compare two runs (registered names or collections in --repo): gained, lost, changed, shifts."""
    from spectui.core.analysis.compare import compare_parameters, compare_status, transitions
    from spectui.core.errors import BadInput
    from spectui.core.tables.table_io import check_output_path, read_table, write_table

    selection = selection_from(kwargs)
    if output:
        check_output_path(output)
    sides = [_run_side(run_a, repo), _run_side(run_b, repo)]
    if all(s["collection"] for s in sides):
        from spectui.core.analysis.status import exposure_status
        from spectui.core.butler.repo import open_repo

        butlers: dict[str, object] = {}
        statuses = []
        for side in sides:
            butler = butlers.setdefault(side["repo"], open_repo(side["repo"]))
            statuses.append(exposure_status(butler, side["collection"], selection))
        warn_unmatched_targets(sides[0]["repo"], selection, butlers[sides[0]["repo"]])
        table = compare_status(*statuses)
        changes = table["change"].value_counts()
        click.echo(f"A = {run_a}\nB = {run_b}\n")
        click.echo(_frame_text(transitions(table).reset_index()))
        click.echo("\n" + ", ".join(f"{name} {int(changes.get(name, 0))}" for name in
                                    ("gained", "lost", "improved", "degraded", "same")))
        if output and write_table(table, output):
            say(f"wrote {len(table)} exposures to {output}")
    else:
        say("status comparison skipped: a run has no Butler collection.")
        if output:
            raise BadInput("-o needs two runs with Butler collections.")
    files = [results_a or sides[0]["results"], results_b or sides[1]["results"]]
    if all(files):
        shifts = compare_parameters(*(read_table(f, trust_pickle=trust_pickle) for f in files))
        click.echo("\n" + _frame_text(shifts))
    else:
        say("parameter comparison skipped: pass --results-a and --results-b (or register extracted files).")


def _run_side(name: str, repo: str | None) -> dict:
    """A registered run, or a collection name in --repo, as repo/collection/results file."""
    import os

    from spectui.core.analysis.runs import load_runs

    run = load_runs().get(name)
    if run is None:
        return {"repo": resolve_repo(repo), "collection": name, "results": None}
    check_run_agrees(run, repo, None)
    extracted = run.files.get("extracted")
    return {"repo": resolve_repo(repo or run.repo or None) if run.collection else "",
            "collection": run.collection,
            "results": extracted if extracted and os.path.exists(extracted) else None}
