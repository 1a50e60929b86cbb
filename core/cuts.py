"""Named quality cuts: expressions over result columns, saved in the user's config dir and applied everywhere."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .config import config_dir
from .errors import BadInput
from .expressions import parse_expression

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Cut:
    """A saved quality cut."""

    name: str
    expression: str
    description: str = ""


def cuts_path() -> Path:
    """The file holding the saved cuts."""
    return config_dir() / "cuts.toml"


def load_cuts(path: Path | None = None) -> dict[str, Cut]:
    """Every saved cut by name (none when the file does not exist yet)."""
    source = path or cuts_path()
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"cannot read the quality cuts in {source}: {exc}.") from exc
    cuts = {}
    for name, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("expression"), str):
            raise BadInput(f"quality cut {name!r} in {source} has no expression; fix or remove it.")
        cuts[name] = Cut(name, entry["expression"], str(entry.get("description", "")))
    return cuts


def get_cut(name: str, path: Path | None = None) -> Cut:
    """The saved cut called `name`, or a BadInput naming the close ones."""
    cuts = load_cuts(path)
    if name in cuts:
        return cuts[name]
    close = difflib.get_close_matches(name, list(cuts), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else (
        f"saved cuts: {', '.join(sorted(cuts))}." if cuts else "none is saved yet; add one with `spectui cuts add`.")
    raise BadInput(f"no quality cut named {name!r}; {hint}")


def add_cut(name: str, expression: str, description: str = "", *, replace: bool = False,
            path: Path | None = None) -> Cut:
    """Check and save a cut; an existing name is only overwritten with `replace`."""
    if not NAME.fullmatch(name or ""):
        raise BadInput(f"bad cut name {name!r}: use letters, digits, '_', '.' or '-'.")
    if not expression.strip():
        raise BadInput("a quality cut needs an expression, e.g. 'CHI2_FIT<30 & PSF_REG>1e-2'.")
    parse_expression(expression)
    cuts = load_cuts(path)
    if name in cuts and not replace:
        raise BadInput(f"a quality cut named {name!r} exists ({cuts[name].expression}); pass --replace to change it.")
    cuts[name] = Cut(name, expression.strip(), description)
    _save(cuts, path)
    return cuts[name]


def remove_cut(name: str, path: Path | None = None) -> Cut:
    """Delete a saved cut and return it."""
    cut = get_cut(name, path)
    cuts = load_cuts(path)
    del cuts[name]
    _save(cuts, path)
    return cut


def _save(cuts: dict[str, Cut], path: Path | None) -> None:
    import tomli_w

    from .tables import atomic_path

    target = path or cuts_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {c.name: {"expression": c.expression} | ({"description": c.description} if c.description else {})
            for c in sorted(cuts.values(), key=lambda c: c.name)}
    with atomic_path(target) as tmp:
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")


def selection_mask(frame, cuts=(), where: str = "", path: Path | None = None):
    """Rows passing every named cut and the ad hoc `where` expression; errors name the cut that failed."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index, dtype=bool)
    for name in cuts:
        cut = get_cut(name, path)
        try:
            mask &= parse_expression(cut.expression).mask(frame)
        except BadInput as exc:
            raise BadInput(f"quality cut {name!r}: {exc.message}") from None
    if where and where.strip():
        mask &= parse_expression(where).mask(frame)
    return mask
