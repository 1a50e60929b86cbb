"""One visit's Spectractor outputs as one row, chunks of rows as Arrow tables, and the typed result table.

A chunk keeps every value exactly as read (a header key whose values mix kinds inside the chunk is stored as
JSON text), so the final table depends only on the visits, never on how they were split into chunks: a resumed
extraction gives the same table as an uninterrupted one.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ..errors import SpectuiError
from .readers import FitParameters, UnreadableFile, read_output

SPECTRUM = "spectractorSpectrum"
FIT_SECTIONS = {"spectrumLibradtranFitParameters": "spectrum",
                "spectrogramLibradtranFitParameters": "spectrogram"}
LEGACY_SUFFIXES = {"spectrogram": "x", "spectrum": "y"}
SKIPPED_HEADER_KEYS = frozenset({"SIMPLE", "BITPIX", "NAXIS", "EXTEND", "EXTNAME", "PCOUNT", "GCOUNT",
                                 "COMMENTS", "UNIT1", "UNIT2", "LBDAS_T", "PSF_P_T", "AMPLIS_T",
                                 *(f"NAXIS{i}" for i in range(1, 10))})
ORDER_METADATA = b"spectui.column_order"
HEADER, HEADER_JSON, VALUE, ERROR, EXTRA = "header", "header_json", "value", "err", "extra"


@dataclass
class VisitRow:
    """What one visit's files gave: header keys, one FitParameters per fit found, and how it went."""

    id: int
    status: str = "ok"
    error: str = ""
    header: dict[str, object] = field(default_factory=dict)
    fits: dict[str, FitParameters] = field(default_factory=dict)


def read_visit(visit: int, locations: dict[str, str], expected: tuple[str, ...]) -> VisitRow:
    """Read one visit's spectrum header and fits as a unit; an unreadable file fails the visit, saying why."""
    row = VisitRow(id=visit)
    problems, missing = [], [name for name in expected if name not in locations]
    for dataset_type, location in locations.items():
        if not location:
            problems.append(f"{dataset_type}: registered, but the datastore has no file for it.")
            continue
        try:
            content = read_output(location)
        except (UnreadableFile, OSError, ValueError) as exc:
            problems.append(f"{dataset_type}: {_reason(exc)}")
            continue
        if dataset_type == SPECTRUM and isinstance(content, dict):
            for key in SKIPPED_HEADER_KEYS.intersection(content):
                del content[key]
            row.header = content
        elif dataset_type in FIT_SECTIONS and isinstance(content, FitParameters):
            row.fits[FIT_SECTIONS[dataset_type]] = content
        else:
            found = "fit parameters" if isinstance(content, FitParameters) else "a FITS header"
            problems.append(f"{dataset_type}: the file holds {found}, not what this dataset type holds.")
    if problems:
        row.status = "failed"
    elif missing:
        row.status = "partial"
    row.error = "; ".join(problems + [f"no {name}" for name in missing])
    return row


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


def extract_chunk(units: list[tuple[int, dict[str, str]]], expected: tuple[str, ...]):
    """Read a chunk of visits and encode them as one Arrow table (the function worker processes run)."""
    return encode_rows([read_visit(visit, locations, expected) for visit, locations in units])


def column_name(kind: str, section: str, name: str) -> str:
    """The internal name of a chunk column: unambiguous whatever characters labels hold."""
    return json.dumps([kind, section, name])


def encode_rows(rows: list[VisitRow]):
    """Rows to an Arrow table: header values typed per key, fit values as float64, where columns first appear.

    Visits sharing a layout (same header keys or fit labels, in the same order) are encoded together, column
    by column, which keeps the cost per value tiny.
    """
    import pyarrow as pa

    arrays = {"id": pa.array([r.id for r in rows], pa.int64()),
              "status": pa.array([r.status for r in rows], pa.string()),
              "error": pa.array([r.error for r in rows], pa.string())}
    order: dict[str, tuple[int, int]] = {}
    for key, (values, first_seen) in _header_columns(rows).items():
        arrow_type = _header_type(values)
        name = column_name(HEADER, "", key)
        if arrow_type is None:
            name = column_name(HEADER_JSON, "", key)
            values, arrow_type = [None if v is None else json.dumps(v) for v in values], pa.string()
        arrays[name] = pa.array(values, arrow_type)
        order[name] = first_seen
    for (kind, section, label), (values, first_seen) in _fit_columns(rows).items():
        name = column_name(kind, section, label)
        arrays[name] = pa.array(values, pa.float64())
        order[name] = first_seen
    table = pa.table(arrays)
    return table.replace_schema_metadata({ORDER_METADATA: json.dumps(order).encode()})


