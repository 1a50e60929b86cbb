"""A small, safe expression language over table columns, for quality cuts and the filter bar.

It accepts both `filter == OG550_65mm_1 and day_obs > 20250101` and the notebooks'
`CHI2_FIT<30 & PSF_REG>1e-2 & 186.7<D2CCD<187.4`; nothing in it can run Python code.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import BadInput

MAX_DEPTH = 60
ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}
NUMBER_FUNCTIONS = {"abs": np.abs, "sqrt": np.sqrt, "log10": np.log10, "log": np.log}
TEST_FUNCTIONS = ("isna", "notna", "glob")
KEYWORDS = {"and", "or", "not", "in"}
COMPARISONS = {"==": "==", "=": "==", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?)(?![\w.])
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:[-~.][A-Za-z0-9_]+)*)
  | (?P<op>==|!=|<>|<=|>=|&&|\|\||[<>=&|~!(),\[\]+\-*/])
  | (?P<quote>['"`])
""", re.VERBOSE)


Token = namedtuple("Token", "kind text pos value", defaults=(None,))

# Syntax tree nodes: every node keeps the position of its first character for error messages.
Name = namedtuple("Name", "name pos quoted", defaults=(False,))
Literal = namedtuple("Literal", "value kind pos")
Compare = namedtuple("Compare", "operands ops pos")
Member = namedtuple("Member", "left items negated pos")
Logic = namedtuple("Logic", "op operands pos")
Not = namedtuple("Not", "operand pos")
Arith = namedtuple("Arith", "first rest pos")  # rest: ((op, node), ...)
Negate = namedtuple("Negate", "operand pos")
Call = namedtuple("Call", "name args pos")


class _Fail(Exception):
    """A problem at a position, turned into one BadInput line by the caller that knows the text."""

    def __init__(self, problem: str, pos: int | None) -> None:
        super().__init__(problem)
        self.problem, self.pos = problem, pos


def _tokenize(text: str, columns: frozenset[str] | None) -> list[Token]:
    """Tokens of `text`; words joined by - are split only where the part before is a column (x-1)."""
    tokens, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None:
            raise _Fail(f"unexpected character {text[i]!r}", i)
        kind = m.lastgroup
        if kind == "space":
            i = m.end()
            continue
        if kind == "quote":
            token, i = _quoted(text, i)
            tokens.append(token)
            continue
        word = m.group()
        if kind == "word" and columns is not None and word not in columns and "-" in word:
            head = re.match(r"[A-Za-z0-9_.~]+", word).group()
            if head in columns:
                word = head
        if kind == "number" and re.match(r"[A-Za-z_]", text[i + len(word):i + len(word) + 1]):
            raise _Fail("a number runs into letters; quote text values ('...')", i)
        tokens.append(Token(kind, word, i))
        i += len(word)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _quoted(text: str, start: int) -> tuple[Token, int]:
    """A quoted string or backticked column name starting at `start`; a doubled quote or \\ escapes it."""
    quote = text[start]
    out, i = [], start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif ch == quote and text[i + 1:i + 2] == quote:
            out.append(quote)
            i += 2
        elif ch == quote:
            kind = "column" if quote == "`" else "string"
            return Token(kind, text[start:i + 1], start, "".join(out)), i + 1
        else:
            out.append(ch)
            i += 1
    what = "column name" if quote == "`" else "string"
    raise _Fail(f"unterminated {what} (no closing {quote})", start)


