"""File locations of dataset refs: the records-table shortcut gives exactly what get_many_uris gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from extract_support import RUN_302, RUN_320, SPECTRUM_FIT, copy_repo

from spectui.core.butler.locations import locate
from spectui.core.butler.repo import open_repo
from spectui.core.extraction.extract import find_refs


def butler_locations(butler, units) -> list[tuple[int, dict[str, str]]]:
    """The locations as the Butler's own get_many_uris gives them ('' for a ref without a file)."""
    refs = [ref for _, by_type in units for ref in by_type.values()]
    uris = butler.get_many_uris(refs, allow_missing=True)
    where = {ref: uris[ref].primaryURI.ospath if ref in uris and uris[ref].primaryURI else "" for ref in refs}
    return [(visit, {name: where[ref] for name, ref in by_type.items()}) for visit, by_type in units]


def test_every_demo_file_is_where_the_butler_says(butler):
    for run in (RUN_320, RUN_302):
        refs, _ = find_refs(butler, run)
        units = sorted(refs.items())
        located = locate(butler, units)
        assert located == butler_locations(butler, units)
        assert all(Path(path).is_file() for _, found in located for path in found.values())


def test_refs_without_a_record_and_other_datastores_go_through_get_many_uris(demo_repo, tmp_path):
    repo = copy_repo(demo_repo, tmp_path / "repo")
    butler = open_repo(repo)
    refs, _ = find_refs(butler, RUN_320)
    units = sorted(refs.items())[:40]
    unrecorded = units[5][1][SPECTRUM_FIT]
    with sqlite3.connect(repo / "gen3.sqlite3") as db:
        table = next(name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                     if name.startswith("file_datastore_records"))
        db.execute(f"DELETE FROM {table} WHERE dataset_id = ?", (unrecorded.id.hex,))  # noqa: S608
    located = locate(butler, units)
    assert located[5][1][SPECTRUM_FIT] == ""
    assert located == butler_locations(butler, units)

    class OtherDatastore:
        """A Butler whose datastore is not a local FileDatastore."""

        def get_many_uris(self, refs, allow_missing):
            return butler.get_many_uris(refs, allow_missing=allow_missing)

    assert locate(OtherDatastore(), units) == located
