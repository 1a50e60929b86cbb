"""Which selected exposures have Spectractor outputs in a collection, straight from the registry.

`ok`: a spectrum and both fits; `partial`: a spectrum, a fit missing; `missing`: no spectrum. Answered by
anti-joins in the Butler's query system (no file is opened), so it needs no prior extraction.
"""

from __future__ import annotations

import difflib

from ..butler.collections import SPECTRACTOR_TYPES, collection_exists
from ..butler.exposures import ExposureSelection, build_where, matching_physical_filters, where_errors
from ..butler.repo import butler_errors
from ..errors import BadInput, UnknownCollection, UnknownDatasetType

SPECTRUM, FIT_TYPES = SPECTRACTOR_TYPES[0], SPECTRACTOR_TYPES[1:]
STATUSES = ("ok", "partial", "missing")
STATUS_COLUMNS = ("id", "day_obs", "seq_num", "physical_filter", "target", "status", "lacking")
SUMMARY_COUNTS = ("total", "ok", "partial", "missing", "efficiency")
DEFAULT_GROUPS = ("day_obs", "physical_filter")
QUERY_CHUNK = 500


def exposure_status(butler, collection: str, selection: ExposureSelection = ExposureSelection()):
    """One row per selected exposure: its status in `collection` and the output types it lacks."""
    import pandas as pd

    check_collection(butler, collection)
    if not _registered(butler, SPECTRUM):
        raise UnknownDatasetType(f"this repository has no {SPECTRUM} dataset type: nothing extracted here.")
    where, bind = build_where(selection, matching_physical_filters(butler, selection))
    with where_errors(selection, where, "status query"), butler.query() as query:
        x = query.expression_factory
        selected = query.where(where, bind=bind)
        frame = _exposure_rows(selected)
        spectra = query.join_dataset_search(SPECTRUM, [collection])
        has_spectrum = x.exposure.in_query(x.visit, spectra)
        missing = _ids(selected.where(x.not_(has_spectrum)))
        lacking: dict[int, list[str]] = {}
        for fit in FIT_TYPES:
            if _registered(butler, fit):
                fits = query.join_dataset_search(fit, [collection])
                without = _ids(selected.where(has_spectrum, x.not_(x.exposure.in_query(x.visit, fits))))
            else:
                without = set(frame["id"]) - missing
            for exposure in without:
                lacking.setdefault(exposure, []).append(fit)
    ids = frame["id"]
    statuses = ["missing" if i in missing else "partial" if i in lacking else "ok" for i in ids]
    frame["status"] = pd.array(statuses, dtype="string")
    frame["lacking"] = pd.array([SPECTRUM if i in missing else " ".join(lacking.get(i, ())) for i in ids],
                                dtype="string")
    return frame.loc[:, list(STATUS_COLUMNS)].sort_values("id", ignore_index=True)


def _exposure_rows(selected):
    """The selected exposures' identifying columns, from one light query (no full records, no times)."""
    import pandas as pd

    rows = list(selected.general(["exposure"], dimension_fields={"exposure": {"seq_num", "target_name"}}))
    return pd.DataFrame({
        "id": pd.array([r["exposure"] for r in rows], dtype="int64"),
        "day_obs": pd.array([r["day_obs"] for r in rows], dtype="Int64"),
        "seq_num": pd.array([r["exposure.seq_num"] for r in rows], dtype="Int64"),
        "physical_filter": pd.array([r["physical_filter"] for r in rows], dtype="string"),
        "target": pd.array([r["exposure.target_name"] for r in rows], dtype="string"),
    })


def _ids(query) -> set[int]:
    return {data_id["exposure"] for data_id in query.data_ids(["exposure"])}


def _registered(butler, dataset_type: str) -> bool:
    from lsst.daf.butler import MissingDatasetTypeError

    try:
        butler.get_dataset_type(dataset_type)
    except MissingDatasetTypeError:
        return False
    return True


def check_collection(butler, collection: str) -> None:
    """Raise UnknownCollection, with close names, unless `collection` exists."""
    if not collection:
        raise BadInput("no collection given: pass --collection NAME or --run NAME.")
    if collection_exists(butler, collection):
        return
    with butler_errors("collection search"):
        names = butler.collections.query("*")
    close = difflib.get_close_matches(collection, names, n=3, cutoff=0.7)
    hint = f" Did you mean {', '.join(close)}?" if close else " List collections with `spectui collections`."
    raise UnknownCollection(f"no collection named {collection!r}.{hint}")


def absent_output_types(butler, collection: str) -> list[str]:
    """The Spectractor output types of which `collection` holds no dataset at all."""
    absent = []
    with butler_errors("dataset search"), butler.query() as query:
        for name in SPECTRACTOR_TYPES:
            if not _registered(butler, name) or not query.datasets(
                    name, collections=[collection], find_first=False).any(execute=True, exact=True):
                absent.append(name)
    return absent


def summarize(status, by=DEFAULT_GROUPS):
    """Counts per group: total, ok, partial, missing and efficiency (the fraction ok), sorted by group."""
    import pandas as pd

    by = check_groups(by, status.columns)
    if status.empty:
        empty = {c: pd.Series(dtype="int64") for c in SUMMARY_COUNTS}
        return pd.DataFrame({c: status[c] for c in by} | empty)
    counts = (status.groupby(by, dropna=False)["status"].value_counts().unstack(fill_value=0)
              .reindex(columns=list(STATUSES), fill_value=0).astype("int64"))
    counts.insert(0, "total", counts.sum(axis=1))
    counts["efficiency"] = (counts["ok"] / counts["total"]).round(4)
    counts.columns.name = None
    return counts.reset_index()


def check_groups(by, columns=STATUS_COLUMNS) -> list[str]:
    """The summary's group columns as a list, or a BadInput naming the ones that are not status columns."""
    by = [by] if isinstance(by, str) else list(by)
    unknown = [c for c in by if c not in columns]
    if unknown or not by:
        raise BadInput(f"cannot group by {', '.join(unknown) or 'nothing'}: choose among "
                       f"{', '.join(c for c in columns if c not in ('status', 'lacking'))}.")
    return by


def reprocess_queries(ids, chunk: int = QUERY_CHUNK, instrument: str = "LATISS") -> list[str]:
    """pipetask/bps data queries that select exactly these exposures, `chunk` ids per query."""
    if chunk < 1:
        raise BadInput(f"the chunk size must be at least 1 (got {chunk}).")
    ordered = sorted({int(i) for i in ids})
    return [f"instrument='{instrument}' AND exposure IN ({', '.join(map(str, ordered[k:k + chunk]))})"
            for k in range(0, len(ordered), chunk)]
