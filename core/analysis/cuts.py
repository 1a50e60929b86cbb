"""Named quality cuts: expressions over result columns, saved in the config dir and applied everywhere."""

from __future__ import annotations

from pathlib import Path

from ..errors import BadInput
from ..tables.expressions import parse_expression
from .named_files import NamedExpression, check_name, expression_file


class Cut(NamedExpression):
    """A saved quality cut."""


CUTS = expression_file(Cut, "quality cut", "cuts.toml", "none is saved yet; add one with `spectui cuts add`.")


def cuts_path() -> Path:
    """The file holding the saved cuts."""
    return CUTS.path()


def load_cuts(path: Path | None = None) -> dict[str, Cut]:
    """Every saved cut by name (none when the file does not exist yet)."""
    return CUTS.load(path)


def get_cut(name: str, path: Path | None = None) -> Cut:
    """The saved cut called `name`, or a BadInput naming the close ones."""
    return CUTS.get(name, path)


def add_cut(name: str, expression: str, description: str = "", *, replace: bool = False,
            path: Path | None = None) -> Cut:
    """Check and save a cut; an existing name is only overwritten with `replace`."""
    check_name(name, "cut")
    return CUTS.add_expression(Cut(name, expression, description), "CHI2_FIT<30 & PSF_REG>1e-2", replace=replace,
                               path=path)


def remove_cut(name: str, path: Path | None = None) -> Cut:
    """Delete a saved cut and return it."""
    return CUTS.remove(name, path)


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
