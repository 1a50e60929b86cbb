"""The repository's collection list read by a process of its own, started at launch, sent back as JSON rows.

The Butler's listing of tens of thousands of collections holds the interpreter for about a second: in the app's
process it would slow every key typed meanwhile into the search over the list saved last time.
"""

from __future__ import annotations

import json
import os
import sys

from ..child_query import BACKGROUND_NICENESS, ChildQuery, answer, report_error


class CollectionListProcess(ChildQuery):
    """Every collection of a repository, listed by a child process, which then saves the list for next time."""

    what = "collection list"

    def __init__(self, repo: str) -> None:
        self.repo = repo
        super().__init__("spectui.core.butler.collection_process", repo)

    def result(self):
        """The collections as `list_collections` gives them, as soon as sent; the child's error if it failed."""
        from .collection_cache import from_rows

        return from_rows(json.loads(self.output()))


def main(argv: list[str]) -> int:
    """List, write the rows to stdout, then save the list for the next launch (at a lower priority when the app
    is drawing the list saved earlier meanwhile)."""
    from ..errors import SpectuiError
    from . import collection_cache
    from .collection_list import list_collections
    from .repo import open_repo

    repo = argv[0]
    if collection_cache.cache_file(repo).exists():
        os.nice(BACKGROUND_NICENESS)
    try:
        entries = list_collections(open_repo(repo))
    except SpectuiError as exc:
        return report_error(exc)
    answer(lambda out: out.write(json.dumps(collection_cache.as_rows(entries)).encode()))
    try:
        collection_cache.save(repo, entries)
    except (SpectuiError, OSError) as exc:
        print(f"the collection list was not saved for next time: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
