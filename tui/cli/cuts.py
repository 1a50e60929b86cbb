"""Command-line commands for quality cuts: list, add, remove, import and export the team's files, apply,
compare."""

from __future__ import annotations

import click

from .columns import named_expression_arguments
from .options import output_help, say


def _frame_text(frame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.4g}") if len(frame) else "(no rows)"


@click.group()
def cuts() -> None:
    """Named quality cuts saved in the config dir: an expression (e.g. 'CHI2_FIT<30 & 186.7<D2CCD<187.4'),
    per-filter ranges imported from the team's JSON files, or both."""


@cuts.command("list")
def cuts_list() -> None:
    """The saved cuts, each per-filter range on a line of its own."""
    from spectui.core.analysis.cuts import load_cuts

    saved = load_cuts()
    if not saved:
        say("no quality cut saved yet; add one with `spectui cuts add NAME EXPRESSION` or "
            "`spectui cuts import cuts_NAME.json`.")
    for cut in saved.values():
        click.echo(cut.line())


@cuts.command("add")
@named_expression_arguments("cut", "Also check it against a results file's columns.")
def cuts_add(name: str, expression: str, description: str, replace: bool, check_file: str | None) -> None:
    """Save EXPRESSION as the quality cut NAME."""
    from spectui.core.analysis.cuts import add_cut

    passing = ""
    if check_file:
        from spectui.core.analysis.derived_columns import read_results
        from spectui.core.tables.expressions import parse_expression

        frame = read_results(check_file)
        passing = f"; {int(parse_expression(expression, frame).mask(frame).sum())} of {len(frame)} rows pass"
    cut = add_cut(name, expression, description, replace=replace)
    say(f"saved quality cut {cut.name!r}{passing}")


@cuts.command("remove")
@click.argument("name")
def cuts_remove(name: str) -> None:
    """Delete the quality cut NAME."""
    from spectui.core.analysis.cuts import remove_cut

    say(f"removed quality cut {remove_cut(name).name!r}")


@cuts.command("import")
@click.argument("file", metavar="FILE.json")
@click.option("--name", metavar="NAME", help="Name of the cut (default: the file name without cuts_ and .json).")
@click.option("--description", "-d", default="", help="What the cut is for (default: where it came from).")
@click.option("--replace", is_flag=True, help="Overwrite a cut of the same name.")
@click.option("--check", "check_file", metavar="RESULTS",
              help="Also accept the columns of this results file, and count the rows each filter keeps.")
def cuts_import(file: str, name: str | None, description: str, replace: bool, check_file: str | None) -> None:
    """Import a team cut file ({column: {filter: {min, max}}}, e.g. cuts_finaldecision.json) as a cut.

    The notebooks' column names become spectui's (_x/_ram: _spectrogram, _y/_rum: _spectrum); a filter may be
    the filter part of the physical filter (BG40_65mm_1) or the whole of it (BG40_65mm_1~holo4_003).
    """
    from spectui.core.analysis.cut_files import default_cut_name, import_ranges, read_cut_file
    from spectui.core.analysis.cuts import Cut, add_cut, cut_mask, kept_counts
    from spectui.core.analysis.derived_columns import load_derived_columns

    known = set(load_derived_columns())
    frame = None
    if check_file:
        from spectui.core.analysis.derived_columns import read_results

        frame = read_results(check_file)
        known |= {str(c) for c in frame.columns}
    name = name or default_cut_name(file)
    imported = import_ranges(read_cut_file(file), known, file)
    if frame is not None:
        counts = kept_counts(frame, cut_mask(frame, Cut(name, "", "", imported.ranges)))
    cut = add_cut(name, "", description or f"imported from {file}", ranges=imported.ranges, replace=replace)
    filters = sorted({f for per_filter in cut.ranges.values() for f in per_filter})
    columns = f"{len(cut.ranges)} column" + ("s" if len(cut.ranges) != 1 else "")
    say(f"saved quality cut {cut.name!r}: {columns}, filters {', '.join(filters)}")
    if imported.renamed:
        say("renamed: " + ", ".join(f"{old} -> {new}" for old, new in imported.renamed.items()))
    if frame is not None:
        click.echo(_frame_text(counts))


