"""The display of every table: Arrow made ready to show without pandas or Textual, so rows show at once.

pyarrow imports pandas the first time it converts to or from numpy or Python values, which costs a noticeable
part of a second; everything here stays within Arrow buffers and compute functions. The text each cell shows
is decided here too, for the table widget and for the frame drawn before the app starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from textual_fastdatatable import ArrowBackend
from textual_fastdatatable.format import display_text

from spectui.core.tables.views import decimal_places

SELECTED_MARK = "•"
BOOL_WIDTH = 7
PLAIN_FLOAT_WIDTH = 8
SCIENTIFIC_WIDTH = 11


class ViewBackend(ArrowBackend):
    """Shows the rows of a table at `positions`, in that order, reading cells in place (nothing is copied).

    Its column widths are given, so each new view of one table is not measured again. With `selected`,
    column 0 is the selection mark of each shown row (the table has an empty column there).
    """

    def __init__(self, data: pa.Table, widths: Sequence[int], positions: np.ndarray,
                 selected: np.ndarray | None) -> None:
        super().__init__(data)
        self.measured_widths = list(widths)
        self.positions = positions
        self.selected = selected

    @property
    def column_content_widths(self) -> list[int]:
        return self.measured_widths

    @property
    def row_count(self) -> int:
        return len(self.positions)

    @property
    def source_row_count(self) -> int:
        return len(self.positions)

    def get_cell_at(self, row_index: int, column_index: int):
        if self.selected is not None and column_index == 0:
            return SELECTED_MARK if self.selected[row_index] else ""
        return super().get_cell_at(int(self.positions[row_index]), column_index)

    def get_row_at(self, index: int):
        row = list(super().get_row_at(int(self.positions[index])))
        if self.selected is not None:
            row[0] = SELECTED_MARK if self.selected[index] else ""
        return row

    def get_column_at(self, column_index: int):
        return [self.get_cell_at(row, column_index) for row in range(self.row_count)]


class ArrowDisplay:
    """An Arrow table ready to show (floats as aligned decimals, widths known), drawn as views of its rows.

    Every table of the app is drawn through one: a file's, the exposures, a results or frequency table.
    """

    def __init__(self, table: pa.Table) -> None:
        shown = [display_column(column) for column in table.columns]
        self.table = pa.Table.from_arrays(shown, names=table.column_names)
        self.widths = column_widths(self.table)

    @classmethod
    def from_frame(cls, frame) -> ArrowDisplay:
        """A DataFrame's columns (not its index) ready to show."""
        return cls(pa.Table.from_pandas(frame, preserve_index=False))

    @cached_property
    def mark_column(self) -> pa.Array:
        """The empty column the selection marks are drawn in, made once for every view."""
        return pa.nulls(self.table.num_rows, pa.string())

    def backend(self, positions: np.ndarray, columns: Sequence[str],
                selected: np.ndarray | None) -> ViewBackend:
        """The rows at `positions` in `columns`, after a selection-mark column with `selected`."""
        view = self.table.select(list(columns))
        widths = [self.widths[c] for c in columns]
        if selected is not None:
            view = view.add_column(0, " ", self.mark_column)
            widths = [1, *widths]
        return ViewBackend(view, widths, np.asarray(positions, dtype=np.int64), selected)

    def every_row(self, *, marks: bool = True) -> ViewBackend:
        """Every row in table order, every column, after an empty selection-mark column unless not `marks`."""
        rows = self.table.num_rows
        selected = np.zeros(rows, dtype=bool) if marks else None
        return self.backend(np.arange(rows), self.table.column_names, selected)


def text_backend(names: list[str], columns: list[list[str]], widths: list[int]) -> ViewBackend:
    """Rows already written as text (a selection-mark column first, named by the first name) as a backend."""
    rows = len(columns[0]) if columns else 0
    table = pa.Table.from_arrays([string_array(texts) for texts in columns[1:]], names=names[1:])
    table = table.add_column(0, names[0], pa.nulls(rows, pa.string()))
    return ViewBackend(table, widths, np.arange(rows, dtype=np.int64), np.zeros(rows, dtype=bool))


