"""Named quality cuts: an expression over result columns and/or per-filter ranges, saved in the config dir and
applied everywhere through `selection_mask`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInput
from ..tables.expressions import parse_expression
from .cut_ranges import Ranges, check_ranges, ranges_lines, ranges_mask
from .named_files import NamedExpression, NamedFile, check_name

EXAMPLE = "CHI2_FIT<30 & PSF_REG>1e-2"
PWV_COLUMNS = ("PWV [mm]_spectrum", "PWV [mm]_spectrogram", "PWV [mm]_rum", "PWV [mm]_y", "PWV [mm]_ram",
               "PWV [mm]_x", "PWV [mm]")
"""The column `compare_cuts` describes by default: the first of these the table has."""


@dataclass(frozen=True)
class Cut(NamedExpression):
    """A saved quality cut: an expression, per-filter ranges ({column: {filter: (min, max)}}), or both."""

    ranges: Ranges = field(default_factory=dict)

    def line(self) -> str:
        """Name, expression (or `(per-filter ranges)`) and description, then one indented line per range column."""
        head = f"{self.name}\t{self.expression or '(per-filter ranges)'}"
        head += f"\t# {self.description}" if self.description else ""
        return "\n".join([head, *(f"    {line}" for line in ranges_lines(self.ranges))])

    def mask(self, frame):
        """The rows passing both the expression and the per-filter ranges."""
        mask = ranges_mask(frame, self.ranges)
        if self.expression:
            mask &= parse_expression(self.expression).mask(frame)
        return mask


def _read(name: str, entry, source: Path) -> Cut:
    if not isinstance(entry, dict) or not isinstance(entry.get("expression", ""), str) or not (
            entry.get("expression") or entry.get("ranges")):
        raise BadInput(f"quality cut {name!r} in {source} has no expression or ranges; fix or remove it.")
    return Cut(name, entry.get("expression", ""), str(entry.get("description", "")),
               check_ranges(entry.get("ranges", {}), f"quality cut {name!r} in {source}"))


def _write(cut: Cut) -> dict:
    out: dict = {"expression": cut.expression} if cut.expression else {}
    if cut.description:
        out["description"] = cut.description
    if cut.ranges:
        out["ranges"] = {column: {filt: {k: v for k, v in (("min", low), ("max", high)) if v is not None}
                                  for filt, (low, high) in per_filter.items()}
                         for column, per_filter in cut.ranges.items()}
    return out


CUTS = NamedFile("quality cut", "cuts.toml", _read, _write,
                 "none is saved yet; add one with `spectui cuts add` or `spectui cuts import`.")


def cuts_path() -> Path:
    """The file holding the saved cuts."""
    return CUTS.path()


def load_cuts(path: Path | None = None) -> dict[str, Cut]:
    """Every saved cut by name (none when the file does not exist yet)."""
    return CUTS.load(path)


def get_cut(name: str, path: Path | None = None) -> Cut:
    """The saved cut called `name`, or a BadInput naming the close ones."""
    return CUTS.get(name, path)


def add_cut(name: str, expression: str = "", description: str = "", *, ranges: dict | None = None,
            replace: bool = False, path: Path | None = None) -> Cut:
    """Check and save a cut (an expression, per-filter ranges or both); an existing name needs `replace`."""
    check_name(name, "cut")
    expression = (expression or "").strip()
    if not expression and not ranges:
        raise BadInput(f"a quality cut needs an expression, e.g. {EXAMPLE!r}, or per-filter ranges.")
    if expression:
        parse_expression(expression)
    cut = Cut(name, expression, description, check_ranges(ranges or {}, f"quality cut {name!r}"))
    entries = load_cuts(path)
    if name in entries and not replace:
        old = entries[name].expression or "per-filter ranges"
        raise BadInput(f"a quality cut named {name!r} exists ({old}); pass --replace to change it.")
    entries[name] = cut
    CUTS.save(entries, path)
    return cut


def remove_cut(name: str, path: Path | None = None) -> Cut:
    """Delete a saved cut and return it."""
    return CUTS.remove(name, path)


def cut_mask(frame, cut: Cut):
    """The rows passing one cut; errors name the cut."""
    try:
        return cut.mask(frame)
    except BadInput as exc:
        raise BadInput(f"quality cut {cut.name!r}: {exc.message}") from None


def selection_mask(frame, cuts=(), where: str = "", path: Path | None = None):
    """Rows passing every named cut (expression and per-filter ranges) and the ad hoc `where` expression."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index, dtype=bool)
    for name in cuts:
        mask &= cut_mask(frame, get_cut(name, path))
    if where and where.strip():
        mask &= parse_expression(where).mask(frame)
    return mask


def _groups(frame, by: str | None) -> list:
    """The grouping keys: the filter of each row, and the `by` column's value when given."""
    from ..tables.column_notes import grouping_column
    from .stats import column

    name = grouping_column([str(c) for c in frame.columns], "filter")
    if name is None:
        raise BadInput("cannot count per filter: the table has no FILTER or physical_filter column.")
    keys = [name] + ([by] if by else [])
    return [column(frame, key).astype("string").fillna("(none)").rename(key) for key in keys]


def kept_counts(frame, mask, by: str | None = None):
    """Per filter (and per value of `by`): rows kept by `mask`, rows in all, and the kept fraction."""
    import pandas as pd

    keys = _groups(frame, by)
    kept = pd.Series(mask.to_numpy(dtype=bool), index=frame.index)
    grouped = kept.groupby(keys, sort=True)
    out = pd.DataFrame({"kept": grouped.sum().astype("int64"), "total": grouped.size().astype("int64")})
    out["fraction"] = out["kept"] / out["total"]
    return out.reset_index()


def default_compare_column(frame) -> str:
    """The PWV column `compare_cuts` describes when none is named."""
    found = next((c for c in PWV_COLUMNS if c in frame.columns), None)
    if found is None:
        raise BadInput(f"no PWV column to describe (none of {', '.join(PWV_COLUMNS)}); pass -C COLUMN.")
    return found


def compare_cuts(frame, mask_a, mask_b, name: str):
    """Per filter: rows kept by A, by B, by both, by A only, by B only, and median and robust sigma of `name`
    over the rows each cut keeps."""
    import numpy as np
    import pandas as pd

    from .stats import numeric, robust_sigma

    values = numeric(frame, name)
    a, b = mask_a.to_numpy(dtype=bool), mask_b.to_numpy(dtype=bool)
    keys = _groups(frame, None)[0]
    rows = []
    for group in sorted(keys.unique()):
        rows_in = (keys == group).to_numpy(dtype=bool)
        row = {keys.name: group, "total": int(rows_in.sum()), "kept_a": int((rows_in & a).sum()),
               "kept_b": int((rows_in & b).sum()), "both": int((rows_in & a & b).sum()),
               "only_a": int((rows_in & a & ~b).sum()), "only_b": int((rows_in & b & ~a).sum())}
        for side, kept in (("a", a), ("b", b)):
            chosen = values[rows_in & kept]
            chosen = chosen[np.isfinite(chosen)]
            row[f"median_{side}"] = float(np.median(chosen)) if chosen.size else np.nan
            row[f"sigma_{side}"] = robust_sigma(chosen)
        rows.append(row)
    return pd.DataFrame(rows, columns=[keys.name, "total", "kept_a", "kept_b", "both", "only_a", "only_b",
                                       "median_a", "sigma_a", "median_b", "sigma_b"])
