"""Derived columns: named expressions saved in the config dir, each adding a column to every results table.

They are added in the order they were saved, so a later one may use an earlier one
(e.g. `airmass = 1/cosd(zenith_angle)`, then `PWV_per_airmass = PWV_mm / airmass`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import BadInput
from ..tables.expressions import UnknownColumn, column_values
from .named_files import NamedExpression, check_name, expression_file


class DerivedColumn(NamedExpression):
    """A saved column computed from the others by an expression."""


DERIVED = expression_file(DerivedColumn, "derived column", "columns.toml",
                          "none is saved yet; add one with `spectui columns add`.", order=None)


def load_derived_columns(path: Path | None = None) -> dict[str, DerivedColumn]:
    """Every saved derived column by name, in the order they are added to a table."""
    return DERIVED.load(path)


def add_derived_column(name: str, expression: str, description: str = "", *, replace: bool = False,
                       path: Path | None = None) -> DerivedColumn:
    """Check the expression's syntax and save the column; an existing name is only changed with `replace`."""
    check_name(name, "derived column")
    return DERIVED.add_expression(DerivedColumn(name, expression, description),
                                  "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`", replace=replace, path=path)


def remove_derived_column(name: str, path: Path | None = None) -> DerivedColumn:
    """Delete a saved derived column and return it."""
    return DERIVED.remove(name, path)


def add_derived_columns(frame, columns: Iterable[DerivedColumn], *, lenient: bool = False):
    """`frame` with each derived column added in turn; errors name the derived column and its problem.

    With `lenient`, a column needing a column the table lacks, or named like one it has, is left out instead.
    """
    out = frame.copy(deep=False)
    for column in columns:
        if column.name in out.columns:
            if lenient:
                continue
            raise BadInput(f"derived column {column.name!r}: the table has a column of that name already; "
                           "rename the derived column.")
        try:
            out[column.name] = column_values(out, column.expression)
        except UnknownColumn as exc:
            if not lenient:
                raise BadInput(f"derived column {column.name!r}: {exc.message}") from None
        except BadInput as exc:
            raise BadInput(f"derived column {column.name!r}: {exc.message}") from None
    return out


def with_derived_columns(frame, path: Path | None = None):
    """`frame` with every saved derived column it has the inputs for."""
    return add_derived_columns(frame, load_derived_columns(path).values(), lenient=True)


def derived_values(frame, column: DerivedColumn, path: Path | None = None):
    """The values `column` takes on `frame`, after the other saved derived columns (to check one before saving)."""
    others = [c for c in load_derived_columns(path).values() if c.name != column.name]
    return add_derived_columns(add_derived_columns(frame, others, lenient=True), [column])[column.name]


def read_results(source, *, trust_pickle: bool = False, path: Path | None = None):
    """A results table read for analysis: the file's columns, then the saved derived columns."""
    from ..tables.table_io import read_table

    return with_derived_columns(read_table(source, trust_pickle=trust_pickle), path)


def with_saved_columns(frame):
    """(frame with the saved derived columns it has inputs for, their expressions by name, a problem or None).

    A saved column that cannot be computed leaves the frame as it was, with the problem to say.
    """
    try:
        saved = load_derived_columns()
        frame = with_derived_columns(frame)
    except BadInput as exc:
        return frame, {}, exc
    return frame, {name: column.expression for name, column in saved.items() if name in frame.columns}, None