def _layouts(items) -> dict[tuple, tuple[list[int], list]]:
    """(row index, layout, values) triples grouped by layout: {layout: (row indices, value tuples)}."""
    groups: dict[tuple, tuple[list[int], list]] = {}
    for index, layout, values in items:
        group = groups.get(layout)
        if group is None:
            group = groups[layout] = ([], [])
        group[0].append(index)
        group[1].append(values)
    return groups


def _header_columns(rows: list[VisitRow]) -> dict[str, tuple[list, tuple[int, int]]]:
    """Per header key: its value in every row (None where absent), and (visit, position) of its first card."""
    n = len(rows)
    groups = _layouts((i, tuple(r.header), tuple(r.header.values())) for i, r in enumerate(rows) if r.header)
    columns: dict[str, tuple[list, tuple[int, int]]] = {}
    for layout, (indices, value_rows) in groups.items():
        first_visit = rows[indices[0]].id
        for position, (key, values) in enumerate(zip(layout, zip(*value_rows))):
            seen = (first_visit, position)
            if key not in columns and len(indices) == n:
                columns[key] = (list(values), seen)
                continue
            column, earlier = columns.get(key) or ([None] * n, seen)
            for index, value in zip(indices, values):
                column[index] = value
            columns[key] = (column, min(earlier, seen))
    return columns


def _fit_columns(rows: list[VisitRow]) -> dict[tuple[str, str, str], tuple[object, tuple[int, int]]]:
    """Per fit and label: value, error and `extra` columns (float64, NaN where absent), and first place."""
    import numpy as np

    n = len(rows)
    columns: dict[tuple[str, str, str], tuple[object, tuple[int, int]]] = {}

    def put(kind: str, section: str, layout: tuple, indices: list[int], matrix, first_visit: int) -> None:
        for position, name in enumerate(layout):
            seen = (first_visit, position)
            column, earlier = columns.get((kind, section, name)) or (np.full(n, np.nan), seen)
            column[indices] = matrix[:, position]
            columns[(kind, section, name)] = (column, min(earlier, seen))

    sections = sorted({section for r in rows for section in r.fits})
    for section in sections:
        fits = [(i, r.fits[section]) for i, r in enumerate(rows) if section in r.fits]
        by_labels = _layouts((i, fit.labels, (fit.values, fit.errors)) for i, fit in fits)
        for labels, (indices, pairs) in by_labels.items():
            first_visit = rows[indices[0]].id
            values = np.array([p[0] for p in pairs], dtype="float64")
            errors = np.array([p[1] for p in pairs], dtype="float64")
            put(VALUE, section, labels, indices, values, first_visit)
            put(ERROR, section, labels, indices, errors, first_visit)
        by_extra = _layouts((i, tuple(fit.extra), tuple(fit.extra.values())) for i, fit in fits if fit.extra)
        for keys, (indices, value_rows) in by_extra.items():
            put(EXTRA, section, keys, indices, np.array(value_rows, dtype="float64"), rows[indices[0]].id)
    return columns


def _header_type(values: list):
    """The Arrow type holding every value of a header key exactly, or None when kinds are mixed."""
    import pyarrow as pa

    kinds = set(map(type, values)) - {type(None)}
    if not kinds:
        return pa.null()
    if len(kinds) > 1:
        return None
    return {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}.get(kinds.pop())


@dataclass(frozen=True)
class Column:
    """One result column over all chunks: per chunk (values, stored as JSON) or None, and its first place."""

    kind: str
    section: str
    name: str
    pieces: tuple
    first_seen: tuple[int, int]


def rows_frame(tables: list, *, legacy_names: bool = False):
    """The typed result table, one row per visit sorted by id, from chunk tables in any order or grouping."""
    import pandas as pd
    import pyarrow as pa

    tables = [t for t in tables if t.num_rows]
    if not tables:
        return _empty_frame()
    columns = _gather(tables)
    lengths = [t.num_rows for t in tables]
    data = {"id": pa.chunked_array([t.column("id") for t in tables]).to_numpy()}
    sections = ["spectrogram", "spectrum"] if legacy_names else ["spectrum", "spectrogram"]
    names = _public_names(columns, sections, legacy_names)
    _refuse_clashes(names.values())
    for column in sorted(columns.values(), key=lambda c: _sort_key(c, sections)):
        data[names[(column.kind, column.section, column.name)]] = _typed(column, lengths)
    for name in ("status", "error"):
        data[name] = pd.array(pa.chunked_array([t.column(name) for t in tables]).to_pylist(), dtype="string")
    return pd.DataFrame(data).sort_values("id", kind="stable", ignore_index=True)


def _refuse_clashes(names) -> None:
    """Refuse a table where two columns share a name (e.g. a header key spelled like a legacy fit column)."""
    clashes = sorted(n for n, count in Counter([*names, "id", "status", "error"]).items() if count > 1)
    if clashes:
        raise SpectuiError(f"these result columns would appear twice: {', '.join(clashes[:5])}.")


