"""An exposure query run in a process of its own, started at launch, its answer sent back as an Arrow stream."""

from __future__ import annotations

import dataclasses
import json
import os
import sys

from ..child_query import BACKGROUND_NICENESS, ChildQuery, answer, report_error


class ExposureQueryProcess(ChildQuery):
    """The exposures of a selection (the default one unless given), queried by a child process."""

    what = "exposure query"

    def __init__(self, repo: str, selection=None) -> None:
        self.repo = repo
        self._fields = dataclasses.asdict(selection) if selection is not None else {}
        super().__init__("spectui.core.butler.exposure_process", repo, json.dumps(self._fields))

    def answers(self, repo: str, selection) -> bool:
        """Whether this process queries `selection` in `repo`."""
        from .exposures import ExposureSelection

        return repo == self.repo and selection == selection_from(self._fields, ExposureSelection)

    def result(self):
        """The exposures as an Arrow table (with the pandas types), as soon as sent; the child's error if it failed."""
        import pyarrow as pa

        return pa.ipc.open_stream(self.output()).read_all()


def selection_from(fields: dict, selection_type):
    """An ExposureSelection from its fields as JSON gives them back (lists become tuples)."""
    return selection_type(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})


def main(argv: list[str]) -> int:
    """Query, write the table to stdout as an Arrow stream, then save the list for the next launch.

    When a list saved earlier exists, the app is drawing it meanwhile: the query then runs at a lower priority.
    """
    import pyarrow as pa

    from ..errors import SpectuiError
    from . import exposure_cache
    from .exposures import ExposureSelection, query_exposures
    from .repo import open_repo

    repo, fields = argv[0], json.loads(argv[1])
    selection = selection_from(fields, ExposureSelection)
    if exposure_cache.cache_file(repo, selection).exists():
        os.nice(BACKGROUND_NICENESS)
    try:
        frame = query_exposures(open_repo(repo), selection)
    except SpectuiError as exc:
        return report_error(exc)
    table = pa.Table.from_pandas(frame, preserve_index=False)

    def write(out) -> None:
        with pa.ipc.new_stream(out, table.schema) as writer:
            writer.write_table(table)

    answer(write)
    try:
        exposure_cache.save(repo, selection, frame)
    except (SpectuiError, OSError) as exc:
        print(f"the exposure list was not saved for next time: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
