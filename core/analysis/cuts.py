"""Named quality cuts: expressions over result columns, saved in the config dir and applied everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import config_dir, load_config, write_toml
from ..errors import BadInput
from ..tables.expressions import parse_expression
from .runs import check_name, named


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
    cuts = {}
    for name, entry in load_config(source).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("expression"), str):
            raise BadInput(f"quality cut {name!r} in {source} has no expression; fix or remove it.")
        cuts[name] = Cut(name, entry["expression"], str(entry.get("description", "")))
    return cuts


def get_cut(name: str, path: Path | None = None) -> Cut:
    """The saved cut called `name`, or a BadInput naming the close ones."""
    return named(name, load_cuts(path), "quality cut", "none is saved yet; add one with `spectui cuts add`.")


def add_cut(name: str, expression: str, description: str = "", *, replace: bool = False,
            path: Path | None = None) -> Cut:
    """Check and save a cut; an existing name is only overwritten with `replace`."""
    check_name(name, "cut")
    if not expression.strip():
        raise BadInput("a quality cut needs an expression, e.g. 'CHI2_FIT<30 & PSF_REG>1e-2'.")
    parse_expression(expression)
    cuts = load_cuts(path)
    if name in cuts and not replace:
        raise BadInput(f"a quality cut named {name!r} exists ({cuts[name].expression}); "
                       "pass --replace to change it.")
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
    data = {}
    for cut in sorted(cuts.values(), key=lambda c: c.name):
        data[cut.name] = {"expression": cut.expression}
        if cut.description:
            data[cut.name]["description"] = cut.description
    write_toml(data, path or cuts_path())


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
