"""The collection names a repository is known to hold, and the best of them for a few typed letters."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

from .collection_cache import load_saved
from .collection_list import NameFilter
from .collection_search import WILDCARDS
from .collections import CollectionSummary


def collection_names(repo: str, listed: Iterable[CollectionSummary] | None = None) -> list[str]:
    """The names of `listed` (the list the app holds), else of the list saved for `repo`, else none."""
    if listed is None:
        saved = load_saved(repo)
        listed = saved[0] if saved is not None else ()
    return [entry.name for entry in listed]


def best_matches(names: Sequence[str], text: str, limit: int, *, ignore_case: bool = True) -> list[str]:
    """At most `limit` of the names the Collections screen's search would keep for `text`, best first: the name
    itself, then names starting with the text, then names with a part (after a /) starting with it, then the rest,
    shorter names first within each; a glob that is not * or ? is a BadQuery."""
    kept = NameFilter(text, ignore_case=ignore_case)
    found = [name for name in names if kept.keeps(name)]
    typed = text.strip()
    if not typed or "," in typed or any(c in typed for c in WILDCARDS):
        return heapq.nsmallest(limit, found, key=lambda name: (len(name), name))
    fold = str.casefold if ignore_case else str
    typed = fold(typed)

    def rank(name: str) -> tuple:
        folded = fold(name)
        place = 0 if folded == typed else 1 if folded.startswith(typed) else 2 if f"/{typed}" in folded else 3
        return place, len(name), name

    return heapq.nsmallest(limit, found, key=rank)
