"""Merge extraction results with the exposure list on the exposure (visit) id, as the notebooks did.

Exposure columns get the notebooks' `ex_` prefix; the spectrum's own `DATE-OBS` (UTC midpoint) and the
exposure's `ex_time_start` (UTC start) stay separate columns.
"""

from __future__ import annotations

import os

from ..errors import BadInput
from ..paths import user_path
from ..tables.column_notes import HEADER_KEYS, split_fit

PREFIX = "ex_"
HOWS = ("inner", "left", "right", "outer")
TIME_COLUMNS = ("DATE-OBS", "time_start", "time_end")
RESULT_COLUMNS = frozenset(HEADER_KEYS) | {"error"}
EXPOSURE_COLUMNS = frozenset({"obs_id", "day_obs", "seq_num", "physical_filter"})
KINDS = {"results": "results (Spectractor columns such as error, CHI2_FIT or *_spectrum)",
         "exposures": "exposure lists (obs_id, day_obs, seq_num, physical_filter and no Spectractor column)"}
WHAT_MERGE_TAKES = ("merge takes a results file (from `spectui extract`) and an exposure list "
                    "(from `spectui exposures`)")


def merge_files(first: str | os.PathLike, second: str | os.PathLike, how: str = "inner", *,
                trust_pickle: bool = False):
    """The results and exposure files merged, in whichever order they come, and whether they were swapped.

    Which is which is told by their columns; two files of the same kind, or one file twice, are refused.
    """
    from ..tables.table_io import read_table

    if user_path(first).resolve() == user_path(second).resolve():
        raise BadInput(f"{first} is given twice: {WHAT_MERGE_TAKES}.")
    results, exposures, swapped = arrange(read_table(first, trust_pickle=trust_pickle),
                                          read_table(second, trust_pickle=trust_pickle))
    return merge_results(results, exposures, how=how), swapped


def arrange(first, second):
    """(results, exposures, swapped): the two tables in merge order, told apart by their columns."""
    kinds = table_kind(first), table_kind(second)
    if kinds == ("exposures", "results"):
        return second, first, True
    if kinds[0] is not None and kinds[0] == kinds[1]:
        raise BadInput(f"both files are {KINDS[kinds[0]]}: {WHAT_MERGE_TAKES}.")
    return first, second, False


def table_kind(frame) -> str | None:
    """'results' for a table with Spectractor columns, 'exposures' for an exposure list, None when unclear."""
    names = [str(c) for c in frame.columns if not str(c).startswith(PREFIX)]
    if any(name in RESULT_COLUMNS or split_fit(name)[1] for name in names):
        return "results"
    if EXPOSURE_COLUMNS & set(names):
        return "exposures"
    return None


def merge_results(results, exposures, how: str = "inner"):
    """Results joined to exposures on `id`: inner (both), left (all results), right (all exposures), outer."""
    import pandas as pd

    if how not in HOWS:
        raise BadInput(f"unknown join {how!r}: use one of {', '.join(HOWS)}.")
    results = _keyed(results, "results")
    exposures = _keyed(exposures, "exposure list")
    already = [c for c in results.columns if str(c).startswith(PREFIX)]
    if already:
        raise BadInput(f"the results already hold exposure columns ({', '.join(map(str, already[:3]))}): "
                       "they look merged already.")
    duplicated = exposures["id"][exposures["id"].duplicated()]
    if len(duplicated):
        raise BadInput(f"the exposure list has {len(duplicated)} repeated ids (e.g. {duplicated.iloc[0]}): "
                       "one row per exposure is needed.")
    prefixed = {c: f"{PREFIX}{c}" for c in exposures.columns if c != "id"}
    exposures = _utc_times(exposures).rename(columns=prefixed)
    merged = pd.merge(_utc_times(results), exposures, on="id", how=how, sort=False, validate="many_to_one")
    return merged.sort_values("id", kind="stable", ignore_index=True)


def _keyed(frame, what: str):
    """The frame with an integer `id` column, or a BadInput saying what is wrong with it."""
    import pandas as pd

    if "id" not in frame.columns:
        hint = " (the notebooks' files keep the id in `ID` too)" if "ID" in frame.columns else ""
        raise BadInput(f"the {what} has no `id` column{hint}.")
    ids = pd.to_numeric(frame["id"], errors="coerce")
    if ids.isna().any() or (ids % 1 != 0).any():
        raise BadInput(f"the {what} has {int(ids.isna().sum() or (ids % 1 != 0).sum())} rows whose `id` is "
                       "not an exposure id.")
    return frame.assign(id=ids.astype("int64"))


def _utc_times(frame):
    """Time columns as UTC timestamps: text (CSV files) parsed, naive times (legacy .npy) marked UTC."""
    import pandas as pd

    converted = {}
    for name in TIME_COLUMNS:
        if name not in frame.columns or isinstance(frame[name].dtype, pd.DatetimeTZDtype):
            continue
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            converted[name] = frame[name].dt.tz_localize("UTC")
        else:
            parsed = pd.to_datetime(frame[name], utc=True, errors="coerce", format="ISO8601")
            if parsed.notna().sum() == frame[name].notna().sum():
                converted[name] = parsed
    return frame.assign(**converted) if converted else frame
