"""File locations of dataset refs: the records-table shortcut gives exactly what get_many_uris gives, and any
failure of that shortcut (the table is private to the Butler) falls back to get_many_uris."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from extract_support import RUN_302, RUN_320, SPECTRUM_FIT, copy_repo
from sqlalchemy import exc as sql

from spectui.core.butler import locations
from spectui.core.butler.locations import locate
from spectui.core.butler.repo import open_repo
from spectui.core.errors import RegistryUnavailable
from spectui.core.extraction.extract import find_refs

pytestmark = pytest.mark.both_registries


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


@pytest.mark.sqlite_only
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


@pytest.fixture
def demo_units(butler) -> list:
    """Every visit of one demo collection with its refs."""
    refs, _ = find_refs(butler, RUN_320)
    return sorted(refs.items())


@pytest.fixture
def public_lookups(monkeypatch) -> list[list]:
    """The refs handed to the get_many_uris path, one list per call (it still answers as usual)."""
    calls: list[list] = []
    original = locations._from_uris

    def spy(butler, refs):
        calls.append(list(refs))
        return original(butler, refs)

    monkeypatch.setattr(locations, "_from_uris", spy)
    return calls


def break_the_shortcut(table, monkeypatch, broken) -> None:
    """The records table's next fetch (the shortcut's) goes through `broken`, the later ones do not."""
    original = table.fetch
    pending = [broken]

    def fetch(**where):
        return pending.pop()(original, where) if pending else original(**where)

    monkeypatch.setattr(table, "fetch", fetch)


def raising(error: Exception):
    """A fetch that fails with `error`."""
    def broken(original, where):
        raise error
    return broken


def rewriting(change):
    """A fetch whose rows come back changed by `change`."""
    return lambda original, where: (change(dict(row)) for row in original(**where))


BROKEN_SHORTCUTS = {
    "changed signature": raising(TypeError("fetch() got an unexpected keyword argument 'dataset_id'")),
    "renamed column": rewriting(lambda row: {"uri" if key == "path" else key: row[key] for key in row}),
    "changed sentinel": rewriting(lambda row: {**row, "component": "<none>"}),
    "refused SQL": raising(sql.ProgrammingError("SELECT path FROM file_datastore_records", {},
                                                sqlite3.OperationalError("no such column: path"))),
    "anything else": raising(RuntimeError("the datastore changed")),
}


def test_the_demo_repository_takes_the_records_table_shortcut(butler, demo_units, public_lookups):
    located = locate(butler, demo_units)
    assert public_lookups == []
    assert located == butler_locations(butler, demo_units)
    assert all(path for _, found in located for path in found.values())


@pytest.mark.parametrize("broken", BROKEN_SHORTCUTS.values(), ids=BROKEN_SHORTCUTS.keys())
def test_a_failing_shortcut_gives_the_same_locations_through_get_many_uris(butler, demo_units, public_lookups,
                                                                           monkeypatch, broken):
    shortcut = locate(butler, demo_units)
    assert public_lookups == []
    break_the_shortcut(butler._datastore._table, monkeypatch, broken)
    assert locate(butler, demo_units) == shortcut
    assert public_lookups == [[ref for _, by_type in demo_units for ref in by_type.values()]]


def test_an_unavailable_registry_met_by_the_shortcut_is_reported(butler, demo_units, public_lookups,
                                                                  monkeypatch):
    locked = sql.OperationalError("SELECT path FROM file_datastore_records", {},
                                  sqlite3.OperationalError("database is locked"))
    break_the_shortcut(butler._datastore._table, monkeypatch, raising(locked))
    with pytest.raises(RegistryUnavailable, match="registry cannot be read .*database is locked"):
        locate(butler, demo_units)
    assert public_lookups == []
