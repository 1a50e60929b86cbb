"""The team's quality-cut JSON files (`cuts_finaldecision.json`, ...): read them as they are, write them back.

A file maps each column to its filters and each filter to {"min": ..., "max": ...}, with the notebooks' column
names (`D_CCD [mm]_ram`, `PWV [mm]_err_x`, `CHI2_FIT_norm`); importing renames them to spectui's.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..paths import user_path
from ..tables.column_notes import EXPOSURE_COLUMNS, HEADER_KEYS, describe_column
from .cut_ranges import Ranges, check_ranges, notebook_column, spectui_column

SHAPE = '{"COLUMN": {"FILTER": {"min": ..., "max": ...}}}'


@dataclass(frozen=True)
class ImportedCut:
    """A team file's ranges under spectui's column names, and which names were changed."""

    ranges: Ranges
    renamed: dict[str, str]


def default_cut_name(path: str | os.PathLike) -> str:
    """The cut name a file gives: its stem without the `cuts_` prefix (`cuts_sylvie.json` -> `sylvie`)."""
    stem = Path(path).name.split(".")[0]
    return stem.removeprefix("cuts_") or stem


def read_cut_file(path: str | os.PathLike) -> dict:
    """The JSON object of a team cut file, as written; a missing, unreadable or non-JSON file is one BadInput."""
    source = user_path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"no such cut file: {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
    if not isinstance(data, dict) or not data:
        raise BadInput(f"{path} is not a cut file: expected {SHAPE}.")
    return data


def known_column(name: str, derived: set[str]) -> bool:
    """Whether spectui knows `name`: a header key, an exposure column, a fit column or a saved derived column."""
    return (name in derived or name in HEADER_KEYS or name in EXPOSURE_COLUMNS
            or bool(describe_column(name)))


def import_ranges(data: dict, derived: set[str], source: str = "the file") -> ImportedCut:
    """A team file's ranges with spectui's column names; every column it cannot map is named in one BadInput."""
    ranges: dict = {}
    written_as: dict[str, str] = {}
    unknown: list[str] = []
    for column, per_filter in data.items():
        name = column if column in derived else spectui_column(column)
        if not known_column(name, derived):
            unknown.append(column)
            continue
        if name in ranges:
            raise BadInput(f"{source}: columns {written_as[name]!r} and {column!r} both mean {name!r}; "
                           "keep one of them.")
        written_as[name] = column
        ranges[name] = per_filter
    if unknown:
        names = ", ".join(repr(c) for c in unknown)
        raise BadInput(f"{source}: cannot map {names} to spectui's columns; define a derived column first: "
                       f"`spectui columns add {unknown[0]} EXPR`.")
    renamed = {column: name for name, column in written_as.items() if column != name}
    return ImportedCut(check_ranges(ranges, source), renamed)


def cut_file_data(ranges: Ranges, *, notebook_names: bool = True) -> dict:
    """Ranges in the team files' shape, under the notebooks' column names unless told otherwise."""
    data = {}
    for column, per_filter in ranges.items():
        name = notebook_column(column) if notebook_names else column
        data[name] = {filt: {key: _number(value) for key, value in (("min", low), ("max", high))
                             if value is not None} for filt, (low, high) in per_filter.items()}
    return data


def _number(value: float) -> float | int:
    """A bound as the team writes it: 186 rather than 186.0."""
    return int(value) if value.is_integer() else value


def write_cut_file(ranges: Ranges, path: str | os.PathLike, *, notebook_names: bool = True) -> Path:
    """Write ranges as a team cut file, atomically."""
    from ..tables.table_io import atomic_path

    target = user_path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(cut_file_data(ranges, notebook_names=notebook_names), indent=2) + "\n",
                       encoding="utf-8")
    return target
