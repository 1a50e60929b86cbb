"""List exposures: one pushed-down Butler query (science hologram exposures by default) into a DataFrame."""

from __future__ import annotations

import contextlib
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from ..errors import BadInput, BadQuery
from .repo import INSTRUMENT, WHERE_HINT, bad_query, butler_errors
from .times import tai_ns_to_utc, utc_mjd

DEFAULT_DISPERSERS = ("holo4*",)
COLUMNS = ("id", "obs_id", "day_obs", "seq_num", "physical_filter", "filter", "disperser", "target",
           "observation_type", "science_program", "exposure_time", "zenith_angle", "ra", "dec", "sky_angle",
           "azimuth", "time_start", "time_end", "mjd")


@dataclass(frozen=True)
class ExposureSelection:
    """Which exposures to list; empty tuples mean 'no constraint' (dispersers default to every holo4)."""

    since: int | None = None
    until: int | None = None
    dispersers: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    where: str = ""
    all_types: bool = False


def matching_physical_filters(butler, selection: ExposureSelection) -> list[str]:
    """The repository's physical filters whose disperser and filter parts match the selection (globs allowed)."""
    with butler_errors("physical filter lookup"):
        known = sorted(r.name for r in butler.query_dimension_records(
            "physical_filter", instrument=INSTRUMENT, limit=None, explain=False))
    dispersers = selection.dispersers or DEFAULT_DISPERSERS

    def parts(name: str) -> tuple[str, str]:
        filt, _, disperser = name.partition("~")
        return filt, disperser

    chosen = [pf for pf in known if any(fnmatch.fnmatchcase(parts(pf)[1], d) for d in dispersers)]
    if not chosen:
        have = sorted({parts(pf)[1] for pf in known if parts(pf)[1]})
        raise BadInput(f"no exposure uses disperser {', '.join(dispersers)}; dispersers in this repository: "
                       f"{', '.join(have) or 'none'}.")
    if selection.filters:
        wanted = [pf for pf in chosen if any(
            fnmatch.fnmatchcase(parts(pf)[0], f) or fnmatch.fnmatchcase(pf, f) for f in selection.filters)]
        if not wanted:
            have = sorted({parts(pf)[0] for pf in chosen})
            raise BadInput(f"no exposure uses filter {', '.join(selection.filters)} with those dispersers; "
                           f"filters there: {', '.join(have)}.")
        chosen = wanted
    return chosen


def build_where(selection: ExposureSelection, physical_filters: list[str]) -> tuple[str, dict]:
    """The where clause and its bind values: user values only ever travel through `bind`."""
    clauses = ["instrument = spectui_instrument", "exposure.physical_filter IN (spectui_filters)"]
    bind: dict[str, object] = {"spectui_instrument": INSTRUMENT, "spectui_filters": list(physical_filters)}
    if not selection.all_types:
        clauses.append("exposure.observation_type = spectui_type")
        bind["spectui_type"] = "science"
    if selection.since is not None and selection.until is not None and selection.since > selection.until:
        raise BadInput(f"--since {selection.since} is after --until {selection.until}.")
    if selection.since is not None:
        clauses.append("exposure.day_obs >= spectui_since")
        bind["spectui_since"] = int(selection.since)
    if selection.until is not None:
        clauses.append("exposure.day_obs <= spectui_until")
        bind["spectui_until"] = int(selection.until)
    if selection.targets:
        clauses.append("exposure.target_name IN (spectui_targets)")
        bind["spectui_targets"] = list(selection.targets)
    if selection.where.strip():
        clauses.append(f"({selection.where})")
    return " AND ".join(clauses), bind


def query_exposures(butler, selection: ExposureSelection = ExposureSelection()):
    """The selected exposures as a DataFrame with spectui's columns, sorted by id, times in UTC."""
    physical_filters = matching_physical_filters(butler, selection)
    where, bind = build_where(selection, physical_filters)
    with where_errors(selection, where, "exposure query"):
        records = butler.query_dimension_records("exposure", where=where, bind=bind, limit=None, explain=False)
    return records_to_frame(records)


@contextlib.contextmanager
def where_errors(selection: ExposureSelection, where: str, what: str) -> Iterator[None]:
    """`butler_errors` for a query on `where`, whose errors quote the user's own --where expression."""
    try:
        with butler_errors(what):
            yield
    except BadQuery as exc:
        if not selection.where.strip():
            raise
        reason = exc.message.removeprefix(f"bad {what}: ").removesuffix(f"; {WHERE_HINT}.")
        raise bad_query(f"--where expression {selection.where!r}",
                        user_where_reason(reason, selection.where, where)) from exc


