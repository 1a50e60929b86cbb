"""Results files opened for browsing: read into typed Arrow tables, the first rows of a big file first.

Everything here works on Arrow, so a file can be shown before pandas is even imported; `to_frame` gives the
pandas frame the table view filters and sorts. A big parquet or CSV file is opened by reading its first rows
(one batch, or the first block of text): a problem further in shows only when the rest is read.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..errors import BadInput
from ..paths import user_path
from .column_types import typed_table
from .csv_head import CsvHead
from .table_io import load_record_array, table_format
from .table_shape import CSV_BLOCK_BYTES, FIRST_ROWS, ROW_KEY, kept_columns, unique_names

READ_FORMATS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".npy": "npy"}
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class TableFile:
    """An opened results file: its typed rows so far (all, or a big file's first ones) and how many it has."""

    path: Path
    fmt: str
    rows: int | None
    table: pa.Table
    key: str
    head: CsvHead | None = None
    """For a CSV file, its first rows as the standard library read them (and the first frame showed them)."""

    @property
    def name(self) -> str:
        """The file's name."""
        return self.path.name

    @property
    def stem(self) -> str:
        """The file's name without its extensions (`run_merged` for `run_merged.parquet.gz`)."""
        return self.path.name.split(".")[0] or self.path.name

    @property
    def complete(self) -> bool:
        """True once every row has been read."""
        return self.table.num_rows == self.rows

    def read_all(self) -> pa.Table:
        """Every row of the file, reading it all now if only the first rows were read."""
        if not self.complete:
            whole = {"parquet": lambda: _parquet_file(self.path).read(), "csv": lambda: _read_csv(self.path)}
            table, _ = finish(_guarded(self.path, self.fmt, whole[self.fmt]))
            self.table, self.rows = table, table.num_rows
        return self.table


def open_table_file(path: str | os.PathLike, *, trust_pickle: bool = False,
                    first_rows: int = FIRST_ROWS) -> TableFile:
    """Open a results file; of a big parquet or CSV file only the first rows are read now (see read_all)."""
    source = user_path(path)
    if not source.is_file():
        raise BadInput(f"no such file: {source}." if not source.exists() else f"{source} is not a file.")
    fmt = table_format(source, allowed=READ_FORMATS)
    readers = {"parquet": lambda: _read_parquet_start(source, first_rows),
               "csv": lambda: _read_csv_start(source),
               "json": lambda: _whole(_read_json(source)),
               "npy": lambda: _whole(_read_npy(source, trust_pickle))}
    raw, rows = _guarded(source, fmt, readers[fmt])
    table, key = finish(raw)
    return TableFile(source, fmt, rows, table, key)


def finish(table: pa.Table) -> tuple[pa.Table, str]:
    """A table ready to browse (saved index dropped, unique names, typed, with a key column) and its key."""
    table = table.select(kept_columns(table.column_names))
    table = typed_table(table.rename_columns(unique_names(table.column_names)))
    if "id" in table.column_names:
        return table, "id"
    if ROW_KEY not in table.column_names:
        table = table.add_column(0, ROW_KEY, row_numbers(table.num_rows))
    return table, ROW_KEY


def row_numbers(count: int) -> pa.Array:
    """1, 2, ... `count` as an int64 array (made from a buffer: converting values would import pandas)."""
    import numpy as np

    numbers = np.arange(1, count + 1, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(numbers)])


def to_frame(table: pa.Table):
    """The table as a pandas DataFrame; integer columns with missing values stay integers (nullable)."""
    import pandas as pd

    frame = table.to_pandas()
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_integer(column.type) and column.null_count:
            frame[name] = column.to_pandas(types_mapper={column.type: pd.Int64Dtype()}.get)
    return frame


def _guarded(source: Path, fmt: str, read):
    """Run a reader, turning any failure but a BadInput into one line naming the file and the format."""
    try:
        return read()
    except BadInput:
        raise
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInput(f"cannot read {source} as {fmt}: {detail}") from exc


def _parquet_file(source: Path):
    """A ParquetFile over the file, or over its decompressed bytes when the whole file was gzipped."""
    import pyarrow.parquet as pq

    with open(source, "rb") as handle:
        wrapped = handle.read(2) == GZIP_MAGIC
    if wrapped:
        return pq.ParquetFile(pa.BufferReader(gzip.decompress(source.read_bytes())))
    return pq.ParquetFile(source)


def _read_parquet_start(source: Path, first_rows: int) -> tuple[pa.Table, int]:
    parquet = _parquet_file(source)
    rows = parquet.metadata.num_rows
    if rows <= first_rows:
        return parquet.read(), rows
    batch = next(parquet.iter_batches(batch_size=first_rows))
    return pa.Table.from_batches([batch]), rows


def _whole(table: pa.Table) -> tuple[pa.Table, int]:
    return table, table.num_rows


def _read_csv(source: Path) -> pa.Table:
    """The whole CSV file, each column's type inferred from all of its values."""
    import pyarrow.csv as csv

    return csv.read_csv(source, convert_options=csv.ConvertOptions(strings_can_be_null=True))


def _read_csv_start(source: Path) -> tuple[pa.Table, int | None]:
    """A small CSV file whole; of a bigger one, the rows of its first block (how many in all is not known)."""
    import pyarrow.csv as csv

    if source.stat().st_size <= CSV_BLOCK_BYTES:
        return _whole(_read_csv(source))
    reader = csv.open_csv(source, read_options=csv.ReadOptions(block_size=CSV_BLOCK_BYTES),
                          convert_options=csv.ConvertOptions(strings_can_be_null=True))
    return pa.Table.from_batches([reader.read_next_batch()]), None


def _read_json(source: Path) -> pa.Table:
    """A JSON list of records (what pandas and spectui write), an object of columns, or JSON lines."""
    opener = gzip.open if source.name.lower().endswith(".gz") else open
    with opener(source, "rb") as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, list) and all(isinstance(row, dict) for row in data):
        names = list(dict.fromkeys(name for row in data for name in row))
        return pa.table({name: column_array([row.get(name) for row in data]) for name in names})
    if isinstance(data, dict) and all(isinstance(values, (list, dict)) for values in data.values()):
        columns = {str(name): list(values.values()) if isinstance(values, dict) else values
                   for name, values in data.items()}
        return pa.table({name: column_array(values) for name, values in columns.items()})
    raise BadInput(f"{source} holds JSON, but not a table: a list of records or an object of columns.")


def column_array(values: list) -> pa.Array:
    """Python values as one Arrow array; values of mixed kinds become text."""
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if v is None else v if isinstance(v, str) else json.dumps(v, default=str)
                         for v in values], type=pa.string())


def _read_npy(source: Path, trust_pickle: bool) -> pa.Table:
    """A numpy record array as a table (as the notebooks saved them); object fields only when trusted."""
    import numpy as np

    array = load_record_array(source, trust_pickle).reshape(-1)
    columns = {}
    for name in array.dtype.names:
        values = array[name]
        columns[name] = column_array(values.tolist()) if values.dtype.kind == "O" else pa.array(values)
    table = pa.table(columns)
    if "index" in columns and pa.types.is_integer(table.column("index").type) and \
            np.array_equal(table.column("index").to_numpy(), np.arange(table.num_rows)):
        table = table.drop_columns(["index"])
    return table
