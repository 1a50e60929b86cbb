"""The collection list fetched once and searched locally, on the demo repository and on a crowded copy of it."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy import exc as sql

from spectui.core.butler.collection_list import (
    CROWDED,
    NameFilter,
    add_dataset_types,
    list_collections,
    starting_search,
)
from spectui.core.butler.collections import SPECTRACTOR_TYPES, CollectionSummary, search_collections
from spectui.core.butler.repo import open_repo
from spectui.core.demo.build import LATEST_CHAIN, RUNS
from spectui.core.demo.crowd import crowd_collections
from spectui.core.errors import BadQuery, RegistryUnavailable


@pytest.mark.both_registries
def test_the_list_is_what_the_butler_search_finds(butler):
    listed = list_collections(butler)
    searched = search_collections(butler, "*", counts=False)
    assert [(c.name, c.type, c.children, c.doc) for c in listed] == \
        [(c.name, c.type, c.children, c.doc) for c in searched]
    assert not any(c.dataset_types for c in listed)


@pytest.fixture
def public_listings(butler, monkeypatch) -> list[object]:
    """The patterns the Butler's public collection listing is asked for, recorded as the tests list."""
    asked: list[object] = []
    kind = type(butler.collections)
    real = kind.query_info

    def recorded(self, expression, *args, **kwargs):
        asked.append(expression)
        return real(self, expression, *args, **kwargs)

    monkeypatch.setattr(kind, "query_info", recorded)
    return asked


def public_list(butler) -> list[CollectionSummary]:
    """Every collection as the Butler's public listing gives it, sorted by name."""
    infos = butler.collections.query_info("*", include_summary=False, include_doc=True)
    return sorted((CollectionSummary(info.name, info.type.name, tuple(info.children or ()), doc=info.doc or "")
                   for info in infos), key=lambda c: c.name)


def refusing(error: Exception):
    """The registry's first query (the shortcut's) fails with `error`; later ones run."""
    def query(real):
        calls = []

        def once(*args, **kwargs):
            calls.append(args)
            if len(calls) == 1:
                raise error
            return real(*args, **kwargs)
        return once
    return query


def rewriting(change):
    """The registry's first query (the shortcut's) answers rows changed by `change`; later ones run as they are."""
    def query(real):
        calls = []

        @contextlib.contextmanager
        def once(*args, **kwargs):
            calls.append(args)
            with real(*args, **kwargs) as result:
                if len(calls) > 1:
                    yield result
                    return
                rows = [change(dict(row)) for row in result.mappings().fetchall()]
                yield SimpleNamespace(mappings=lambda: SimpleNamespace(fetchall=lambda: rows))
        return once
    return query


BROKEN_SHORTCUTS = {
    "refused SQL": ("_db.query", refusing(sql.ProgrammingError("SELECT name FROM collection", {},
                                                              sqlite3.OperationalError("no such column: name")))),
    "renamed column": ("_db.query", rewriting(lambda row: {"collection_name" if key == "name" else key: row[key]
                                                           for key in row})),
    "new collection type": ("_db.query", rewriting(lambda row: {**row, "type": 99})),
    "anything else": ("_db.query", refusing(RuntimeError("the registry changed"))),
}


@pytest.mark.both_registries
def test_the_list_is_read_from_the_registry_tables_as_the_butler_lists_it(butler, public_listings):
    listed = list_collections(butler)
    assert public_listings == []
    assert listed == public_list(butler)
    assert any(c.children for c in listed) and any(c.doc for c in listed)


@pytest.mark.both_registries
@pytest.mark.parametrize("broken", BROKEN_SHORTCUTS.values(), ids=BROKEN_SHORTCUTS.keys())
def test_a_failing_shortcut_lists_the_same_through_the_butler(butler, public_listings, monkeypatch, broken):
    shortcut = list_collections(butler)
    where, change = broken
    manager = butler._registry._managers.collections
    owner, name = (manager._db, "query") if where == "_db.query" else (manager, where)
    monkeypatch.setattr(owner, name, change(getattr(owner, name)))
    assert list_collections(butler) == shortcut
    assert public_listings == ["*"]


