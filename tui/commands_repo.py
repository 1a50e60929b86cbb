"""Command-line commands over a repository: build the demo, search collections, list exposures."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_options import repo_of_run, repo_option, run_option, say, selection_from, selection_options


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

    target = (path or default_demo_path()).expanduser().absolute()
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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--no-counts", is_flag=True, help="Skip counting datasets (faster on huge repositories).")
@click.option("--all-types", is_flag=True, help="Also show _config/_log/_metadata dataset types.")
def collections(pattern: str, repo: str | None, run_name: str | None, fmt: str, no_counts: bool,
                all_types: bool) -> None:
    """Collections matching PATTERN (glob; comma-separated for several), with types and dataset counts."""
    from spectui.core.collections import search_collections
    from spectui.core.repo import open_repo

    butler = open_repo(repo_of_run(repo, run_name))
    found = search_collections(butler, pattern, counts=not no_counts, show_hidden=all_types)
    if not found:
        say(f"no collection matches {pattern!r}.")
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([{"name": c.name, "type": c.type, "children": list(c.children),
                                "dataset_types": c.dataset_types, "spectractor": c.has_spectractor,
                                "doc": c.doc} for c in found], indent=1))
        return
    if fmt == "csv":
        import csv
        import sys

        writer = csv.writer(sys.stdout)
        writer.writerow(["name", "type", "children", "dataset_types", "spectractor"])
        for c in found:
            writer.writerow([c.name, c.type, ";".join(c.children),
                             ";".join(f"{t}={n}" for t, n in c.dataset_types.items()), c.has_spectractor])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("collection", "type", "spectractor", "dataset types"):
        table.add_column(column)
    for c in found:
        types = ", ".join(f"{t} {n}" if n >= 0 else t for t, n in c.dataset_types.items())
        name = c.name + "".join(f"\n  └ {child}" for child in c.children)
        table.add_row(name, c.type, "yes" if c.has_spectractor else "", types)
    Console(soft_wrap=False).print(table)


@click.command()
@repo_option
@run_option
@selection_options
@click.option("-o", "--output", required=True, metavar="FILE",
              help="Output file: .csv, .parquet or .json by extension; - for CSV on stdout.")
def exposures(repo: str | None, run_name: str | None, output: str, **kwargs) -> None:
    """List exposures (science hologram exposures by default) to a file."""
    from spectui.core.exposures import query_exposures
    from spectui.core.repo import open_repo
    from spectui.core.tables import check_output_path, write_table

    selection = selection_from(kwargs)
    check_output_path(output)
    butler = open_repo(repo_of_run(repo, run_name))
    frame = query_exposures(butler, selection)
    written = write_table(frame, output)
    if written:
        say(f"wrote {len(frame)} exposures to {written}")
