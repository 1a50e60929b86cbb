"""The collection names offered for a repository (the app's list, else the saved one) and the best for typed text."""

from __future__ import annotations

import pytest

from spectui.core.butler import collection_cache
from spectui.core.butler.collection_choice import best_matches, collection_names
from spectui.core.butler.collections import CollectionSummary
from spectui.core.errors import BadQuery

NAMES = ["LATISS/raw/all", "u/dagoret/auxtel_latest", "u/dagoret/auxtel_run_v3", "u/jneveu/auxtel", "auxtel",
         "u/other/unrelated_auxtel_run", "u/Dagoret/AUXTEL_old"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Saved lists of the test's own."""
    monkeypatch.setenv("SPECTUI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def summaries(names: list[str]) -> list[CollectionSummary]:
    return [CollectionSummary(name, "RUN") for name in names]


def test_the_list_the_app_holds_comes_before_the_saved_one(data_dir):
    collection_cache.save("/some/repo", summaries(["saved/a", "saved/b"]))
    assert collection_names("/some/repo", summaries(["held/x"])) == ["held/x"]
    assert collection_names("/some/repo", []) == []


def test_without_a_list_held_the_saved_one_is_used(data_dir):
    collection_cache.save("/some/repo", summaries(["saved/a", "saved/b"]))
    assert collection_names("/some/repo") == ["saved/a", "saved/b"]
    assert collection_names("/another/repo") == []


def test_plain_text_ranks_the_name_then_its_starts_then_a_part_starting_with_it():
    assert best_matches(NAMES, "auxtel", 10) == [
        "auxtel", "u/jneveu/auxtel", "u/Dagoret/AUXTEL_old", "u/dagoret/auxtel_latest", "u/dagoret/auxtel_run_v3",
        "u/other/unrelated_auxtel_run"]


def test_case_counts_when_asked_and_the_limit_keeps_the_best():
    assert best_matches(NAMES, "AUXTEL", 10, ignore_case=False) == ["u/Dagoret/AUXTEL_old"]
    assert best_matches(NAMES, "auxtel", 2) == ["auxtel", "u/jneveu/auxtel"]


def test_globs_keep_what_the_collections_screen_keeps_shortest_first():
    assert best_matches(NAMES, "u/dagoret/*", 10) == [
        "u/Dagoret/AUXTEL_old", "u/dagoret/auxtel_latest", "u/dagoret/auxtel_run_v3"]
    assert best_matches(NAMES, "u/dagoret/*", 10, ignore_case=False) == [
        "u/dagoret/auxtel_latest", "u/dagoret/auxtel_run_v3"]
    assert best_matches(NAMES, "jneveu, raw", 10) == ["LATISS/raw/all", "u/jneveu/auxtel"]
    assert best_matches(NAMES, "nothing-like-it", 10) == []


def test_a_glob_the_butler_refuses_is_a_bad_query():
    with pytest.raises(BadQuery):
        best_matches(NAMES, "u/[ab]/*", 10)


def test_tens_of_thousands_of_names_give_only_the_few_asked():
    names = [f"u/user{i % 300}/run_{i}" for i in range(30000)]
    found = best_matches(names, "run_1", 20)
    assert len(found) == 20 and found[0] == "u/user1/run_1"
    assert all("run_1" in name for name in found)
