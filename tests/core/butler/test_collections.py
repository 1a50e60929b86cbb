"""Collection search: globs, types, chain children, real dataset counts, Spectractor detection, errors."""

from __future__ import annotations

import pytest

from spectui.core.butler.collections import search_collections
from spectui.core.demo.build import RUNS, SPECTRUM
from spectui.core.errors import BadQuery, UnknownCollection

pytestmark = pytest.mark.both_registries


def test_glob_finds_runs_with_types_and_counts(butler, demo_manifest):
    found = {c.name: c for c in search_collections(butler, "u/dagoret/*")}
    spec = RUNS[2]
    summary = found[spec.name]
    entry = demo_manifest["runs"][spec.name]
    assert summary.type == "RUN"
    assert summary.dataset_types[SPECTRUM] == len(entry["ok"]) + len(entry["partial"]) + len(entry["corrupt"])
    assert summary.has_spectractor
    assert all(name.startswith("u/dagoret/") for name in found)


def test_chain_children_and_question_mark_glob(butler):
    chain = RUNS[-1].chain
    found = search_collections(butler, "u/dagoret/auxtel_run_*_holoallfilt_?")
    by_name = {c.name: c for c in found}
    assert by_name[chain].type == "CHAINED"
    assert by_name[chain].children == (RUNS[-1].name, "LATISS/raw/all")


def test_several_patterns_and_empty_run(butler):
    found = {c.name: c for c in search_collections(butler, "LATISS/*, u/other/*")}
    assert set(found) == {"LATISS/raw/all", "LATISS/defaults", "u/other/unrelated_run"}
    assert found["u/other/unrelated_run"].dataset_types == {}
    assert not found["LATISS/raw/all"].has_spectractor


def test_no_match_is_empty_and_exact_unknown_name_is_an_error(butler):
    assert search_collections(butler, "nothing*") == []
    with pytest.raises(UnknownCollection, match="u/nobody/nothing"):
        search_collections(butler, "u/nobody/nothing")


def test_regex_is_refused_with_a_clear_message(butler):
    with pytest.raises(BadQuery, match="only the globs"):
        search_collections(butler, "u/dagoret/[ab]")


def test_bookkeeping_types_hidden_unless_asked(tmp_path):
    from lsst.daf.butler import Butler, DatasetType

    from spectui.core.butler.repo import open_repo
    from spectui.core.demo.build import build_demo

    repo = build_demo(tmp_path / "repo", nights=1, seed=5)
    writer = Butler.from_config(str(repo), writeable=True)
    writer.registry.registerDatasetType(DatasetType("processStar_config", [], "Config",
                                                    universe=writer.dimensions))
    writer.registry.insertDatasets("processStar_config", [{}], "u/other/unrelated_run")
    writer.close()
    reader = open_repo(repo)
    shown = search_collections(reader, "u/other/*")[0]
    assert "processStar_config" not in shown.dataset_types
    everything = search_collections(reader, "u/other/*", show_hidden=True)[0]
    assert everything.dataset_types == {"processStar_config": 1}


def test_repository_alias(demo_repo, monkeypatch):
    from spectui.core.butler.repo import open_repo

    monkeypatch.setenv("DAF_BUTLER_REPOSITORIES", f'{{"demo": "{demo_repo}"}}')
    assert search_collections(open_repo("demo"), "LATISS/raw/all")[0].type == "RUN"


def test_spectractor_flag_without_counting(butler):
    found = {c.name: c for c in search_collections(butler, "u/dagoret/*", counts=False)}
    assert found[RUNS[2].name].has_spectractor
    assert found[RUNS[2].name].dataset_types[SPECTRUM] == -1
