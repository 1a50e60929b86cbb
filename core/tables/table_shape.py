"""How an opened results table is shaped, whichever reader read it: the rules need neither pyarrow nor pandas.

A saved index column is dropped, names are made unique, a key column identifies the rows, id-like columns are
integers and DATE-OBS is UTC time; of a big file only the first rows are shown first.
"""

from __future__ import annotations

import re

FIRST_ROWS = 500
CSV_BLOCK_BYTES = 1 << 20
ROW_KEY = "row"
SAVED_INDEX_NAMES = ("", "Unnamed: 0", "__index_level_0__")
ID_COLUMN = re.compile(r"(ex_)?(id|ID|visit|exposure|day_obs|seq_num|dayObs|seqNum)")
UTC_COLUMNS = ("DATE-OBS",)


def is_label_column(name: str) -> bool:
    """Whether a column holds labels written as numbers (nights, ids): shown without thousands separators."""
    return name == "night" or ID_COLUMN.fullmatch(name) is not None


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique as pandas does it: a repeated `x` becomes `x.1`, a blank one `Unnamed: N`."""
    seen: set[str] = set()
    result = []
    for position, name in enumerate(names):
        base = name if name.strip() else f"Unnamed: {position}"
        candidate, number = base, 1
        while candidate in seen:
            candidate, number = f"{base}.{number}", number + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def kept_columns(names: list[str]) -> list[int]:
    """The positions of the columns kept: all but a saved index (first, or named `__index_level_0__`)."""
    kept = list(range(len(names)))
    if len(names) > 1 and names[0] in SAVED_INDEX_NAMES:
        kept = kept[1:]
    return [i for i in kept if names[i] != "__index_level_0__"]
