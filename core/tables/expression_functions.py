"""The values the expression evaluator works with, and the functions an expression can call on them.

Every function works on whole columns at once (numpy or pandas); none can reach Python itself.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .expression_parser import Call, Failure, Literal, Name

UFUNCS = {
    "abs": np.abs, "sqrt": np.sqrt, "log10": np.log10, "log": np.log, "exp": np.exp,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "radians": np.radians, "degrees": np.degrees,
    "sind": lambda v: np.sin(np.radians(v)), "cosd": lambda v: np.cos(np.radians(v)),
    "tand": lambda v: np.tan(np.radians(v)),
}
HOUR = np.timedelta64(3600, "s")


@dataclass
class Value:
    """One operand over the rows: its kind (number, text, time, bool), its values and which are missing."""

    kind: str
    values: Any  # numpy array over the rows, or a scalar for a literal
    missing: Any = False  # numpy bool array, or False
    literal: bool = False


def time_literal(text: str, pos: int) -> np.datetime64:
    """A date or time written in an expression, as a UTC datetime64, or a Failure at `pos`."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        raise Failure(f"{text!r} is not a date or time (write 2025-01-07 or 2025-01-07T03:04:05)",
                      pos) from None
    if stamp is pd.NaT:
        raise Failure(f"{text!r} is not a date or time", pos)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return np.datetime64(stamp.as_unit("ns").to_datetime64())


def is_word(node, columns) -> bool:
    """Whether `node` is a bare word that names no column (a text value, or a misspelt column)."""
    return isinstance(node, Name) and not node.quoted and node.name not in columns and (
        node.name.lower() not in ("true", "false"))


def show(node) -> str:
    """How a node reads in an error message."""
    if isinstance(node, Name):
        return f"`{node.name}`" if node.quoted or not re.fullmatch(r"[A-Za-z_][\w\-~.]*", node.name) \
            else node.name
    if isinstance(node, Literal):
        return repr(node.value) if node.kind != "number" else f"{node.value:g}"
    if isinstance(node, Call):
        return f"{node.name}(...)"
    return "the expression"


def rows(values, n: int, dtype=bool) -> np.ndarray:
    """A scalar or an array as one value per row."""
    return np.broadcast_to(np.asarray(values, dtype=dtype), (n,)).copy()


def call(evaluator, node: Call) -> Value:
    """The value of a function call; `evaluator` gives the arguments' values and checks their kinds."""
    what = f"{node.name}()"
    if node.name in UFUNCS:
        arg = evaluator.number(node.args[0], what)
        values = UFUNCS[node.name](arg.values)
        return Value("number", values, arg.missing | ~np.isfinite(values), arg.literal)
    if node.name == "clip":
        x, low, high = (evaluator.number(arg, what) for arg in node.args)
        return Value("number", np.clip(x.values, low.values, high.values), x.missing | low.missing | high.missing,
                     x.literal and low.literal and high.literal)
    if node.name == "where":
        return _where(evaluator, node)
    if node.name == "median_by":
        return _median_by(evaluator, node)
    if node.name == "hours_since":
        time, start = (_time(evaluator, arg) for arg in node.args)
        values = (time.values - start.values) / HOUR
        return Value("number", values, time.missing | start.missing, time.literal and start.literal)
    return _test(evaluator, node)


def _where(evaluator, node: Call) -> Value:
    """where(condition, a, b): a on the rows where the condition holds, b elsewhere (missing if it is)."""
    n = evaluator.n
    test = evaluator.truth(node.args[0])
    a, b = (evaluator.number(arg, "where()") for arg in node.args[1:])
    holds = rows(test.values, n)
    values = np.where(holds, rows(a.values, n, float), rows(b.values, n, float))
    missing = rows(test.missing, n) | np.where(holds, rows(a.missing, n), rows(b.missing, n))
    return Value("number", values, missing)


def _median_by(evaluator, node: Call) -> Value:
    """median_by(x, column): each row's median of x over the rows with the same value in `column`."""
    import pandas as pd

    n = evaluator.n
    x = evaluator.number(node.args[0], "median_by()")
    key = node.args[1]
    if is_word(key, evaluator.columns):
        raise evaluator.unknown(key)
    if not isinstance(key, Name):
        raise Failure(f"median_by() groups by a column, e.g. median_by(x, FILTER), not {show(key)}", key.pos)
    groups = evaluator.value(key)
    numbers = pd.Series(np.where(rows(x.missing, n), np.nan, rows(x.values, n, float)))
    labels = pd.Series(rows(groups.values, n, object)).where(~rows(groups.missing, n))
    medians = numbers.groupby(labels, dropna=True).transform("median").to_numpy(dtype=float)
    return Value("number", medians, ~np.isfinite(medians))


def _time(evaluator, node) -> Value:
    """A time operand: a time column, a date, or text holding ISO times (unreadable ones are missing)."""
    import pandas as pd

    value = evaluator.value(node)
    if value.kind == "text" and value.literal:
        return Value("time", time_literal(value.values, node.pos), literal=True)
    if value.kind == "text":
        parsed = pd.to_datetime(pd.Series(value.values), utc=True, errors="coerce", format="ISO8601")
        values = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        return Value("time", values, value.missing | np.isnat(values))
    if value.kind == "any":
        return Value("time", np.zeros(0, dtype="datetime64[ns]"), value.missing)
    if value.kind != "time":
        raise Failure(f"hours_since() needs times, but {show(node)} is {value.kind}", node.pos)
    return value


def _test(evaluator, node: Call) -> Value:
    """isna(x), notna(x) and glob(text, pattern): true/false per row."""
    if is_word(node.args[0], evaluator.columns):
        raise evaluator.unknown(node.args[0])
    n = evaluator.n
    subject = evaluator.value(node.args[0])
    if node.name in ("isna", "notna"):
        missing = np.broadcast_to(np.asarray(subject.missing, dtype=bool), (n,))
        if subject.kind == "number":
            missing = missing | ~np.isfinite(np.broadcast_to(subject.values, (n,)))
        return Value("bool", missing if node.name == "isna" else ~missing)
    pattern = node.args[1]
    if not isinstance(pattern, (Literal, Name)) or isinstance(pattern, Name) and pattern.quoted:
        raise Failure("glob() needs a text pattern such as 'HD*'", pattern.pos)
    if subject.kind not in ("text", "any"):
        raise Failure(f"glob() needs a text column, but {show(node.args[0])} is {subject.kind}", node.pos)
    text = pattern.value if isinstance(pattern, Literal) else pattern.name
    values = np.broadcast_to(subject.values, (n,))
    matched = np.fromiter((fnmatch.fnmatchcase(str(v), str(text)) for v in values), bool, n)
    return Value("bool", matched, subject.missing)
