"""The first rows of a CSV file read with the standard library, so that they show before pyarrow is imported.

Only a file that the standard reader and Arrow's read alike is accepted: UTF-8 without a byte order mark, the
same number of fields on every line of the part Arrow reads first, no line break inside a quoted value. A file
Arrow would refuse is thus never shown; anything doubtful gives None and is left to Arrow as usual.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import user_path
from .table_shape import CSV_BLOCK_BYTES, FIRST_ROWS, ROW_KEY, kept_columns, unique_names

NULL_TOKENS = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
                         "1.#QNAN", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null"})
"""The values Arrow's CSV reader takes as missing."""


@dataclass(frozen=True)
class CsvHead:
    """The first rows of a CSV file as text (None where a value is missing), shaped as the opened table."""

    path: Path
    names: list[str]
    rows: list[list[str | None]]
    total: int | None
    """Rows in the whole file when it is small enough to be read whole at once; else unknown."""


def read_csv_head(path: str | os.PathLike, first_rows: int = FIRST_ROWS) -> CsvHead | None:
    """The first rows of a `.csv` file, or None when it is missing, something else, or not sure to read alike."""
    source = user_path(path)
    if not source.name.lower().endswith(".csv"):
        return None
    try:
        size = source.stat().st_size
        with open(source, "rb") as handle:
            data = handle.read(CSV_BLOCK_BYTES)
    except OSError:
        return None
    whole = size <= CSV_BLOCK_BYTES
    if not whole:
        data = data[:data.rfind(b"\n") + 1]
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = data.decode("utf-8")
        lines = [row for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]
    except (UnicodeDecodeError, csv.Error):
        return None
    if not lines or any(len(row) != len(lines[0]) for row in lines):
        return None
    if any("\n" in value or "\r" in value for row in lines for value in row):
        return None
    kept = kept_columns(lines[0])
    names = unique_names([lines[0][i] for i in kept])
    body = lines[1:]
    rows: list[list[str | None]] = [[None if row[i] in NULL_TOKENS else row[i] for i in kept]
                                    for row in body[:first_rows]]
    if "id" not in names and ROW_KEY not in names:
        names = [ROW_KEY, *names]
        rows = [[str(number), *row] for number, row in enumerate(rows, start=1)]
    return CsvHead(source, names, rows, len(body) if whole else None)