class _Parser:
    """Recursive descent: or < and < not < comparison/in < + - < * / < unary minus < atom."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.i, self.depth = tokens, 0, 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _is(self, *texts: str) -> bool:
        t = self.tok
        if t.kind == "word":
            return t.text.lower() in texts
        return t.kind == "op" and t.text in texts

    def _advance(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def _expect(self, text: str, what: str) -> Token:
        if not self._is(text):
            raise _Fail(f"expected {what}, found {_describe(self.tok)}", self.tok.pos)
        return self._advance()

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Fail(f"expression nested more than {MAX_DEPTH} levels deep", self.tok.pos)

    def parse(self):
        if self.tok.kind == "end":
            raise _Fail("empty expression", 0)
        node = self._or()
        if self.tok.kind != "end":
            raise _Fail(f"unexpected {_describe(self.tok)}; join conditions with and/or (& |)", self.tok.pos)
        return node

    def _logic(self, op: str, words: tuple[str, ...], inner):
        first = inner()
        operands = [first]
        while self._is(*words):
            self._advance()
            operands.append(inner())
        return first if len(operands) == 1 else Logic(op, tuple(operands), first.pos)

    def _or(self):
        return self._logic("or", ("or", "|", "||"), self._and)

    def _and(self):
        return self._logic("and", ("and", "&", "&&"), self._not)

    def _not(self):
        if self._is("not", "~", "!") and not self._is_not_in():
            start = self._advance()
            self._deeper()
            node = Not(self._not(), start.pos)
            self.depth -= 1
            return node
        return self._comparison()

    def _is_not_in(self) -> bool:
        if not self._is("not"):
            return False
        nxt = self.tokens[self.i + 1]
        return nxt.kind == "word" and nxt.text.lower() == "in"

    def _comparison(self):
        first = self._sum()
        if self._is("in") or self._is_not_in():
            negated = self._advance().text.lower() == "not"
            if negated:
                self._advance()
            return Member(first, self._items(), negated, first.pos)
        operands, ops = [first], []
        while self.tok.kind == "op" and self.tok.text in COMPARISONS:
            ops.append(COMPARISONS[self._advance().text])
            operands.append(self._sum())
        return first if not ops else Compare(tuple(operands), tuple(ops), first.pos)

    def _items(self) -> tuple:
        opening = self.tok
        if not self._is("(", "["):
            raise _Fail(f"expected a list like (a, b) after 'in', found {_describe(opening)}", opening.pos)
        self._advance()
        closing = ")" if opening.text == "(" else "]"
        items = [self._sum()]
        while self._is(","):
            self._advance()
            items.append(self._sum())
        self._expect(closing, f"',' or '{closing}' in the list")
        return tuple(items)

    def _arith(self, ops: tuple[str, ...], inner):
        first = inner()
        rest = []
        while self.tok.kind == "op" and self.tok.text in ops:
            op = self._advance().text
            rest.append((op, inner()))
        return first if not rest else Arith(first, tuple(rest), first.pos)

    def _sum(self):
        return self._arith(("+", "-"), self._product)

    def _product(self):
        return self._arith(("*", "/"), self._unary)

    def _unary(self):
        if self._is("-", "+"):
            sign = self._advance()
            self._deeper()
            operand = self._unary()
            self.depth -= 1
            return Negate(operand, sign.pos) if sign.text == "-" else operand
        return self._atom()

    def _atom(self):
        t = self.tok
        if t.kind == "number":
            self._advance()
            return Literal(float(t.text), "number", t.pos)
        if t.kind == "date":
            self._advance()
            return Literal(t.text, "time", t.pos)
        if t.kind == "string":
            self._advance()
            return Literal(t.value, "text", t.pos)
        if t.kind == "column":
            self._advance()
            if not t.value:
                raise _Fail("empty column name ``", t.pos)
            return Name(t.value, t.pos, quoted=True)
        if t.kind == "word" and t.text.lower() not in KEYWORDS:
            self._advance()
            if self._is("("):
                return self._call(t)
            return Name(t.text, t.pos)
        if self._is("("):
            self._advance()
            self._deeper()
            node = self._or()
            self.depth -= 1
            self._expect(")", "')'")
            return node
        raise _Fail(f"expected a column, number or text, found {_describe(t)}", t.pos)

    def _call(self, name: Token) -> Call:
        known = sorted(NUMBER_FUNCTIONS) + list(TEST_FUNCTIONS)
        if name.text not in known:
            raise _Fail(f"unknown function {name.text!r} (functions: {', '.join(known)})", name.pos)
        self._advance()
        self._deeper()
        args = [self._or()]
        while self._is(","):
            self._advance()
            args.append(self._or())
        self.depth -= 1
        self._expect(")", "')' after the function arguments")
        wanted = 2 if name.text == "glob" else 1
        if len(args) != wanted:
            raise _Fail(f"{name.text}() takes {wanted} argument{'s' if wanted > 1 else ''}", name.pos)
        return Call(name.text, tuple(args), name.pos)


def _describe(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else repr(token.text)


# Evaluation: every value is (kind, values, missing) over the rows; missing values fail every comparison.

@dataclass
class _Value:
    kind: str  # number, text, time, bool
    values: Any  # numpy array over the rows, or a scalar for a literal
    missing: Any = False  # numpy bool array, or False
    literal: bool = False


def _column_value(frame, name: str) -> _Value:
    import pandas as pd

    col = frame[name]
    missing = col.isna().to_numpy(dtype=bool)
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _Value("bool", col.to_numpy(dtype=bool, na_value=False), missing)
    if pd.api.types.is_numeric_dtype(dtype):
        return _Value("number", col.to_numpy(dtype="float64", na_value=np.nan), missing)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if isinstance(dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_convert("UTC").dt.tz_localize(None)
        return _Value("time", col.to_numpy(dtype="datetime64[ns]"), missing)
    values = col.astype(object).to_numpy()
    values = np.where(missing, "", values)
    return _Value("text", values, missing)


def _time_literal(text: str, pos: int) -> np.datetime64:
    import pandas as pd

    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        raise _Fail(f"{text!r} is not a date or time (write 2025-01-07 or 2025-01-07T03:04:05)",
                    pos) from None
    if stamp is pd.NaT:
        raise _Fail(f"{text!r} is not a date or time", pos)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return np.datetime64(stamp.as_unit("ns").to_datetime64())


class _Evaluator:
    """Evaluates a bound tree over a frame, checking kinds and naming unknown columns."""

    def __init__(self, frame, columns: dict[str, Any], loose: bool = False) -> None:
        self.frame, self.columns, self.n, self.loose = frame, columns, len(frame), loose

    def unknown(self, node: Name) -> _Fail:
        return _Fail(unknown_column_message(node.name, self.columns), node.pos)

    def value(self, node) -> _Value:
        if isinstance(node, Name):
            if node.name in self.columns:
                if self.loose:
                    return _Value("any", np.zeros(0), np.zeros(0, dtype=bool))
                return _column_value(self.frame, self.columns[node.name])
            if not node.quoted and node.name.lower() in ("true", "false"):
                return _Value("bool", node.name.lower() == "true", literal=True)
            raise self.unknown(node)
        if isinstance(node, Literal):
            if node.kind == "time":
                return _Value("time", _time_literal(node.value, node.pos), literal=True)
            return _Value(node.kind, node.value, literal=True)
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Negate):
            inner = self.number(node.operand, "-")
            return _Value("number", -inner.values, inner.missing, inner.literal)
        if isinstance(node, Call):
            return self.call(node)
        return self.test(node)

    def number(self, node, what: str) -> _Value:
        value = _as_number(self.value(node))
        if value.kind not in ("number", "any"):
            raise _Fail(f"{what} needs numbers, but {_show(node)} is {value.kind}", node.pos)
        return value

    def arith(self, node: Arith) -> _Value:
        result = self.number(node.first, "arithmetic")
        values, missing, literal = result.values, result.missing, result.literal
        for op, operand in node.rest:
            right = self.number(operand, f"'{op}'")
            values = ARITHMETIC[op](values, right.values)
            missing = missing | right.missing
            literal = literal and right.literal
        return _Value("number", values, missing, literal)

    def call(self, node: Call) -> _Value:
        if node.name in NUMBER_FUNCTIONS:
            arg = self.number(node.args[0], f"{node.name}()")
            values = NUMBER_FUNCTIONS[node.name](arg.values)
            return _Value("number", values, arg.missing | ~np.isfinite(values), arg.literal)
        if _is_word(node.args[0], self.columns):
            raise self.unknown(node.args[0])
        subject = self.value(node.args[0])
        if node.name in ("isna", "notna"):
            missing = np.broadcast_to(np.asarray(subject.missing, dtype=bool), (self.n,))
            if subject.kind == "number":
                missing = missing | ~np.isfinite(np.broadcast_to(subject.values, (self.n,)))
            return _Value("bool", missing if node.name == "isna" else ~missing)
        pattern = node.args[1]
        if not isinstance(pattern, (Literal, Name)) or isinstance(pattern, Name) and pattern.quoted:
            raise _Fail("glob() needs a text pattern such as 'HD*'", pattern.pos)
        if subject.kind not in ("text", "any"):
            raise _Fail(f"glob() needs a text column, but {_show(node.args[0])} is {subject.kind}", node.pos)
        text = pattern.value if isinstance(pattern, Literal) else pattern.name
        values = np.broadcast_to(subject.values, (self.n,))
        matched = np.fromiter((fnmatch.fnmatchcase(str(v), str(text)) for v in values), bool, self.n)
        return _Value("bool", matched, subject.missing)

    def test(self, node) -> _Value:
        """A true/false value per row (three-valued: missing where an operand is missing)."""
        if isinstance(node, Logic):
            parts = [self.truth(o) for o in node.operands]
            values, missing = parts[0].values, parts[0].missing
            for part in parts[1:]:
                values, missing = _kleene(node.op, values, missing, part.values, part.missing)
            return _Value("bool", values, missing)
        if isinstance(node, Not):
            inner = self.truth(node.operand)
            return _Value("bool", ~np.asarray(inner.values, dtype=bool), inner.missing)
        if isinstance(node, Compare):
            return self.compare(node)
        return self.member(node)

    def truth(self, node) -> _Value:
        value = self.value(node)
        if value.kind not in ("bool", "any"):
            hint = f"; compare it, e.g. {_show(node)} > 0" if value.kind == "number" else ""
            raise _Fail(f"{_show(node)} is {value.kind}, not true/false{hint}", node.pos)
        return value

    def operand_pair(self, left, right) -> tuple[_Value, _Value]:
        """Both sides of a comparison; a bare word facing a text column is a text value."""
        left_word, right_word = _is_word(left, self.columns), _is_word(right, self.columns)
        if left_word and right_word:
            raise self.unknown(left)
        if left_word or right_word:
            word, other = (left, right) if left_word else (right, left)
            other_value = self.value(other)
            if other_value.kind not in ("text", "any") or other_value.literal:
                raise self.unknown(word)
            word_value = _Value("text", word.name, literal=True)
            return (word_value, other_value) if left_word else (other_value, word_value)
        return self.value(left), self.value(right)

    def compare(self, node: Compare) -> _Value:
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
        return _Value("bool", _rows(values, self.n), _rows(missing, self.n))

    def member(self, node: Member) -> _Value:
        if _is_word(node.left, self.columns):
            raise self.unknown(node.left)
        left = self.value(node.left)
        if left.kind in ("text", "any"):
            items = [_Value("text", i.name, literal=True) if _is_word(i, self.columns) else self.value(i)
                     for i in node.items]
        else:
            items = [self.value(i) for i in node.items]
        values = np.zeros(self.n, dtype=bool)
        for item, item_node in zip(items, node.items):
            if not item.literal:
                raise _Fail(f"the list after 'in' holds values, not columns ({_show(item_node)})",
                            item_node.pos)
            a, b = _comparable(left, item, node.left, item_node)
            values = values | _rows(_apply_comparison("==", a.values, b.values), self.n)
        if node.negated:
            values = ~values
        return _Value("bool", values, _rows(left.missing, self.n))


def _is_word(node, columns) -> bool:
    return isinstance(node, Name) and not node.quoted and node.name not in columns and (
        node.name.lower() not in ("true", "false"))


def _rows(values, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(values, dtype=bool), (n,)).copy()


def _comparable(a: _Value, b: _Value, a_node, b_node) -> tuple[_Value, _Value]:
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
            stamp = _Value("time", _time_literal(text.values, text_node.pos), literal=True)
            return (stamp, b) if a.kind == "text" else (a, stamp)
    return _mismatch(a, b, a_node, b_node)


def _as_number(v: _Value) -> _Value:
    if v.kind == "bool":
        return _Value("number", np.asarray(v.values, dtype="float64"), v.missing, v.literal)
    return v


def _mismatch(a: _Value, b: _Value, a_node, b_node):
    hint = ""
    if "time" in (a.kind, b.kind):
        hint = "; write times like 2025-01-07 or '2025-01-07T03:04:05'"
    elif "text" in (a.kind, b.kind):
        hint = "; quote text values ('...')"
    raise _Fail(f"cannot compare {_show(a_node)} ({a.kind}) with {_show(b_node)} ({b.kind}){hint}",
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


def _show(node) -> str:
    if isinstance(node, Name):
        return f"`{node.name}`" if node.quoted or not re.fullmatch(r"[A-Za-z_][\w\-~.]*", node.name) \
            else node.name
    if isinstance(node, Literal):
        return repr(node.value) if node.kind != "number" else f"{node.value:g}"
    if isinstance(node, Call):
        return f"{node.name}(...)"
    return "the expression"


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
        selected = _rows(result.values, len(frame)) & ~_rows(result.missing, len(frame))
        return pd.Series(selected, index=frame.index, dtype=bool)

    def _evaluate(self, frame, loose: bool) -> _Value:
        columns = {str(c): c for c in frame.columns}
        tree = self._bound(frozenset(columns))
        try:
            with np.errstate(all="ignore"):
                return _Evaluator(frame, columns, loose).truth(tree)
        except _Fail as exc:
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
        return _Parser(_tokenize(text, columns)).parse()
    except _Fail as exc:
        raise _error(text, exc) from None


def _error(text: str, exc: _Fail) -> BadInput:
    where = f" (position {exc.pos + 1})" if exc.pos is not None else ""
    end = "" if exc.problem.endswith("?") else "."
    return BadInput(f"bad expression {text!r}{where}: {exc.problem}{end}")


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
