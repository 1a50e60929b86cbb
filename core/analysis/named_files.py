"""Named entries saved in a TOML file of the config directory (runs, quality cuts, derived columns).

Each kind can be loaded, found by name, saved and removed the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import config_dir, load_config, write_toml
from ..errors import BadInput
from ..tables.expressions import parse_expression

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class NamedExpression:
    """A table expression saved under a name, with what it is for (a quality cut, a derived column)."""

    name: str
    expression: str
    description: str = ""

    def line(self) -> str:
        """Name, expression and description on one tab-separated line, as `list` commands print them."""
        return f"{self.name}\t{self.expression}" + (f"\t# {self.description}" if self.description else "")


@dataclass(frozen=True)
class NamedFile:
    """One kind of named entry: its file, how an entry reads from and writes to TOML, what to say when empty."""

    what: str
    file_name: str
    read: Callable[[str, object, Path], object]
    """(name, TOML value, file) -> entry; raises BadInput naming the file when the value is malformed."""
    write: Callable[[object], dict]
    when_empty: str
    order: Callable[[str], object] | None = str
    """Sort key of the names in the file; None keeps the entries in the order they were added."""

    def path(self, path: Path | None = None) -> Path:
        """The file holding the entries (`path` when given)."""
        return path or config_dir() / self.file_name

    def load(self, path: Path | None = None) -> dict:
        """Every entry by name (none when the file does not exist yet)."""
        source = self.path(path)
        return {name: self.read(name, value, source) for name, value in load_config(source).items()}

    def get(self, name: str, path: Path | None = None):
        """The entry called `name`, or a BadInput naming the close ones."""
        return named(name, self.load(path), self.what, self.when_empty)

    def save(self, entries: dict, path: Path | None = None) -> None:
        """Write every entry, sorted by name unless `order` is None (atomically, as every config file)."""
        names = list(entries) if self.order is None else sorted(entries, key=self.order)
        write_toml({name: self.write(entries[name]) for name in names}, self.path(path))

    def add_expression(self, entry: NamedExpression, example: str, *, replace: bool = False,
                       path: Path | None = None):
        """Check `entry`'s expression (its syntax) and save it; an existing name is only changed with `replace`."""
        if not entry.expression.strip():
            raise BadInput(f"a {self.what} needs an expression, e.g. {example!r}.")
        parse_expression(entry.expression)
        entries = self.load(path)
        if entry.name in entries and not replace:
            raise BadInput(f"a {self.what} named {entry.name!r} exists ({entries[entry.name].expression}); "
                           "pass --replace to change it.")
        entries[entry.name] = type(entry)(entry.name, entry.expression.strip(), entry.description)
        self.save(entries, path)
        return entries[entry.name]

    def remove(self, name: str, path: Path | None = None):
        """Delete one entry and return it."""
        entries = self.load(path)
        entry = named(name, entries, self.what, self.when_empty)
        del entries[name]
        self.save(entries, path)
        return entry


def named(name: str, entries: dict, what: str, when_empty: str):
    """entries[name], or a BadInput naming the close names."""
    if name in entries:
        return entries[name]
    close = difflib.get_close_matches(name, list(entries), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else (
        f"there are: {', '.join(sorted(entries))}." if entries else when_empty)
    raise BadInput(f"no {what} named {name!r}; {hint}")


def check_name(name: str, what: str) -> None:
    """Refuse names that would not read back cleanly as TOML keys or command-line words."""
    if not NAME.fullmatch(name or ""):
        raise BadInput(f"bad {what} name {name!r}: use letters, digits, '_', '.' or '-'.")


def expression_file(kind: type[NamedExpression], what: str, file_name: str, when_empty: str,
                    order: Callable[[str], object] | None = str) -> NamedFile:
    """The NamedFile of one kind of named expression: each entry an expression and an optional description."""

    def read(name: str, entry, source: Path) -> NamedExpression:
        if not isinstance(entry, dict) or not isinstance(entry.get("expression"), str):
            raise BadInput(f"{what} {name!r} in {source} has no expression; fix or remove it.")
        return kind(name, entry["expression"], str(entry.get("description", "")))

    def write(item: NamedExpression) -> dict:
        return {"expression": item.expression, **({"description": item.description} if item.description else {})}

    return NamedFile(what, file_name, read, write, when_empty, order)