def string_array(texts: list[str]) -> pa.Array:
    """Strings as an Arrow string array made from buffers (converting Python values would import pandas)."""
    encoded = [text.encode() for text in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(data) for data in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets),
                                                              pa.py_buffer(b"".join(encoded))])


def display_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Floats as fixed-point decimals when that shows them exactly; UTC or naive times as ISO text."""
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz in (None, "UTC"):
        return iso_times(column)
    if not pa.types.is_floating(kind):
        return column
    places = decimal_places(float_values(column))
    if places is None:
        return column
    finite = pc.if_else(pc.is_finite(column), column, pa.nulls(len(column), kind))
    return pc.round(finite, places).cast(pa.decimal128(38, places))


def iso_times(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """UTC or naive times as ISO 8601 text to the millisecond, UTC ones ending in Z.

    Arrow's cast to text is several times faster than its strftime, which for UTC times looks up the zone. Only
    options are passed, no values: converting a Python value would import pandas.
    """
    text = column.cast(pa.timestamp("ms"), safe=False).cast(pa.string())
    text = pc.replace_substring(text, pattern=" ", replacement="T", max_replacements=1)
    return pc.replace_substring_regex(text, pattern="$", replacement="Z") if column.type.tz else text


def float_values(column: pa.ChunkedArray) -> np.ndarray:
    """The non-missing values of a float column as numpy, read from the Arrow buffers."""
    dtype = np.dtype(f"float{column.type.bit_width}")
    present = pc.drop_null(column)
    parts = [np.frombuffer(chunk.buffers()[1], dtype=dtype, count=len(chunk),
                           offset=chunk.offset * dtype.itemsize) for chunk in present.chunks if len(chunk)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def number_width(column: pa.ChunkedArray) -> int:
    """How wide a number column shows: its extremes, and for floats left as floats their longest form."""
    extremes = pc.min_max(column)
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    width = max(len(display_text(value)) for value in (low, high, 0))
    if not pa.types.is_floating(column.type) or low is None:
        return width
    magnitudes = np.abs(float_values(column))
    scientific = bool(np.any((magnitudes > 0) & (magnitudes < 1e-4)))
    return max(width, (low < 0) + (SCIENTIFIC_WIDTH if scientific else PLAIN_FLOAT_WIDTH))


def one_line_ascii(column: pa.ChunkedArray) -> bool:
    """Whether every text in `column` is one line of ASCII, as wide as its count of characters."""
    if pc.sum(pc.binary_length(column)).as_py() != pc.sum(pc.utf8_length(column)).as_py():
        return False
    return not any(pc.any(pc.match_substring(column, pattern=end), min_count=0).as_py() for end in "\r\n")


def column_widths(table: pa.Table) -> dict[str, int]:
    """Each column's content width from vectorised reductions (text by longest value, numbers by range).

    Text that is not one line of ASCII, and any other type, is measured by the table widget, cell by cell.
    """
    widths: dict[str, int] = {}
    others = []
    for name, column in zip(table.column_names, table.columns):
        kind = column.type
        if (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and one_line_ascii(column):
            widths[name] = pc.max(pc.utf8_length(column)).as_py() or 0
        elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
            widths[name] = number_width(column)
        elif pa.types.is_timestamp(kind) or pa.types.is_date(kind):
            present = pc.drop_null(column)
            widths[name] = len(display_text(present[0].as_py())) if len(present) else 0
        elif pa.types.is_boolean(kind):
            widths[name] = BOOL_WIDTH
        else:
            others.append(name)
    if others:
        widths.update(zip(others, ArrowBackend(table.select(others)).column_content_widths))
    return {name: widths[name] for name in table.column_names}


def plain_cell(value, null_text: str, column) -> tuple[str, str] | None:
    """The text of a cell and its alignment, for values drawn as plain text; None for anything else."""
    if value is None:
        return null_text, "center"
    if isinstance(value, str):
        return (value, "left") if "\n" not in value and "\r" not in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal, dt.datetime, dt.date)):
        return display_text(value, column, render_markup=False), "right"
    return None
