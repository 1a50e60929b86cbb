"""A view over a table: filter expression, sort, hidden columns, a selection of row keys, search, export.

The TUI renders a `TableView` and the command line can drive the same object, so every rule about
which rows show, in what order, and what gets exported lives here.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import BadInput
from ..paths import user_path

MISSING_LABEL = "(missing)"
BAR_EIGHTHS = " ▏▎▍▌▋▊█"
PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Frequency:
    """How often each value (or value range) of a column occurs, with the filter that selects each row."""

    column: str
    total: int
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    conditions: tuple[str, ...]
    binned: bool

    @property
    def percents(self) -> tuple[float, ...]:
        """Each count as a percentage of the rows counted."""
        return tuple(100.0 * c / self.total if self.total else 0.0 for c in self.counts)

    def frame(self):
        """The table as a DataFrame (value, count, percent)."""
        import pandas as pd

        return pd.DataFrame({"value": pd.array(self.labels, dtype="string"),
                             "count": np.asarray(self.counts, dtype="int64"),
                             "percent": np.round(np.asarray(self.percents, dtype="float64"), 1)})


@dataclass(frozen=True)
class SearchHit:
    """Where a search landed, and whether it wrapped past the end (or start) of the view."""

    row: int
    wrapped: bool


class TableView:
    """A filtered, sorted view of a DataFrame with hidden columns and a selection of rows by key."""

    def __init__(self, frame, key: str = "id") -> None:
        if key not in frame.columns:
            raise BadInput(f"the table has no {key!r} column to identify its rows.")
        self.base = frame.reset_index(drop=True)
        self.key = key
        self.filter_text = ""
        self.sort_column: str | None = None
        self.sort_ascending = True
        self.hidden: list[str] = []
        self.cut_name: str | None = None
        self._cut_of = None
        self._filter_mask: np.ndarray | None = None
        self._cut_mask: np.ndarray | None = None
        self._selected = np.zeros(len(self.base), dtype=bool)
        self._positions: np.ndarray | None = None

    # What is shown

    @property
    def columns(self) -> list[str]:
        """The visible columns, in table order."""
        return [str(c) for c in self.base.columns if c not in self.hidden]

    @property
    def positions(self) -> np.ndarray:
        """Base-frame row positions of the view's rows, in display order."""
        if self._positions is None:
            self._positions = self._compute_positions()
        return self._positions

    def _compute_positions(self) -> np.ndarray:
        masks = [m for m in (self._filter_mask, self._cut_mask) if m is not None]
        rows = np.flatnonzero(np.logical_and.reduce(masks)) if masks else np.arange(len(self.base))
        if self.sort_column is None:
            return rows
        ordered = self.base[self.sort_column].iloc[rows].sort_values(
            ascending=self.sort_ascending, kind="stable", na_position="last")
        return ordered.index.to_numpy()

    @property
    def row_count(self) -> int:
        """Rows in the view."""
        return len(self.positions)

    @property
    def total_count(self) -> int:
        """Rows in the whole table."""
        return len(self.base)

    def counts_text(self) -> str:
        """'N of M rows', with the selection when there is one."""
        text = f"{self.row_count:,} of {self.total_count:,} rows"
        if self.selected_count:
            text += f" · {self.selected_count:,} selected"
            outside = self.selected_count - int(self.selected_mask().sum())
            if outside:
                text += f" ({outside:,} outside the filter)"
        return text

    def frame(self):
        """The view as a DataFrame: its rows in order, its visible columns."""
        return self.base.iloc[self.positions][self.columns].reset_index(drop=True)

    def key_at(self, row: int):
        """The key of the view's row `row`."""
        return self.base[self.key].iloc[self.positions[row]]

    def row_of_key(self, key) -> int | None:
        """The view row holding `key`, or None when it is filtered out or unknown."""
        keys = self.base[self.key].to_numpy()[self.positions]
        found = np.flatnonzero(keys == key)
        return int(found[0]) if len(found) else None

    # Changing the view

    def set_filter(self, text: str) -> None:
        """Show only the rows where the expression holds (blank: every row); bad text changes nothing."""
        from .expressions import row_mask

        text = (text or "").strip()
        mask = row_mask(self.base, text).to_numpy(dtype=bool) if text else None
        self.filter_text, self._filter_mask, self._positions = text, mask, None

    def add_condition(self, condition: str) -> None:
        """Narrow the current filter with one more condition."""
        self.set_filter(f"({self.filter_text}) and {condition}" if self.filter_text else condition)

    def set_cut(self, name: str | None, mask_of=None) -> None:
        """Also hide the rows failing the cut `name` (`mask_of(frame)`: which rows pass); None clears it."""
        mask = np.asarray(mask_of(self.base), dtype=bool) if name else None
        self.cut_name, self._cut_of = (name, mask_of) if name else (None, None)
        self._cut_mask, self._positions = mask, None

    def add_column(self, name: str, values) -> None:
        """Add a column of values (one per row of the whole table, in table order) after the others."""
        if name in self.base.columns:
            raise BadInput(f"the table has a column {name!r} already.")
        values = values.array if hasattr(values, "array") else np.asarray(values)
        self.base = self.base.assign(**{name: values})

    def sort_by(self, column: str, ascending: bool = True) -> None:
        """Sort the view by one column (stable; missing values last)."""
        self._check_column(column)
        self.sort_column, self.sort_ascending, self._positions = column, ascending, None

    def hide_column(self, column: str) -> None:
        """Hide one column; the last visible column cannot be hidden."""
        self._check_column(column)
        if self.columns == [column]:
            raise BadInput("cannot hide the last visible column.")
        if column not in self.hidden:
            self.hidden.append(column)

    def show_all_columns(self) -> None:
        """Unhide every column."""
        self.hidden = []

    def _check_column(self, column: str) -> None:
        if column not in self.base.columns:
            raise BadInput(f"no column {column!r} in this table.")

    def replace_base(self, frame) -> None:
        """Show new data keeping the filter, sort, hidden columns and selected keys where they apply."""
        if self.key not in frame.columns:
            raise BadInput(f"the table has no {self.key!r} column to identify its rows.")
        keys = self.selected_keys()
        self.base = frame.reset_index(drop=True)
        self._selected = self.base[self.key].isin(keys).to_numpy(dtype=bool, copy=True)
        self.hidden = [c for c in self.hidden if c in self.base.columns]
        if self.sort_column not in self.base.columns:
            self.sort_column = None
        self._positions = None
        try:
            self.set_filter(self.filter_text)
        except BadInput:
            self.filter_text, self._filter_mask = "", None
            raise
        finally:
            self._reapply_cut()

    def _reapply_cut(self) -> None:
        try:
            self.set_cut(self.cut_name, self._cut_of)
        except BadInput:
            self.set_cut(None)
            raise

    # Selection

    @property
    def selected_count(self) -> int:
        """Selected rows in the whole table, shown or not."""
        return int(self._selected.sum())

    def selected_mask(self) -> np.ndarray:
        """For each view row, whether it is selected."""
        return self._selected[self.positions]

    def select_rows(self, rows, selected: bool = True) -> None:
        """Select (or unselect) view rows by their position in the view."""
        self._selected[self.positions[np.asarray(rows, dtype=int)]] = selected

    def select_all(self, selected: bool = True) -> None:
        """Select (or unselect) every row of the view."""
        self._selected[self.positions] = selected

    def selected_keys(self) -> list:
        """The keys of the selected rows, in table order."""
        return self.base[self.key][self._selected].tolist()

    def selection_frame(self):
        """The selected rows (also those outside the filter), sorted like the view, visible columns only."""
        chosen = self.base[self._selected]
        if self.sort_column is not None:
            chosen = chosen.sort_values(self.sort_column, ascending=self.sort_ascending, kind="stable",
                                        na_position="last")
        return chosen[self.columns].reset_index(drop=True)

    def selection_view(self) -> TableView:
        """A new view over the selected rows only, keeping the hidden columns and the sort."""
        if not self.selected_count:
            raise BadInput("no row is selected: select rows with s (or g s for all) first.")
        view = TableView(self.base[self._selected], key=self.key)
        view.hidden = list(self.hidden)
        view.sort_column, view.sort_ascending = self.sort_column, self.sort_ascending
        return view

    def keys_text(self) -> str:
        """The selected keys as one comma-separated line (pastes into a Python list or an `IN (...)`)."""
        return ", ".join(str(k) for k in self.selected_keys())

    # Search

    def find(self, column: str, text: str, start: int, forward: bool = True) -> SearchHit | None:
        """The next view row after `start` (before, backwards) whose `column` contains `text`, any case."""
        self._check_column(column)
        if not text:
            return None
        values = self.base[column].iloc[self.positions].astype("string")
        found = values.str.contains(text, case=False, regex=False, na=False)
        hits = np.flatnonzero(found.to_numpy(dtype=bool))
        if not len(hits):
            return None
        if forward:
            later = hits[hits > start]
            return SearchHit(int(later[0]), False) if len(later) else SearchHit(int(hits[0]), True)
        earlier = hits[hits < start]
        return SearchHit(int(earlier[-1]), False) if len(earlier) else SearchHit(int(hits[-1]), True)

    # Summaries and output

    def frequency(self, column: str, bins: int = 20, max_values: int = 50) -> Frequency:
        """The frequency table of a column over the view's rows."""
        self._check_column(column)
        return frequency(self.base[column].iloc[self.positions], column, bins=bins, max_values=max_values)

    def export_frame(self, selection: bool = False):
        """What an export writes: the view, or the selection (which must not be empty)."""
        if selection and not self.selected_count:
            raise BadInput("no row is selected: nothing to export.")
        return self.selection_frame() if selection else self.frame()


