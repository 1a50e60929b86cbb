"""A small, safe expression language over table columns, for quality cuts and the filter bar.

It accepts both `filter == OG550_65mm_1 and day_obs > 20250101` and the notebooks'
`CHI2_FIT<30 & PSF_REG>1e-2 & 186.7<D2CCD<187.4`; nothing in it can run Python code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import BadInput
from .expression_functions import Value, call, is_word, rows, show, time_literal
from .expression_parser import (
    ARITHMETIC,
    Arith,
    Call,
    Compare,
    Failure,
    Literal,
    Logic,
    Member,
    Name,
    Negate,
    Not,
    Parser,
    tokenize,
)


def _column_value(frame, name: str) -> Value:
    import pandas as pd

    col = frame[name]
    missing = col.isna().to_numpy(dtype=bool)
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return Value("bool", col.to_numpy(dtype=bool, na_value=False), missing)
    if pd.api.types.is_numeric_dtype(dtype):
        return Value("number", col.to_numpy(dtype="float64", na_value=np.nan), missing)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if isinstance(dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_convert("UTC").dt.tz_localize(None)
        return Value("time", col.to_numpy(dtype="datetime64[ns]"), missing)
    values = col.astype(object).to_numpy()
    values = np.where(missing, "", values)
    return Value("text", values, missing)


class _Evaluator:
    """Evaluates a bound tree over a frame, checking kinds and naming unknown columns."""

    def __init__(self, frame, columns: dict[str, Any], loose: bool = False) -> None:
        self.frame, self.columns, self.n, self.loose = frame, columns, len(frame), loose

    def unknown(self, node: Name) -> Failure:
        failure = Failure(unknown_column_message(node.name, self.columns), node.pos)
        failure.column = node.name
        return failure

    def value(self, node) -> Value:
        if isinstance(node, Name):
            if node.name in self.columns:
                if self.loose:
                    return Value("any", np.zeros(0), np.zeros(0, dtype=bool))
                return _column_value(self.frame, self.columns[node.name])
            if not node.quoted and node.name.lower() in ("true", "false"):
                return Value("bool", node.name.lower() == "true", literal=True)
            raise self.unknown(node)
        if isinstance(node, Literal):
            if node.kind == "time":
                return Value("time", time_literal(node.value, node.pos), literal=True)
            return Value(node.kind, node.value, literal=True)
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Negate):
            inner = self.number(node.operand, "-")
            return Value("number", -inner.values, inner.missing, inner.literal)
        if isinstance(node, Call):
            return self.call(node)
        return self.test(node)

    def number(self, node, what: str) -> Value:
        value = _as_number(self.value(node))
        if value.kind not in ("number", "any"):
            raise Failure(f"{what} needs numbers, but {show(node)} is {value.kind}", node.pos)
        return value

    def arith(self, node: Arith) -> Value:
        result = self.number(node.first, "arithmetic")
        values, missing, literal = result.values, result.missing, result.literal
        for op, operand in node.rest:
            right = self.number(operand, f"'{op}'")
            values = ARITHMETIC[op](values, right.values)
            missing = missing | right.missing
            literal = literal and right.literal
        return Value("number", values, missing, literal)

    def call(self, node: Call) -> Value:
        return call(self, node)

    def test(self, node) -> Value:
        """A true/false value per row (three-valued: missing where an operand is missing)."""
        if isinstance(node, Logic):
            parts = [self.truth(o) for o in node.operands]
            values, missing = parts[0].values, parts[0].missing
            for part in parts[1:]:
                values, missing = _kleene(node.op, values, missing, part.values, part.missing)
            return Value("bool", values, missing)
        if isinstance(node, Not):
            inner = self.truth(node.operand)
            return Value("bool", ~np.asarray(inner.values, dtype=bool), inner.missing)
        if isinstance(node, Compare):
            return self.compare(node)
        return self.member(node)

    def truth(self, node) -> Value:
        value = self.value(node)
        if value.kind not in ("bool", "any"):
            hint = f"; compare it, e.g. {show(node)} > 0" if value.kind == "number" else ""
            raise Failure(f"{show(node)} is {value.kind}, not true/false{hint}", node.pos)
        return value

    def operand_pair(self, left, right) -> tuple[Value, Value]:
        """Both sides of a comparison; a bare word facing a text column is a text value."""
        left_word, right_word = is_word(left, self.columns), is_word(right, self.columns)
        if left_word and right_word:
            raise self.unknown(left)
        if left_word or right_word:
            word, other = (left, right) if left_word else (right, left)
            other_value = self.value(other)
            if other_value.kind not in ("text", "any") or other_value.literal:
                raise self.unknown(word)
            word_value = Value("text", word.name, literal=True)
            return (word_value, other_value) if left_word else (other_value, word_value)
        return self.value(left), self.value(right)

    def compare(self, node: Compare) -> Value:
        values = missing = None
        for k, op in enumerate(node.ops):
            left, right = node.operands[k], node.operands[k + 1]
            a, b = _comparable(*self.operand_pair(left, right), left, right)
            result = _apply_comparison(op, a.values, b.values)
            result_missing = np.asarray(a.missing | b.missing, dtype=bool)
            if values is None:
                values, missing = result, result_missing
            else:
                values, missing = _kleene("and", values, missing, result, result_missing)
        return Value("bool", rows(values, self.n), rows(missing, self.n))

    def member(self, node: Member) -> Value:
        if is_word(node.left, self.columns):
            raise self.unknown(node.left)
        left = self.value(node.left)
        if left.kind in ("text", "any"):
            items = [Value("text", i.name, literal=True) if is_word(i, self.columns) else self.value(i)
                     for i in node.items]
        else:
            items = [self.value(i) for i in node.items]
        values = np.zeros(self.n, dtype=bool)
        for item, item_node in zip(items, node.items):
            if not item.literal:
                raise Failure(f"the list after 'in' holds values, not columns ({show(item_node)})",
                            item_node.pos)
            a, b = _comparable(left, item, node.left, item_node)
            values = values | rows(_apply_comparison("==", a.values, b.values), self.n)
        if node.negated:
            values = ~values
        return Value("bool", values, rows(left.missing, self.n))


def _comparable(a: Value, b: Value, a_node, b_node) -> tuple[Value, Value]:
    """The two values in a kind they can be compared in, or a clear error."""
    kinds = {a.kind, b.kind}
    if "any" in kinds:
        return a, b
    if kinds <= {"number", "bool"}:
        return (_as_number(a), _as_number(b))
    if a.kind == b.kind:
        return a, b
    if kinds == {"time", "text"}:
        text, text_node = (a, a_node) if a.kind == "text" else (b, b_node)
        if text.literal:
            stamp = Value("time", time_literal(text.values, text_node.pos), literal=True)
            return (stamp, b) if a.kind == "text" else (a, stamp)
    return _mismatch(a, b, a_node, b_node)


def _as_number(v: Value) -> Value:
    if v.kind == "bool":
        return Value("number", np.asarray(v.values, dtype="float64"), v.missing, v.literal)
    return v


def _mismatch(a: Value, b: Value, a_node, b_node):
    hint = ""
    if "time" in (a.kind, b.kind):
        hint = "; write times like 2025-01-07 or '2025-01-07T03:04:05'"
    elif "text" in (a.kind, b.kind):
        hint = "; quote text values ('...')"
    raise Failure(f"cannot compare {show(a_node)} ({a.kind}) with {show(b_node)} ({b.kind}){hint}",
                a_node.pos)


def _apply_comparison(op: str, a, b) -> np.ndarray:
    import operator

    func = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}[op]
    try:
        return np.asarray(func(a, b), dtype=bool)
    except TypeError:
        a, b = np.asarray(a, dtype=object).astype(str), np.asarray(b, dtype=object).astype(str)
        return np.asarray(func(a, b), dtype=bool)


def _kleene(op: str, a, a_missing, b, b_missing):
    """Three-valued and/or: a missing operand decides nothing unless the other one settles the answer."""
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    a_missing, b_missing = np.asarray(a_missing, dtype=bool), np.asarray(b_missing, dtype=bool)
    a_true, a_false = a & ~a_missing, ~a & ~a_missing
    b_true, b_false = b & ~b_missing, ~b & ~b_missing
    if op == "and":
        values = a_true & b_true
        missing = ~(values | a_false | b_false)
    else:
        values = a_true | b_true
        missing = ~(values | (a_false & b_false))
    return values, missing


def unknown_column_message(name: str, columns) -> str:
    """'unknown column X' with the closest names (case-insensitive), or a few of the columns there are."""
    names = list(columns)
    lowered = {n.lower(): n for n in names}
    close = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]
    if close:
        hint = f"; did you mean {', '.join(close)}?"
    elif names:
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        hint = f"; columns: {shown}"
    else:
        hint = "; the table has no columns"
    return f"unknown column {name!r}{hint}"


def _names(node) -> set[str]:
    """Every name the tree mentions (columns or bare words)."""
    if isinstance(node, Name):
        return {node.name}
    out: set[str] = set()
    for child in _children(node):
        out |= _names(child)
    return out


def _children(node) -> tuple:
    if isinstance(node, (Compare, Logic)):
        return node.operands
    if isinstance(node, Member):
        return (node.left,) + node.items
    if isinstance(node, (Not, Negate)):
        return (node.operand,)
    if isinstance(node, Arith):
        return (node.first,) + tuple(n for _, n in node.rest)
    if isinstance(node, Call):
        return node.args
    return ()


@dataclass
class Expression:
    """A parsed expression; `mask(frame)` gives the rows it selects."""

    text: str
    tree: Any
    _trees: dict = field(default_factory=dict, repr=False)

    @property
    def names(self) -> set[str]:
        """The column names (and bare words) the expression mentions."""
        return _names(self.tree)

    def mask(self, frame):
        """A boolean Series over `frame`'s rows: True where the expression holds (missing values never do)."""
        import pandas as pd

        result = self._evaluate(frame, loose=False)
        selected = rows(result.values, len(frame)) & ~rows(result.missing, len(frame))
        return pd.Series(selected, index=frame.index, dtype=bool)

    def values(self, frame):
        """The expression's value on each of `frame`'s rows as a Series (numbers as float64, missing ones NaN)."""
        import pandas as pd

        result = self._evaluate(frame, loose=False, test=False)
        n, missing = len(frame), rows(result.missing, len(frame))
        if result.kind == "number":
            values = np.where(missing, np.nan, rows(result.values, n, "float64"))
        elif result.kind == "bool":
            values = pd.array(np.where(missing, None, rows(result.values, n)), dtype="boolean")
        elif result.kind == "time":
            values = pd.to_datetime(np.where(missing, np.datetime64("NaT"), rows(result.values, n, "datetime64[ns]")),
                                    utc=True)
        else:
            values = np.where(missing, None, rows(result.values, n, object))
        return pd.Series(values, index=frame.index)

    def _evaluate(self, frame, loose: bool, test: bool = True) -> Value:
        columns = {str(c): c for c in frame.columns}
        tree = self._bound(frozenset(columns))
        try:
            with np.errstate(all="ignore"):
                evaluator = _Evaluator(frame, columns, loose)
                return evaluator.truth(tree) if test else evaluator.value(tree)
        except Failure as exc:
            raise _error(self.text, exc) from None
        except (TypeError, ValueError, OverflowError, ArithmeticError) as exc:
            detail = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BadInput(f"cannot evaluate {self.text!r}: {detail}.") from None

    def _bound(self, columns: frozenset[str]):
        """The tree for a set of column names: hyphenated words split where they begin with a column."""
        if columns not in self._trees:
            self._trees[columns] = _parse(self.text, columns)
        return self._trees[columns]


