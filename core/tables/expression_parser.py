"""The expression language's grammar: tokens, the syntax tree and the parser (evaluation is in expressions).

A syntax error is a Failure at a position; the caller that knows the whole text turns it into one line.
"""

from __future__ import annotations

import re
from collections import namedtuple

import numpy as np

MAX_DEPTH = 60
ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}
ONE_NUMBER = ("abs", "sqrt", "log10", "log", "exp", "sin", "cos", "tan", "sind", "cosd", "tand", "radians",
              "degrees")
# Every function an expression may call, with how many arguments it takes.
FUNCTIONS = {**dict.fromkeys(ONE_NUMBER, 1), "clip": 3, "where": 3, "median_by": 2, "hours_since": 2, "isna": 1,
             "notna": 1, "glob": 2}
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


class Failure(Exception):
    """A problem at a position, turned into one BadInput line by the caller that knows the text."""

    def __init__(self, problem: str, pos: int | None) -> None:
        super().__init__(problem)
        self.problem, self.pos = problem, pos


def tokenize(text: str, columns: frozenset[str] | None) -> list[Token]:
    """Tokens of `text`; words joined by - are split only where the part before is a column (x-1)."""
    tokens, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None:
            raise Failure(f"unexpected character {text[i]!r}", i)
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
            raise Failure("a number runs into letters; quote text values ('...')", i)
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
    raise Failure(f"unterminated {what} (no closing {quote})", start)


class Parser:
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
            raise Failure(f"expected {what}, found {_describe(self.tok)}", self.tok.pos)
        return self._advance()

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Failure(f"expression nested more than {MAX_DEPTH} levels deep", self.tok.pos)

    def parse(self):
        if self.tok.kind == "end":
            raise Failure("empty expression", 0)
        node = self._or()
        if self.tok.kind != "end":
            raise Failure(f"unexpected {_describe(self.tok)}; join conditions with and/or (& |)", self.tok.pos)
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
            raise Failure(f"expected a list like (a, b) after 'in', found {_describe(opening)}", opening.pos)
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
                raise Failure("empty column name ``", t.pos)
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
        raise Failure(f"expected a column, number or text, found {_describe(t)}", t.pos)

    def _call(self, name: Token) -> Call:
        if name.text not in FUNCTIONS:
            raise Failure(f"unknown function {name.text!r} (functions: {', '.join(sorted(FUNCTIONS))})", name.pos)
        self._advance()
        self._deeper()
        args = [self._or()]
        while self._is(","):
            self._advance()
            args.append(self._or())
        self.depth -= 1
        self._expect(")", "')' after the function arguments")
        wanted = FUNCTIONS[name.text]
        if len(args) != wanted:
            raise Failure(f"{name.text}() takes {wanted} argument{'s' if wanted > 1 else ''}", name.pos)
        return Call(name.text, tuple(args), name.pos)


def _describe(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else repr(token.text)