@cuts.command("export")
@click.argument("name")
@click.option("-o", "--output", required=True, metavar="FILE.json", help="The cut file to write.")
@click.option("--names", type=click.Choice(["notebook", "spectui"]), default="notebook", show_default=True,
              help="Column names as the notebooks write them (_ram/_rum) or as spectui does.")
def cuts_export(name: str, output: str, names: str) -> None:
    """Write the per-filter ranges of cut NAME as a team cut file ({column: {filter: {min, max}}})."""
    from spectui.core.analysis.cut_files import write_cut_file
    from spectui.core.analysis.cuts import get_cut
    from spectui.core.errors import BadInput

    cut = get_cut(name)
    if not cut.ranges:
        raise BadInput(f"quality cut {name!r} has no per-filter ranges to export (only {cut.expression!r}).")
    if cut.expression:
        say(f"note: the expression of {name!r} ({cut.expression}) has no place in a cut file; left out.")
    write_cut_file(cut.ranges, output, notebook_names=names == "notebook")
    say(f"wrote {len(cut.ranges)} columns of {name!r} to {output}")


@cuts.command("apply")
@click.argument("name")
@click.argument("results", metavar="RESULTS")
@click.option("-o", "--output", metavar="FILE", help=output_help("The rows kept"))
@click.option("--by", metavar="COLUMN", help="Also count per value of this column (e.g. TARGET).")
@click.option("--trust-pickle", is_flag=True, help="Allow a pickled .npy input (only for files you trust).")
def cuts_apply(name: str, results: str, output: str | None, by: str | None, trust_pickle: bool) -> None:
    """Rows of RESULTS kept by cut NAME, per filter (and per --by value); -o writes them."""
    from spectui.core.analysis.cuts import cut_mask, get_cut, kept_counts
    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.tables.table_io import check_output_path, write_table

    if output:
        check_output_path(output)
    cut = get_cut(name)
    frame = read_results(results, trust_pickle=trust_pickle)
    mask = cut_mask(frame, cut)
    counts = kept_counts(frame, mask, by)
    say(f"{int(mask.sum())} of {len(frame)} rows pass {name!r}")
    click.echo(_frame_text(counts))
    if output and write_table(frame[mask.to_numpy(dtype=bool)], output):
        say(f"wrote {int(mask.sum())} rows to {output}")


@cuts.command("compare")
@click.argument("name_a", metavar="NAME_A")
@click.argument("name_b", metavar="NAME_B")
@click.argument("results", metavar="RESULTS")
@click.option("--column", "-C", "column_name", metavar="COLUMN",
              help="Column to describe under each cut (default: the PWV column, spectrum fit first).")
@click.option("--trust-pickle", is_flag=True, help="Allow a pickled .npy input (only for files you trust).")
def cuts_compare(name_a: str, name_b: str, results: str, column_name: str | None, trust_pickle: bool) -> None:
    """Per filter: rows kept by cut A, by B, by both, by one only, and median and robust sigma of a column."""
    from spectui.core.analysis.cuts import compare_cuts, cut_mask, default_compare_column, get_cut
    from spectui.core.analysis.derived_columns import read_results
    from spectui.core.analysis.stats import numeric

    cut_a, cut_b = get_cut(name_a), get_cut(name_b)
    frame = read_results(results, trust_pickle=trust_pickle)
    column_name = column_name or default_compare_column(frame)
    numeric(frame, column_name)
    table = compare_cuts(frame, cut_mask(frame, cut_a), cut_mask(frame, cut_b), column_name)
    click.echo(f"A = {name_a}\nB = {name_b}\n{column_name}: median and robust sigma (MAD) under each\n")
    click.echo(_frame_text(table))