def user_where_reason(reason: str, user_where: str, full_where: str) -> str:
    """Reword why a where clause failed so that it quotes the user's own expression and positions within it."""
    offset = full_where.rfind(f"({user_where})") + 1
    position = re.search(r"pos: (\d+)", reason)
    near = re.search(r"at or near '([^']*)'", reason)
    character = re.search(r"Unexpected character at position (\d+)", reason)
    if position:
        pos = int(position.group(1)) - offset
        return "syntax error " + ("at the end" if pos > len(user_where) else
                                  f"at position {pos} (near {near.group(1)!r})")
    if character and 0 <= int(character.group(1)) - offset < len(user_where):
        index = int(character.group(1)) - offset
        return f"unexpected character {user_where[index]!r} at position {index + 1}"
    return re.sub(r" in expression .*spectui_.*", "", reason.replace(full_where, user_where))


def target_warnings(butler, selection: ExposureSelection) -> list[str]:
    """One line for each --target that no exposure of the selection has, naming the targets it has instead."""
    if not selection.targets:
        return []
    where, bind = build_where(replace(selection, targets=()), matching_physical_filters(butler, selection))
    with where_errors(selection, where, "target lookup"), butler.query() as query:
        rows = query.where(where, bind=bind).general(["exposure"],
                                                     dimension_fields={"exposure": {"target_name"}})
        known = sorted({row["exposure.target_name"] for row in rows})
    return [f"no exposure in the selection has target {target!r}{_targets_hint(target, known)}"
            for target in selection.targets if target not in known]


def _targets_hint(target: str, known: list[str]) -> str:
    """'; did you mean X?' for close target names, else the targets there are."""
    import difflib

    lowered = {name.lower(): name for name in known}
    close = [lowered[m] for m in difflib.get_close_matches(target.lower(), list(lowered), n=3, cutoff=0.6)]
    if close:
        return f"; did you mean {', '.join(close)}?"
    shown = ", ".join(known[:8]) + (f", ... ({len(known)} in all)" if len(known) > 8 else "")
    return f"; targets there: {shown}." if known else "; it has no target at all."


def records_to_frame(records):
    """Exposure records to a typed DataFrame; tolerant of older dimension universes (fields read by name)."""
    import pandas as pd

    def field(name: str, default=None):
        return [getattr(r, name, default) for r in records]

    physical = field("physical_filter", "")
    begin = np.full(len(records), np.nan)
    end = np.full(len(records), np.nan)
    for i, r in enumerate(records):
        span = getattr(r, "timespan", None)
        if span is not None and not span.isEmpty():
            b, e = span.nsec
            begin[i], end[i] = b, e
    frame = pd.DataFrame({
        "id": pd.array(field("id"), dtype="int64"),
        "obs_id": pd.array(field("obs_id"), dtype="string"),
        "day_obs": pd.array([_day_obs(r) for r in records], dtype="Int64"),
        "seq_num": pd.array(field("seq_num"), dtype="Int64"),
        "physical_filter": pd.array(physical, dtype="string"),
        "filter": pd.array([p.partition("~")[0] for p in physical], dtype="string"),
        "disperser": pd.array([p.partition("~")[2] for p in physical], dtype="string"),
        "target": pd.array(field("target_name"), dtype="string"),
        "observation_type": pd.array(field("observation_type"), dtype="string"),
        "science_program": pd.array(field("science_program"), dtype="string"),
        "exposure_time": pd.array(field("exposure_time"), dtype="Float64"),
        "zenith_angle": pd.array(field("zenith_angle"), dtype="Float64"),
        "ra": pd.array(field("tracking_ra"), dtype="Float64"),
        "dec": pd.array(field("tracking_dec"), dtype="Float64"),
        "sky_angle": pd.array(field("sky_angle"), dtype="Float64"),
        "azimuth": pd.array(field("azimuth"), dtype="Float64"),
    })
    frame["time_start"] = tai_ns_to_utc(begin).array
    frame["time_end"] = tai_ns_to_utc(end).array
    frame["mjd"] = utc_mjd(frame["time_start"])
    return frame.sort_values("id", ignore_index=True)


def _day_obs(record) -> int | None:
    value = getattr(record, "day_obs", None)
    return getattr(value, "id", value)


def parse_day_obs(text: str, option: str = "day_obs") -> int:
    """A YYYYMMDD day_obs from user text, or a BadInput naming the option."""
    import datetime as dt

    try:
        dt.datetime.strptime(text.strip(), "%Y%m%d")
    except ValueError:
        raise BadInput(f"{option} must be a date as YYYYMMDD (got {text!r}).") from None
    return int(text.strip())


def check_selection(selection: ExposureSelection) -> None:
    """Reject selections that can only be a mistake before any Butler work starts."""
    for value in selection.dispersers + selection.filters + selection.targets:
        if not value.strip():
            raise BadQuery("an empty --disperser, --filter or --target was given.")
