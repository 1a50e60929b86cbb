"""Columns of an opened results file typed as their names call for: ids as integers, DATE-OBS as UTC time."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .table_shape import ID_COLUMN, UTC_COLUMNS

EXACT_FLOAT_INTEGERS = 2.0 ** 53
UTC_NANOSECONDS = pa.timestamp("ns", tz="UTC")


def typed_table(table: pa.Table) -> pa.Table:
    """The table with id-like columns as int64 and DATE-OBS as a UTC timestamp, where the values allow it."""
    for index, name in enumerate(table.column_names):
        column = table.column(index)
        if ID_COLUMN.fullmatch(name):
            converted = as_integers(column)
        elif name in UTC_COLUMNS:
            converted = as_utc_time(column)
        else:
            converted = None
        if converted is not None:
            table = table.set_column(index, name, converted)
    return table


def as_integers(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Whole numbers stored as floats or digit strings as int64 (missing stays missing); None otherwise."""
    kind = column.type
    if pa.types.is_integer(kind):
        return None if kind == pa.int64() else column.cast(pa.int64())
    if pa.types.is_floating(kind):
        present = pc.if_else(pc.is_nan(column), pa.nulls(len(column), kind), column)
        finite = present.drop_null()
        if len(finite) and not pc.all(pc.equal(pc.floor(finite), finite)).as_py():
            return None
        if len(finite) and pc.max(pc.abs(finite)).as_py() > EXACT_FLOAT_INTEGERS:
            return None
        return present.cast(pa.int64())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            return pc.utf8_trim_whitespace(column).cast(pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    return None


def as_utc_time(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Times as UTC timestamps: naive times are taken as UTC, text is parsed as ISO 8601; None otherwise."""
    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind == UTC_NANOSECONDS:
            return None
        utc = column.cast(pa.timestamp(kind.unit, tz="UTC"))
        try:
            return utc.cast(UTC_NANOSECONDS)
        except pa.ArrowInvalid:
            return utc
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return None
    for target in (UTC_NANOSECONDS, pa.timestamp("ns")):
        try:
            return column.cast(target).cast(UTC_NANOSECONDS)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None
