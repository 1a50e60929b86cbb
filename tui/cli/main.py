"""The `spectui` command: the TUI when called alone, headless subcommands for batch work."""

from __future__ import annotations

import click

from .analysis import compare, merge, missing, runs, stats
from .columns import columns
from .cuts import cuts
from .extract import extract
from .open_files import open_files
from .options import SpectuiGroup, app_options, repo_option
from .plot import plot
from .repo import collections, demo, exposures
from .report import report


@click.group("spectui", cls=SpectuiGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@repo_option
@click.option("--collection", "-c", metavar="NAME", help="Collection to open.")
@click.option("--run", "run_name", metavar="NAME", help="A run from the run registry (repo + collection).")
@app_options
@click.version_option(package_name="spectui")
@click.pass_context
def main(ctx: click.Context, repo: str | None, collection: str | None, run_name: str | None, theme: str | None,
         no_mouse: bool) -> None:
    """spectui: AuxTel spectroscopy results from a Butler repository, in the terminal.

    Run alone to open the app (on the demo repository when no repository is configured).
    """
    if ctx.invoked_subcommand is not None:
        given_before_the_command(collection, run_name)
        return
    from .launch import launch_app

    launch_app(repo=repo, collection=collection, run_name=run_name, theme=theme, mouse=not no_mouse)


for command in (demo, collections, exposures, extract, merge, missing, stats, cuts, runs, compare, plot,
                open_files):
    main.add_command(command)
main.add_command(columns)
main.add_command(report)


def given_before_the_command(collection: str | None, run_name: str | None) -> None:
    """A collection or run before a command is refused (`spectui --repo R COMMAND` means R: see configured_repo)."""
    from spectui.core.errors import BadInput

    misplaced = [name for name, value in (("--collection", collection), ("--run", run_name)) if value]
    if misplaced:
        raise BadInput(f"{', '.join(misplaced)} before the command only opens the app: give it after the command "
                       "(e.g. `spectui exposures -c NAME`).")