def write_export(frame, path: str | os.PathLike) -> Path:
    """Write an exported table atomically in the format of its extension; the absolute path written."""
    from .table_io import write_table

    return write_table(frame, user_path(path)).resolve()


def frequency(values, column: str, bins: int = 20, max_values: int = 50) -> Frequency:
    """Counts per value, most frequent first; numbers and times with many values are binned by value."""
    import pandas as pd

    missing = int(values.isna().sum())
    present = values.dropna()
    kind = value_kind(values)
    if kind in ("integer", "number", "time") and present.nunique() > max_values:
        labels, counts, conditions = _binned(present, column, bins, kind)
        binned = True
    else:
        counted = present.value_counts(sort=False)
        order = pd.DataFrame({"value": counted.index, "count": counted.to_numpy()})
        order = order.sort_values(["count", "value"], ascending=[False, True], kind="stable")
        labels = [_label(v, kind) for v in order["value"]]
        counts = [int(c) for c in order["count"]]
        conditions = [condition_for(column, v) for v in order["value"]]
        binned = False
    if missing:
        labels, counts = [*labels, MISSING_LABEL], [*counts, missing]
        conditions = [*conditions, f"isna({quote_column(column)})"]
    return Frequency(column, len(values), tuple(labels), tuple(counts), tuple(conditions), binned)


