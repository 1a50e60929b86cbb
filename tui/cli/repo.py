"""Command-line commands over a repository: build the demo, search collections, list exposures."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from spectui.core.paths import user_path

from .options import (
    aligned_lines,
    output_help,
    repo_of_run,
    repo_option,
    run_option,
    say,
    selection_from,
    selection_options,
    warn_unmatched_targets,
)


@click.command()
@click.option("--path", "path", type=click.Path(path_type=Path), default=None,
              help="Where to build it (default: the user data directory).")
@click.option("--nights", default=8, show_default=True, type=click.IntRange(1, 400),
              help="Observing nights (~300 exposures each); 100 gives ~30k exposures.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed: same seed, same repository.")
@click.option("--force", is_flag=True, help="Rebuild even if a demo repository is already there.")
def demo(path: Path | None, nights: int, seed: int, force: bool) -> None:
    """Build the demo repository (a real Butler repository like AuxTel's) and print its path.

    When it is built already, print its path and leave it as it is (--force rebuilds it), so that
    `REPO=$(spectui demo)` always works.
    """
    from spectui.core.demo.build import build_demo, default_demo_path, demo_summary, is_demo_repo

    target = user_path(path or default_demo_path()).absolute()
    if is_demo_repo(target) and not force:
        say(f"the demo repository is already at {target} ({demo_summary(target)}); --force rebuilds it.")
        click.echo(str(target))
        return
    built = build_demo(target, nights=nights, seed=seed, force=force, progress=say)
    click.echo(str(built))


@click.command()
@click.argument("pattern", default="*")
@repo_option
@run_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: aligned text, every name whole (plain when piped); csv or json: for programs.")
@click.option("--no-counts", is_flag=True, help="Skip counting datasets (faster on huge repositories).")
@click.option("--all-types", is_flag=True, help="Also show _config/_log/_metadata dataset types.")
@click.option("--user", metavar="NAME", help="Only NAME's collections: the same as the pattern u/NAME/*.")
def collections(pattern: str, repo: str | None, run_name: str | None, fmt: str, no_counts: bool,
                all_types: bool, user: str | None) -> None:
    """Collections matching PATTERN (glob; comma-separated for several), with types and dataset counts.

    CSV rows are printed as each collection is counted, so the first shows at once on a large search.
    """
    from spectui.core.butler.collections import each_collection
    from spectui.core.butler.repo import open_repo
    from spectui.core.errors import BadInput

    if user is not None:
        if pattern != "*":
            raise BadInput("give a PATTERN or --user, not both (--user NAME is the pattern u/NAME/*).")
        pattern = f"u/{user}/*"
    butler = open_repo(repo_of_run(repo, run_name))
    found = each_collection(butler, pattern, counts=not no_counts, show_hidden=all_types)
    if fmt == "csv":
        _write_csv(found, pattern)
        return
    found = list(found)
    if not found:
        say(f"no collection matches {pattern!r}.")
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([{"name": c.name, "type": c.type, "children": list(c.children),
                                "dataset_types": c.dataset_types, "spectractor": c.has_spectractor,
                                "doc": c.doc} for c in found], indent=1))
        return
    rows = _collection_rows(found)
    if sys.stdout.isatty():
        _print_terminal_table(rows)
    else:
        for line in aligned_lines([COLLECTION_HEADER, *rows]):
            click.echo(line)


def _write_csv(found, pattern: str) -> None:
    """The collections as CSV, each row written (and flushed) as soon as it is known."""
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(["name", "type", "children", "dataset_types", "spectractor"])
    written = 0
    for c in found:
        writer.writerow([c.name, c.type, ";".join(c.children),
                         ";".join(f"{t}={n}" for t, n in c.dataset_types.items()), c.has_spectractor])
        sys.stdout.flush()
        written += 1
    if not written:
        say(f"no collection matches {pattern!r}.")


COLLECTION_HEADER = ("collection", "type", "spectractor", "dataset types")
TYPES_MIN_WIDTH = 20
CELL_PADDING = 2


def _collection_rows(found) -> list[tuple[str, ...]]:
    """One row per collection, then one per chain child (its name indented, the other cells empty)."""
    rows = []
    for c in found:
        types = ", ".join(f"{t} {n}" if n >= 0 else t for t, n in c.dataset_types.items())
        rows.append((c.name, c.type, "yes" if c.has_spectractor else "", types))
        rows += [(f"  └ {child}", "", "", "") for child in c.children]
    return rows


def collections_table(rows: list[tuple[str, ...]]):
    """The rows as a rich table whose collection column is never wrapped nor cut, and the width it needs."""
    from rich.table import Table

    widths = [max(len(row[k]) for row in [COLLECTION_HEADER, *rows]) for k in range(len(COLLECTION_HEADER))]
    table = Table(box=None, header_style="bold")
    table.add_column(COLLECTION_HEADER[0], no_wrap=True, min_width=widths[0])
    for column in COLLECTION_HEADER[1:]:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    return table, sum(width + CELL_PADDING for width in widths[:-1]) + CELL_PADDING + TYPES_MIN_WIDTH


def _print_terminal_table(rows: list[tuple[str, ...]]) -> None:
    """The table in the terminal's width, or wider when the names need it (the terminal then wraps lines)."""
    from rich.console import Console

    table, needed = collections_table(rows)
    console = Console()
    console.width = max(console.width, needed)
    console.print(table)


@click.command()
@repo_option
@run_option
@selection_options
@click.option("-o", "--output", required=True, metavar="FILE",
              help=output_help("Output file"))
def exposures(repo: str | None, run_name: str | None, output: str, **kwargs) -> None:
    """List exposures (science hologram exposures by default) to a file."""
    from spectui.core.butler.exposures import query_exposures
    from spectui.core.butler.repo import datastore_roots, open_repo, refuse_inside_repository
    from spectui.core.tables.table_io import check_output_path, write_table

    selection = selection_from(kwargs)
    check_output_path(output)
    repo_path = repo_of_run(repo, run_name)
    butler = open_repo(repo_path)
    refuse_inside_repository([output], datastore_roots(butler))
    frame = query_exposures(butler, selection)
    warn_unmatched_targets(repo_path, selection, butler)
    written = write_table(frame, output)
    if written:
        say(f"wrote {len(frame)} exposures to {written}")
