"""The report's summary in words: what was selected, how many exposures came out ok, why the others did not.

Every number is written as text on the page (TrueType fonts embedded), so the PDF can be searched and copied.
"""

from __future__ import annotations

import textwrap

import numpy as np

from ..analysis.stats import robust_sigma
from ..analysis.status import STATUSES, summarize

PAGE = (8.27, 11.69)
LINES_PER_PAGE = 78
WIDTH = 104
SHOWN_REASONS = 12
REASON_WIDTH = 90


def selection_text(selection) -> str:
    """An exposure selection in words: the nights, filters, dispersers, targets and Butler expression chosen."""
    parts = []
    if selection.since or selection.until:
        parts.append(f"nights {selection.since or '…'} to {selection.until or '…'}")
    for name, values in (("filter", selection.filters), ("disperser", selection.dispersers),
                         ("target", selection.targets)):
        if values:
            parts.append(f"{name} {', '.join(values)}")
    if selection.where.strip():
        parts.append(f"where {selection.where.strip()}")
    parts.append("every observation type" if selection.all_types else "science exposures")
    if not selection.dispersers:
        parts.append("holo4 dispersers")
    return " · ".join(parts)


def status_lines(status) -> list[str]:
    """The exposures' date range, counts per status and efficiency, per filter, and what the others lack."""
    if status is None or status.empty:
        return ["Exposures: none selected."]
    counts = status["status"].value_counts()
    ok = int(counts.get("ok", 0))
    nights = status["day_obs"].dropna()
    lines = [f"Nights: {int(nights.min())} to {int(nights.max())} ({nights.nunique()} nights)" if len(nights)
             else "Nights: unknown",
             f"Exposures: {len(status):,} selected: " + ", ".join(f"{s} {int(counts.get(s, 0)):,}" for s in STATUSES)
             + f"; efficiency {ok / len(status):.1%}", "", "Per filter:"]
    per_filter = summarize(status.assign(physical_filter=status["physical_filter"].fillna("(none)")),
                           ["physical_filter"])
    width = max(len("filter"), *(len(str(f)) for f in per_filter["physical_filter"]))
    lines.append(f"  {'filter'.ljust(width)}  {'total':>7} {'ok':>7} {'partial':>7} {'missing':>7}  efficiency")
    for row in per_filter.itertuples(index=False):
        lines.append(f"  {str(row.physical_filter).ljust(width)}  {row.total:>7,} {row.ok:>7,} {row.partial:>7,} "
                     f"{row.missing:>7,}  {row.ok / row.total:.1%}")
    lacking = status.loc[status["status"] != "ok", "lacking"].astype(str)
    lines += ["", "Outputs lacking in the registry (exposures not ok):"]
    lines += [f"  {count:>7,}  {reason}" for reason, count in lacking.value_counts().items()] or ["  none"]
    return lines


def results_lines(results, source: str, parameters: list[str]) -> list[str]:
    """The results table's origin, visits, date range, extraction failures and the main parameters' statistics."""
    if results is None:
        return ["Results: none."]
    lines = [f"Results: {source}", f"Visits in the results: {len(results):,}"]
    if "DATE-OBS" in results.columns:
        from .spec import utc_times

        times = utc_times(results["DATE-OBS"])
        times = times[~np.isnat(times)]
        if len(times):
            lines.append(f"DATE-OBS (UTC): {str(times.min())[:19]} to {str(times.max())[:19]}")
    if "status" in results.columns:
        counts = results["status"].astype(str).value_counts()
        lines.append("Extraction: " + ", ".join(f"{name} {int(n):,}" for name, n in counts.items()))
    if "error" in results.columns:
        errors = results["error"].dropna().astype(str)
        errors = errors[errors.str.strip() != ""].map(lambda e: textwrap.shorten(e, REASON_WIDTH))
        lines += ["", "Failure reasons in the results (visit count, reason):"]
        lines += [f"  {count:>7,}  {reason}" for reason, count in errors.value_counts().head(SHOWN_REASONS).items()]
        if errors.nunique() > SHOWN_REASONS:
            lines.append(f"  ... and {errors.nunique() - SHOWN_REASONS} other reasons")
        if errors.empty:
            lines.append("  none")
    if parameters:
        lines += ["", f"  {'parameter'.ljust(34)} {'values':>7} {'median':>10} {'robust σ':>10}"]
        for name in parameters:
            values = results[name].to_numpy(dtype="float64", na_value=np.nan)
            finite = values[np.isfinite(values)]
            median = f"{np.median(finite):.4g}" if len(finite) else "nan"
            lines.append(f"  {name.ljust(34)} {len(finite):>7,} {median:>10} {robust_sigma(finite):>10.3g}")
    return lines


def shift_lines(shifts, name: str) -> list[str]:
    """The parameter shifts against another run (compare_parameters' table) as lines."""
    lines = ["", f"Compared with run {name} (B − A, A = this report's results):",
             f"  {'parameter'.ljust(34)} {'common':>7} {'median A':>10} {'median B':>10} {'shift':>10} {'σ':>9}"]
    for row in shifts.itertuples(index=False):
        lines.append(f"  {row.parameter.ljust(34)} {row.common:>7,} {row.median_a:>10.4g} {row.median_b:>10.4g} "
                     f"{row.median_shift:>10.4g} {row.scatter:>9.3g}")
    return lines


def text_pages(title: str, lines: list[str]):
    """Pages of monospaced lines (long ones wrapped), the title on the first."""
    from .files import new_figure

    wrapped = [part for line in lines for part in (textwrap.wrap(line, WIDTH, subsequent_indent="    ",
                                                                 drop_whitespace=False) or [""])]
    for start in range(0, max(1, len(wrapped)), LINES_PER_PAGE):
        fig = new_figure(PAGE)
        fig.set_layout_engine("none")
        if start == 0:
            fig.text(0.06, 0.965, title, fontsize=13, weight="bold", va="top")
        for row, line in enumerate(wrapped[start:start + LINES_PER_PAGE]):
            fig.text(0.06, 0.935 - row * 0.0117, line, family="monospace", fontsize=8, va="top")
        yield fig