def value_kind(values) -> str:
    """A column's kind in words: integer, number, true/false, time, text."""
    import pandas as pd

    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "true/false"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "time"
    return "text"


def _binned(present, column: str, bins: int, kind: str) -> tuple[list[str], list[int], list[str]]:
    """Equal-width bins over the values, in value order, each with its label and condition."""
    import pandas as pd

    name = quote_column(column)
    labels, conditions = [], []
    if kind == "time":
        nanoseconds = pd.to_datetime(present, utc=True).astype("int64").to_numpy()
        edges = np.linspace(nanoseconds.min(), nanoseconds.max(), bins + 1).astype("int64")
        edges[0], edges[-1] = nanoseconds.min(), nanoseconds.max()
        inner = np.searchsorted(edges, nanoseconds, side="right") - 1
        counts = np.bincount(np.minimum(inner, bins - 1), minlength=bins)
        stamps = [pd.Timestamp(int(e), tz="UTC").isoformat() for e in edges]
        for i in range(bins):
            labels.append(f"{stamps[i][:19]} – {stamps[i + 1][:19]}")
            conditions.append(f"{name} >= {quote_text(stamps[i])} and "
                              f"{name} {'<=' if i == bins - 1 else '<'} {quote_text(stamps[i + 1])}")
        return labels, [int(c) for c in counts], conditions
    numbers = present.to_numpy(dtype="float64")
    counts, edges = np.histogram(numbers[np.isfinite(numbers)], bins=bins)
    for i in range(len(counts)):
        low, high = float(edges[i]), float(edges[i + 1])
        labels.append(f"{_short(low)} – {_short(high)}")
        last = i == len(counts) - 1
        conditions.append(f"{name} >= {low!r} and {name} {'<=' if last else '<'} {high!r}")
    return labels, [int(c) for c in counts], conditions


