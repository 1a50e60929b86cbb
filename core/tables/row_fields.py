"""One row of a table view as fields: each column's name, its value in full and what the column holds."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .column_notes import describe_column
from .views import MISSING_LABEL, TableView, value_kind


@dataclass(frozen=True)
class RowField:
    """One column of one row: its name, its value in full, its kind and its meaning (unit included)."""

    name: str
    value: str
    kind: str
    meaning: str


def row_fields(view: TableView, row: int, notes: dict[str, str] | None = None) -> list[RowField]:
    """Every column (hidden ones too) of the view's row `row`, in table order; `notes` replace meanings."""
    if not 0 <= row < view.row_count:
        raise IndexError(f"row {row} is outside the view's {view.row_count} rows")
    notes = notes or {}
    record = view.base.iloc[int(view.positions[row])]
    return [RowField(str(name), value_text(record[name]), value_kind(view.base[name]),
                     notes.get(str(name)) or describe_column(str(name)))
            for name in view.base.columns]


def value_text(value) -> str:
    """A value written out in full: every digit of a number, ISO times, whole texts, (missing) for none."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING_LABEL
    if isinstance(value, float) and math.isnan(value):
        return MISSING_LABEL
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)




def view_row_label(view: TableView, row: int) -> str:
    """Where a row is: 'row 3 of 120 · id 2025010700012'."""
    return f"row {row + 1:,} of {view.row_count:,} · {view.key} {view.key_at(row)}"