def _parse(text: str, columns: frozenset[str] | None):
    try:
        return Parser(tokenize(text, columns)).parse()
    except Failure as exc:
        raise _error(text, exc) from None


class UnknownColumn(BadInput):
    """An expression names a column the table does not have."""


def _error(text: str, exc: Failure) -> BadInput:
    where = f" (position {exc.pos + 1})" if exc.pos is not None else ""
    end = "" if exc.problem.endswith("?") else "."
    kind = UnknownColumn if getattr(exc, "column", None) else BadInput
    return kind(f"bad expression {text!r}{where}: {exc.problem}{end}")


def parse_expression(text: str, columns=None) -> Expression:
    """Parse `text`; with `columns` (names, a dtype mapping or a DataFrame) also check names and kinds now."""
    if not isinstance(text, str):
        raise BadInput(f"an expression must be text, not {type(text).__name__}.")
    expression = Expression(text, _parse(text, None))
    if columns is not None:
        frame, loose = _empty_frame(columns)
        expression._evaluate(frame, loose)
    return expression


def _empty_frame(columns):
    """An empty DataFrame with the given columns, and whether their kinds are unknown (names only)."""
    import pandas as pd

    if isinstance(columns, pd.DataFrame):
        return columns.iloc[:0], False
    if hasattr(columns, "items"):
        return pd.DataFrame({str(n): pd.Series([], dtype=d) for n, d in columns.items()}), False
    return pd.DataFrame({str(n): pd.Series([], dtype=object) for n in columns}), True


def row_mask(frame, text: str):
    """The rows of `frame` where `text` holds, as a boolean Series; blank text selects every row."""
    import pandas as pd

    if text is None or not str(text).strip():
        return pd.Series(True, index=frame.index, dtype=bool)
    return parse_expression(text).mask(frame)


def column_values(frame, text: str):
    """The value of the expression `text` on each row of `frame`, as a new Series (e.g. `1/cosd(zenith_angle)`)."""
    if text is None or not str(text).strip():
        raise BadInput("an expression is needed to compute a column, e.g. '1/cosd(zenith_angle)'.")
    return parse_expression(text).values(frame)
