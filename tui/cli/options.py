"""Options shared by the command line's subcommands, and the error handling every command goes through."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

import click

from spectui.core.errors import BadInput, SpectuiError

HELP_SCREENS = tuple(getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",)
                     if hasattr(click.exceptions, name))


class SpectuiGroup(click.Group):
    """A click group that prints spectui errors and usage mistakes as one line on stderr and exits 2, never a
    traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            usage_mistake(exc)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            usage_mistake(exc)
        except SpectuiError as exc:
            click.echo(f"spectui: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("spectui: interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)


def usage_mistake(exc: click.UsageError) -> NoReturn:
    """Print a mistake in how a command was typed as one line pointing to its help, and exit 2."""
    if isinstance(exc, HELP_SCREENS):
        raise exc
    where = f" See `{exc.ctx.command_path} --help`." if exc.ctx is not None else ""
    message = " ".join(exc.format_message().split())
    click.echo(f"spectui: error: {message}{where}", err=True)
    sys.exit(exc.exit_code)


def output_help(what: str) -> str:
    """The help of an output option: what the file holds, then every format it can be written in."""
    from spectui.core.tables.table_io import WRITE_FORMATS

    *first, last = WRITE_FORMATS
    return (f"{what}, by extension: {', '.join(first)} or {last} (a record array, no pickle); - for CSV on "
            "stdout.")


def configured_repo(repo: str | None) -> str | None:
    """The repository named by the command's --repo, then by `spectui --repo` before the command, then
    SPECTUI_REPO, then the settings; None when none names one."""
    from spectui.core.settings import load_settings

    context = click.get_current_context(silent=True)
    before = context.find_root().params.get("repo") if context is not None else None
    return repo or before or os.environ.get("SPECTUI_REPO") or load_settings().repo


def resolve_repo(repo: str | None) -> str:
    """The repository to use: --repo, then SPECTUI_REPO, then the configured one, then the built demo."""
    configured = configured_repo(repo)
    if configured:
        return configured
    from spectui.core.demo.build import default_demo_path, is_demo_repo

    demo = default_demo_path()
    if is_demo_repo(demo):
        return str(demo)
    raise BadInput("no repository: pass --repo PATH (or run `spectui demo` to build the demo repository).")


def repo_option(func: Callable) -> Callable:
    """--repo: a repository path, alias or Butler server URL."""
    return click.option("--repo", "-r", metavar="REPO",
                        help="Butler repository: path, alias or Butler server URL (default: SPECTUI_REPO, the config, "
                             "the demo).")(func)


def app_options(func: Callable) -> Callable:
    """--theme and --no-mouse: how the app looks and whether it takes the mouse."""
    func = click.option("--no-mouse", is_flag=True,
                        help="Leave the mouse to the terminal (text selection over SSH).")(func)
    return click.option("--theme", metavar="NAME", help="Colour theme.")(func)


def run_option(func: Callable) -> Callable:
    """--run: a registered run, in place of --repo and --collection."""
    return click.option("--run", "run_name", metavar="NAME",
                        help="A run from the run registry (gives the repository and collection).")(func)


def collection_option(func: Callable) -> Callable:
    """--collection: the collection holding the Spectractor outputs."""
    return click.option("--collection", "-c", metavar="NAME",
                        help="Collection with the Spectractor outputs.")(func)


def repo_and_collection(repo: str | None, collection: str | None, run_name: str | None) -> tuple[str, str]:
    """The repository and collection from --run, or from --repo/--collection."""
    if run_name:
        run = registered_run(run_name, repo, collection)
        if not run.collection:
            raise BadInput(f"run {run_name!r} has no Butler collection (its results are files only).")
        return resolve_repo(repo or run.repo or None), run.collection
    if not collection:
        raise BadInput("no collection: pass --collection NAME or --run NAME.")
    return resolve_repo(repo), collection


def repo_of_run(repo: str | None, run_name: str | None) -> str:
    """The repository from --run's registry entry or --repo, else the default one."""
    if run_name:
        run = registered_run(run_name, repo, None)
        repo = repo or run.repo or None
    return resolve_repo(repo)


def registered_run(run_name: str, repo: str | None, collection: str | None):
    """The registered run --run names, refused when a --repo or --collection given with it says otherwise."""
    from spectui.core.analysis.runs import get_run

    run = get_run(run_name)
    check_run_agrees(run, repo, collection)
    return run


def check_run_agrees(run, repo: str | None, collection: str | None) -> None:
    """Refuse a --repo or --collection that differs from what a registered run gives: one line, no guessing."""
    from spectui.core.butler.collection_search import same_repo

    if repo and run.repo and not same_repo(run.repo, repo):
        raise BadInput(f"run {run.name!r} is in repository {run.repo}, not --repo {repo}: pass one or the other.")
    if collection and collection != run.collection:
        given = run.collection or "no collection (files only)"
        raise BadInput(f"run {run.name!r} gives {given}, not --collection {collection}: pass one or the other.")


def day_obs_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """Turn a YYYYMMDD option into an int, or a one-line error."""
    if value is None:
        return None
    from spectui.core.butler.exposures import parse_day_obs

    return parse_day_obs(value, f"--{param.name}")


def selection_options(func: Callable) -> Callable:
    """The exposure selection options of `spectui exposures`, shared with every command that selects exposures."""
    options = [
        click.option("--since", callback=day_obs_callback, metavar="YYYYMMDD", help="First day_obs included."),
        click.option("--until", callback=day_obs_callback, metavar="YYYYMMDD", help="Last day_obs included."),
        click.option("--disperser", "dispersers", multiple=True, metavar="D",
                     help="Disperser (glob; repeatable). Default: every holo4 disperser."),
        click.option("--filter", "filters", multiple=True, metavar="F",
                     help="Filter, e.g. OG550_65mm_1 or a full physical filter (glob; repeatable)."),
        click.option("--target", "targets", multiple=True, metavar="T", help="Target name (repeatable)."),
        click.option("--where", default="", metavar="EXPR", help="Extra Butler where expression, ANDed."),
        click.option("--all-types", is_flag=True, help="Every observation type, not only science."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def selection_from(kwargs: dict):
    """An ExposureSelection from the parsed selection options (removed from kwargs)."""
    from spectui.core.butler.exposures import ExposureSelection, check_selection

    selection = ExposureSelection(
        since=kwargs.pop("since"), until=kwargs.pop("until"), dispersers=tuple(kwargs.pop("dispersers")),
        filters=tuple(kwargs.pop("filters")), targets=tuple(kwargs.pop("targets")), where=kwargs.pop("where"),
        all_types=kwargs.pop("all_types"))
    check_selection(selection)
    return selection


def warn_unmatched_targets(repo: str, selection, butler=None, *, none_is_error: bool = False) -> None:
    """A warning on stderr for each --target that no exposure of the selection has (asking `butler` if open);
    with `none_is_error`, one error line when no target is there at all (nothing would be selected)."""
    if not selection.targets:
        return
    from spectui.core.butler.exposures import target_warnings
    from spectui.core.butler.repo import open_repo

    warnings = target_warnings(butler or open_repo(repo), selection)
    if none_is_error and len(warnings) == len(selection.targets):
        raise BadInput("; ".join(warnings).rstrip(".") + ": nothing to extract.")
    for warning in warnings:
        say(f"warning: {warning}")


def say(message: str) -> None:
    """A message for the user: always on stderr, so stdout stays data."""
    click.echo(message, err=True)


def aligned_lines(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of text cells as plain lines, every column but the last padded to its widest cell."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[-1]]).rstrip()
            for row in rows]