def _short(number: float) -> str:
    return f"{number:.6g}"


def _label(value, kind: str) -> str:
    if kind == "time":
        return value.isoformat()
    if kind in ("integer", "number") and float(value).is_integer():
        return str(int(value))
    return str(value)


def quote_column(column: str) -> str:
    """A column name as the expression language reads it (backticks unless it is a plain name)."""
    if PLAIN_NAME.fullmatch(column):
        return column
    return "`" + column.replace("\\", "\\\\").replace("`", "\\`") + "`"


def quote_text(text: str) -> str:
    """A text value as an expression literal."""
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def condition_for(column: str, value) -> str:
    """The filter expression selecting rows where `column` equals `value`."""
    import pandas as pd

    name = quote_column(column)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return f"isna({name})"
    if isinstance(value, (bool, np.bool_)):
        return f"{name} == {'true' if value else 'false'}"
    if isinstance(value, (int, np.integer)):
        return f"{name} == {int(value)}"
    if isinstance(value, (float, np.floating)):
        return f"{name} == {repr(float(value))}"
    if isinstance(value, pd.Timestamp):
        return f"{name} == {quote_text(value.isoformat())}"
    return f"{name} == {quote_text(value)}"


def decimal_places(values, most: int = 6) -> int | None:
    """How many decimals show a float column exactly (up to `most`); None when decimals do not suit it."""
    numbers = np.asarray(values, dtype="float64")
    numbers = numbers[np.isfinite(numbers)]
    if not len(numbers):
        return 0
    magnitude = np.abs(numbers[numbers != 0])
    if len(magnitude) and (magnitude.min() < 10.0 ** -(most - 2) or magnitude.max() >= 1e15):
        return None
    for places in range(most + 1):
        if np.allclose(np.round(numbers, places), numbers, rtol=0, atol=10.0 ** -(most + 2)):
            return places
    return most


def plural(count: int, word: str) -> str:
    """'1 row', '2 rows', '1,234 rows'."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def bar(fraction: float, width: int) -> str:
    """A horizontal bar of `width` cells filled to `fraction`, drawn with eighth blocks."""
    eighths = int(round(max(0.0, min(1.0, fraction)) * width * 8))
    full, part = divmod(eighths, 8)
    return ("█" * full + (BAR_EIGHTHS[part] if part else "")).ljust(width)


def default_export_path(directory: str | os.PathLike, stem: str, suffix: str = ".csv") -> Path:
    """A file in `directory` named after `stem` that does not exist yet (stem.csv, stem-2.csv, ...).

    The name is always a plain file name in `directory`: separators and leading dots in `stem` are replaced.
    """
    folder = user_path(directory)
    stem = re.sub(r"[\\/\x00]+", "_", stem).lstrip(".") or "export"
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate
