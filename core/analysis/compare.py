"""Two runs side by side: exposures gained and lost, status changes, and parameter shifts on common visits."""

from __future__ import annotations

import numpy as np

from ..errors import BadInput
from .stats import robust_sigma

RANK = {"absent": -1, "missing": 0, "partial": 1, "ok": 2}
CHANGES = ("gained", "lost", "improved", "degraded", "same")
KEYS = ("id", "day_obs", "seq_num", "physical_filter", "target")
PARAMETER_COLUMNS = ("parameter", "common", "median_a", "median_b", "median_shift", "scatter")
NOT_PARAMETERS = {"id", "ID", "day_obs", "seq_num", "night", "status", "error"}
MODERN_SUFFIXES = ("_spectrum", "_spectrogram")
FROM_LEGACY = {"_x": "_spectrogram", "_y": "_spectrum"}


def compare_status(a, b):
    """Per exposure: status in run A and in run B ('absent' when not selected there) and what changed."""
    import pandas as pd

    keys = [k for k in KEYS if k in a.columns and k in b.columns]
    both = pd.merge(a[keys + ["status"]], b[keys + ["status"]], on="id", how="outer", suffixes=("_a", "_b"))
    for key in keys[1:]:
        both[key] = both.pop(f"{key}_a").combine_first(both.pop(f"{key}_b"))
    for side in ("status_a", "status_b"):
        both[side] = both.pop(side).astype("string").fillna("absent")
    rank_a = both["status_a"].map(RANK).to_numpy()
    rank_b = both["status_b"].map(RANK).to_numpy()
    has_a, has_b = rank_a >= 1, rank_b >= 1
    change = np.select([has_b & ~has_a, has_a & ~has_b, has_a & (rank_b > rank_a), has_a & (rank_b < rank_a)],
                       ["gained", "lost", "improved", "degraded"], default="same")
    both["change"] = pd.array(change, dtype="string")
    return both.sort_values("id", ignore_index=True)


def transitions(table):
    """Counts of exposures by (status in A, status in B), every status as a row and a column."""
    import pandas as pd

    order = [s for s in RANK if s in set(table["status_a"]) | set(table["status_b"])]
    counts = pd.crosstab(table["status_a"], table["status_b"])
    counts = counts.reindex(index=order, columns=order, fill_value=0)
    counts.index.name, counts.columns.name = "A \\ B", None
    return counts


def compare_parameters(a, b, columns=None):
    """Per numeric column of both tables: visits in common, medians, median shift (B - A) and its scatter."""
    import pandas as pd

    if _is_legacy(a) != _is_legacy(b):
        a, b = modern_names(a), modern_names(b)
    for side, frame in (("A", a), ("B", b)):
        if "id" not in frame.columns:
            raise BadInput(f"the results of run {side} have no `id` column.")
        repeated = int(frame["id"].duplicated().sum())
        if repeated:
            raise BadInput(f"the results of run {side} repeat {repeated} visit ids; "
                           "keep one row per visit first.")
    if columns is None:
        columns = [c for c in a.columns if c in b.columns and c not in NOT_PARAMETERS
                   and not str(c).startswith("ex_") and _is_number(a[c]) and _is_number(b[c])]
    else:
        missing = [c for c in columns if c not in a.columns or c not in b.columns]
        if missing:
            raise BadInput(f"column {missing[0]!r} is not in both results tables.")
    common = pd.merge(a[["id"]], b[["id"]], on="id")["id"]
    left, right = a.set_index("id").loc[common], b.set_index("id").loc[common]
    rows = []
    for name in columns:
        va = pd.to_numeric(left[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        vb = pd.to_numeric(right[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        both = np.isfinite(va) & np.isfinite(vb)
        diff = vb[both] - va[both]
        rows.append({
            "parameter": str(name), "common": int(both.sum()),
            "median_a": float(np.median(va[both])) if both.any() else np.nan,
            "median_b": float(np.median(vb[both])) if both.any() else np.nan,
            "median_shift": float(np.median(diff)) if both.any() else np.nan,
            "scatter": robust_sigma(diff),
        })
    return pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))


def modern_names(frame):
    """A table with the notebooks' fit columns (`<label>_x`, `<label>_err_y`) renamed to spectui's own.

    The notebooks suffixed only labels found in both fits, so the columns of a pair `<label>_x` / `<label>_y`
    (errors included) are renamed and every other column is left as it is; spectui's own tables are unchanged.
    """
    if not _is_legacy(frame):
        return frame
    names = [str(c) for c in frame.columns]
    stems = {n[:-2] for n in names if n.endswith("_x")} & {n[:-2] for n in names if n.endswith("_y")}
    renamed = {f"{stem}{err}{old}": f"{stem}{err}{new}" for stem in stems for err in ("", "_err")
               for old, new in FROM_LEGACY.items()}
    return frame.rename(columns=renamed)


def _is_legacy(frame) -> bool:
    names = [str(c) for c in frame.columns]
    return not any(n.endswith(MODERN_SUFFIXES) for n in names) and any(n.endswith(("_x", "_y")) for n in names)


def _is_number(series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
