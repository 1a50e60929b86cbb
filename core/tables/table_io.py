"""Read and write result tables (parquet, csv, json, npy) by file extension; writes are atomic."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import BadInput, OutputError
from ..locks import output_lock
from ..paths import user_path

PART_TOKEN_BYTES = 6
PART_NAME = re.compile(rf"[0-9a-f]{{{2 * PART_TOKEN_BYTES}}}\.part")
PARQUET_SUFFIXES = (".parquet", ".parquet.gz", ".parquet.gzip", ".pq", ".gzip")
WRITE_FORMATS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".npy": "npy"}


def table_format(path: str | os.PathLike, *, allowed=WRITE_FORMATS) -> str:
    """The format a path asks for by its extension, or a BadInput listing the ones accepted."""
    name = str(path).lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    for suffix, fmt in allowed.items():
        if name.endswith(suffix) or name.endswith(suffix + ".gz"):
            return fmt
    raise BadInput(f"cannot tell the format of {path}: use one of {', '.join(allowed)}.")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `path`, flushed to disk and renamed onto it only when the block succeeds."""
    target = user_path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {target}: directory {parent} does not exist.")
    tmp = _create_beside(target, parent)
    try:
        yield tmp
        _sync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _sync(path: Path) -> None:
    """Have the file's bytes on disk before it takes the final name (a crash then leaves old or new, whole)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_beside(target: Path, parent: Path) -> Path:
    """Create an empty hidden temporary file beside `target`; the kernel applies the umask to its mode."""
    while True:
        tmp = parent / f".{target.name}.{secrets.token_hex(PART_TOKEN_BYTES)}.part"
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}.") from exc
        return tmp


def write_table(frame, path: str | os.PathLike, *, fmt: str | None = None) -> Path | None:
    """Write a DataFrame atomically in the format of its extension; `-` writes CSV to stdout."""
    if str(path) == "-":
        frame.to_csv(sys.stdout, index=False)
        return None
    fmt = fmt or table_format(path)
    gzip = str(path).lower().endswith(".gz") and fmt != "parquet"
    compression = "gzip" if gzip else None
    writers: dict[str, Callable[[object, Path], None]] = {
        "parquet": lambda f, p: f.to_parquet(p, index=False),
        "csv": lambda f, p: f.to_csv(p, index=False, compression=compression),
        "json": lambda f, p: f.to_json(p, orient="records", date_format="iso", indent=None,
                                       compression=compression),
        "npy": lambda f, p: _write_npy(f, p, gzip),
    }
    with output_lock(path):
        _remove_abandoned_parts(user_path(path))
        with atomic_path(path) as tmp:
            writers[fmt](frame, tmp)
    return Path(path)


def _remove_abandoned_parts(target: Path) -> None:
    """Delete temporary files a killed writer of `target` left (safe: this process holds its output lock)."""
    parent = target.parent if str(target.parent) else Path(".")
    for part in parent.glob(f".{glob.escape(target.name)}.*.part"):
        if PART_NAME.fullmatch(part.name[len(target.name) + 2:]):
            with contextlib.suppress(OSError):
                part.unlink()


def to_records(frame):
    """A numpy structured array with no object fields (strings fixed-width, times datetime64 UTC)."""
    import numpy as np
    import pandas as pd

    columns, dtypes = [], []
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            values = col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
        elif pd.api.types.is_datetime64_any_dtype(col):
            values = col.to_numpy("datetime64[ns]")
        elif pd.api.types.is_bool_dtype(col) and not col.isna().any():
            values = col.to_numpy(bool)
        elif pd.api.types.is_integer_dtype(col) and not col.isna().any():
            values = col.to_numpy("int64")
        elif pd.api.types.is_numeric_dtype(col):
            values = col.astype("Float64").to_numpy("float64", na_value=np.nan)
        else:
            text = col.astype("string").fillna("").to_numpy(str)
            values = text.astype(f"U{max(1, max((len(t) for t in text), default=1))}")
        columns.append(values)
        dtypes.append((str(name), values.dtype))
    out = np.empty(len(frame), dtype=dtypes)
    for (name, _), values in zip(dtypes, columns):
        out[name] = values
    return out


def _write_npy(frame, path: Path, compressed: bool = False) -> None:
    import gzip

    import numpy as np

    with (gzip.open if compressed else open)(path, "wb") as handle:
        np.save(handle, to_records(frame), allow_pickle=False)


def read_table(path: str | os.PathLike, *, trust_pickle: bool = False):
    """Read a results table as a DataFrame; pickled .npy files only when `trust_pickle` is set."""
    import pandas as pd

    source = user_path(path)
    if not source.is_file():
        raise BadInput(f"no such file: {source}.")
    fmt = table_format(source, allowed={".csv": "csv", ".json": "json", ".npy": "npy"})
    try:
        if fmt == "parquet":
            return pd.read_parquet(source)
        if fmt == "csv":
            return _drop_saved_index(pd.read_csv(source))
        if fmt == "json":
            return pd.read_json(source, orient="records")
        return _read_npy(source, trust_pickle)
    except BadInput:
        raise
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInput(f"cannot read {source} as {fmt}: {detail}") from exc


def _drop_saved_index(frame):
    """Drop the unnamed index column that `DataFrame.to_csv` adds by default (the notebooks' CSVs have it)."""
    first = frame.columns[0] if len(frame.columns) else None
    if first is not None and str(first).startswith("Unnamed: 0"):
        return frame.drop(columns=first)
    return frame


def _read_npy(source: Path, trust_pickle: bool):
    import numpy as np
    import pandas as pd

    array = load_record_array(source, trust_pickle)
    frame = pd.DataFrame({name: array[name] for name in array.dtype.names})
    if "index" in frame.columns and (frame["index"].to_numpy() == np.arange(len(frame))).all():
        frame = frame.drop(columns="index")
    return frame


def load_record_array(source: Path, trust_pickle: bool = False):
    """A .npy file's record array (gzipped or not); pickled Python objects only when `trust_pickle` is set."""
    import gzip

    import numpy as np

    opener = gzip.open if source.name.lower().endswith(".gz") else open
    with opener(source, "rb") as handle:
        try:
            array = np.load(handle, allow_pickle=trust_pickle)
        except ValueError as exc:
            if "allow_pickle" in str(exc):
                raise BadInput(
                    f"{source} holds pickled Python objects, and unpickling can run arbitrary code; "
                    "pass --trust-pickle only if you trust where the file came from.") from exc
            raise
    if not isinstance(array, np.ndarray) or array.dtype.names is None:
        raise BadInput(f"{source} is a plain array, not a record array with named columns.")
    return array


def check_output_path(path: str | os.PathLike, *, allowed=WRITE_FORMATS) -> None:
    """Fail early, before any long work, when an output path cannot be written or has an unknown format."""
    if str(path) == "-":
        return
    table_format(path, allowed=allowed)
    target = user_path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {target}: directory {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise OutputError(f"cannot write {target}: permission denied.")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a directory.")