def test_an_unavailable_registry_met_by_the_shortcut_is_reported(butler, public_listings, monkeypatch):
    locked = sql.OperationalError("SELECT name FROM collection", {}, sqlite3.OperationalError("database is locked"))
    database = butler._registry._managers.collections._db
    monkeypatch.setattr(database, "query", refusing(locked)(database.query))
    with pytest.raises(RegistryUnavailable, match="registry cannot be read .*database is locked"):
        list_collections(butler)
    assert public_listings == []


@pytest.mark.both_registries
def test_dataset_types_are_added_for_the_collections_asked_only(butler):
    listed = {c.name: c for c in list_collections(butler)}
    added = add_dataset_types(butler, [listed[RUNS[2].name], listed[LATEST_CHAIN]])
    assert [c.name for c in added] == [RUNS[2].name, LATEST_CHAIN]
    assert all(set(SPECTRACTOR_TYPES) <= set(c.dataset_types) and c.has_spectractor for c in added)
    assert not any(t.endswith("_config") for c in added for t in c.dataset_types)


@pytest.mark.parametrize(("text", "ignore_case", "kept"), [
    ("", False, ["LATISS/raw/all", "u/Dagoret/b", "u/dagoret/a", "u/jneveu/c"]),
    ("dagoret", False, ["u/dagoret/a"]),
    ("dagoret", True, ["u/Dagoret/b", "u/dagoret/a"]),
    ("u/*/a", False, ["u/dagoret/a"]),
    ("jneveu, raw", False, ["LATISS/raw/all", "u/jneveu/c"]),
    ("u/?agoret/*", False, ["u/Dagoret/b", "u/dagoret/a"]),
])
def test_typed_text_keeps_globs_as_typed_and_plain_text_anywhere(text, ignore_case, kept):
    from spectui.core.butler.collections import CollectionSummary

    names = ["LATISS/raw/all", "u/Dagoret/b", "u/dagoret/a", "u/jneveu/c"]
    entries = [CollectionSummary(name, "RUN") for name in names]
    assert [c.name for c in NameFilter(text, ignore_case=ignore_case).apply(entries)] == kept


def test_plain_text_typed_further_searches_the_previous_matches_only():
    names = ["u/user005/a", "u/user050/b", "u/USER005/c", "LATISS/raw/all"]
    entries = [CollectionSummary(name, "RUN") for name in names]
    typed = [NameFilter(text) for text in ("u", "user", "user0", "user005")]
    assert all(later.narrows(earlier) for earlier, later in zip(typed, typed[1:]))
    matched = entries
    for search in typed:
        matched = search.apply(matched)
        assert matched == search.apply(entries)
    assert [c.name for c in matched] == ["u/user005/a"]
    assert not NameFilter("user").narrows(NameFilter("user0"))
    assert not NameFilter("user005", ignore_case=True).narrows(NameFilter("user"))
    assert not NameFilter("u/user*").narrows(NameFilter("u"))
    assert not NameFilter("user,raw").narrows(NameFilter("user"))
    assert not NameFilter("user").narrows(None)


def test_a_glob_the_butler_would_refuse_is_refused_here_too():
    with pytest.raises(BadQuery, match="only the globs"):
        NameFilter("u/[x]*")


def test_a_crowded_repository_opens_on_the_users_own_collections():
    assert starting_search(CROWDED + 1, "dagoret") == "u/dagoret/*"
    assert starting_search(CROWDED, "dagoret") == ""
    assert starting_search(CROWDED + 1, None) == ""


def test_thirty_thousand_collections_are_listed_and_searched(demo_repo, tmp_path):
    crowded = shutil.copytree(demo_repo, tmp_path / "crowded")
    assert crowd_collections(crowded, runs=30_000, chains=600) == 30_600
    listed = list_collections(open_repo(crowded))
    assert len(listed) == len(list_collections(open_repo(demo_repo))) + 30_600
    mine = NameFilter(starting_search(len(listed), "user005")).apply(listed)
    assert len(mine) == 100 + 2 and all(c.name.startswith("u/user005/") for c in mine)
    chain = next(c for c in mine if c.name == "u/user005/chain_000005")
    assert chain.type == "CHAINED" and chain.children == ("u/user010/run_000010", "u/user011/run_000011")