def _empty_frame():
    import pandas as pd

    return pd.DataFrame({"id": pd.Series([], dtype="int64"), "status": pd.Series([], dtype="string"),
                         "error": pd.Series([], dtype="string")})


def _gather(tables: list) -> dict[tuple[str, str, str], Column]:
    """Every column over all chunks; a header key stored as JSON in some chunks joins its typed pieces."""
    found: dict[tuple[str, str, str], dict] = {}
    for index, table in enumerate(tables):
        order = json.loads((table.schema.metadata or {}).get(ORDER_METADATA, b"{}"))
        for name in table.column_names:
            if name in ("id", "status", "error"):
                continue
            kind, section, key = json.loads(name)
            entry = found.setdefault((HEADER if kind == HEADER_JSON else kind, section, key),
                                     {"pieces": [None] * len(tables), "first": None})
            entry["pieces"][index] = (table.column(name), kind == HEADER_JSON)
            seen = tuple(order.get(name, (0, 0)))
            entry["first"] = seen if entry["first"] is None else min(entry["first"], seen)
    return {k: Column(k[0], k[1], k[2], tuple(v["pieces"]), v["first"]) for k, v in found.items()}


def _sort_key(column: Column, sections: list[str]) -> tuple:
    if column.kind == HEADER:
        return (0, *column.first_seen, 0)
    rank = 1 + sections.index(column.section) if column.section in sections else len(sections) + 1
    return (rank, column.kind == EXTRA, *column.first_seen, column.kind == ERROR)


def _public_names(columns: dict, sections: list[str], legacy: bool) -> dict[tuple[str, str, str], str]:
    """Names: header keys as in FITS; `<label>_<fit>`, `<label>_err_<fit>`, or the notebooks' `_x`/`_y`."""
    labels_by_section = {s: {n for (k, sec, n) in columns if k != HEADER and sec == s} for s in sections}
    shared = set.intersection(*labels_by_section.values()) if len(sections) > 1 else set()
    names = {}
    for kind, section, name in columns:
        if kind == HEADER:
            names[(kind, section, name)] = name
            continue
        err = "_err" if kind == ERROR else ""
        if not legacy:
            names[(kind, section, name)] = f"{name}{err}_{section}"
        elif name in shared:
            names[(kind, section, name)] = f"{name}{err}_{LEGACY_SUFFIXES[section]}"
        else:
            names[(kind, section, name)] = f"{name}{err}"
    return names


def _typed(column: Column, lengths: list[int]):
    """One column as a typed array: bools, ints, floats, text, and DATE-OBS as a UTC timestamp."""
    import numpy as np
    import pyarrow as pa

    if column.kind != HEADER:
        return _floats(column.pieces, lengths)
    stored_as_json = any(p is not None and p[1] for p in column.pieces)
    native = {p[0].type for p in column.pieces if p is not None} - {pa.null()}
    if not stored_as_json and native <= {pa.int64(), pa.float64()}:
        if pa.float64() in native or not native:
            return _floats(column.pieces, lengths)
        if all(p is not None and p[0].null_count == 0 for p in column.pieces):
            return np.concatenate([p[0].to_numpy() for p in column.pieces])
    return _typed_values(column.name, _header_values(column.pieces, lengths))


def _floats(pieces: tuple, lengths: list[int]):
    """A numeric column as one float64 array, NaN where a value or a whole chunk's column is missing."""
    import numpy as np

    return np.concatenate([np.full(n, np.nan) if p is None else p[0].to_numpy().astype("float64", copy=False)
                           for p, n in zip(pieces, lengths)])


def _typed_values(name: str, values: list):
    """Python values of one header key to a typed array: the kinds present decide the type, as documented."""
    import numpy as np
    import pandas as pd

    kinds = set(map(type, values)) - {type(None)}
    if name == "DATE-OBS" and kinds == {str}:
        text = pd.Series(values, dtype="string")
        return pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce").array
    if not kinds or (kinds <= {int, float} and float in kinds):
        return np.array([np.nan if v is None else v for v in values], dtype="float64")
    if kinds == {int}:
        return pd.array(values, dtype="Int64") if None in values else np.array(values, dtype="int64")
    if kinds == {bool}:
        return pd.array(values, dtype="boolean")
    return pd.array([v if v is None or isinstance(v, str) else str(v) for v in values], dtype="string")


def _header_values(pieces: tuple, lengths: list[int]) -> list:
    """A header column's values as Python objects, JSON pieces decoded, None where a chunk lacks the key."""
    values: list = []
    for piece, n in zip(pieces, lengths):
        if piece is None:
            values.extend([None] * n)
        elif piece[1]:
            values.extend(None if v is None else json.loads(v) for v in piece[0].to_pylist())
        else:
            values.extend(piece[0].to_pylist())
    return values
