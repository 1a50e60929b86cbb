"""Command-line commands for derived columns: named expressions that add a column to every results table."""

from __future__ import annotations

from collections.abc import Callable

import click

from .options import say


def named_expression_arguments(what: str, check_help: str) -> Callable[[Callable], Callable]:
    """NAME, EXPRESSION, --description, --replace and --check: how a named expression (a cut, a column) is added."""

    def decorate(func: Callable) -> Callable:
        func = click.option("--check", "check_file", metavar="FILE", help=check_help)(func)
        func = click.option("--replace", is_flag=True, help=f"Overwrite a {what} of the same name.")(func)
        func = click.option("--description", "-d", default="", help=f"What the {what} is for.")(func)
        return click.argument("name")(click.argument("expression")(func))

    return decorate


@click.group()
def columns() -> None:
    """Derived columns saved in the config dir, added to results tables in this order (e.g. 'PWV_diff' as
    '`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`'); stats, --rows and cuts can use them."""


@columns.command("list")
def columns_list() -> None:
    """The saved derived columns, in the order they are added."""
    from spectui.core.analysis.derived_columns import load_derived_columns

    saved = load_derived_columns()
    if not saved:
        say("no derived column saved yet; add one with `spectui columns add NAME EXPRESSION`.")
    for column in saved.values():
        click.echo(column.line())


@columns.command("add")
@named_expression_arguments("derived column", "Also compute it on a results file first.")
def columns_add(name: str, expression: str, description: str, replace: bool, check_file: str | None) -> None:
    """Save EXPRESSION as the derived column NAME, e.g. airmass '1/cos(radians(ex_zenith_angle))'."""
    from spectui.core.analysis.derived_columns import DerivedColumn, add_derived_column, derived_values

    computed = ""
    if check_file:
        from spectui.core.tables.table_io import read_table

        frame = read_table(check_file)
        values = derived_values(frame, DerivedColumn(name, expression))
        computed = f"; {int(values.notna().sum())} of {len(frame)} rows have a value"
    column = add_derived_column(name, expression, description, replace=replace)
    say(f"saved derived column {column.name!r}{computed}")


@columns.command("remove")
@click.argument("name")
def columns_remove(name: str) -> None:
    """Delete the derived column NAME."""
    from spectui.core.analysis.derived_columns import remove_derived_column

    say(f"removed derived column {remove_derived_column(name).name!r}")
