"""The run registry and the importer of the notebooks' BUTLER00_parameters.py (read, never executed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from notebook_parameters import PARAMETERS

from spectui.core.analysis.runs import Run, get_run, load_runs, read_parameters, remove_run, save_runs
from spectui.core.errors import BadInput


@pytest.fixture
def parameter_file(tmp_path: Path) -> Path:
    folder = tmp_path / "2025-06-26-SpectractorExtraction-FromButler"
    (folder / "data" / "spectro").mkdir(parents=True)
    (folder / "data" / "spectro" / "auxtel_run_v12_v1.npy").write_bytes(b"")
    path = folder / "BUTLER00_parameters.py"
    path.write_text(PARAMETERS.replace("{marker}", str(tmp_path / "executed")))
    return path


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return tmp_path / "config" / "runs.toml"


def test_import_keeps_the_sound_runs_and_names_the_broken_ones(parameter_file: Path):
    report = read_parameters(parameter_file)
    assert not (parameter_file.parent.parent / "executed").exists()
    names = {r.name for r in report.runs}
    assert set(report.broken) == {"run_7", "run_v7"}
    assert "spelled 2 ways" in report.broken["run_7"] and "butlerusercollectiondict" in report.broken["run_7"]
    expected = {f"run_v{i}" for i in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)} | {
        "run2026_v01", "run2026_v02a_cr", "run2026_v02b_cr_run2026_v02c_cr", "run2026_v02b_cr_run2026_v02d_cr"}
    assert names == expected
    assert report.active == "run2026_v02a_cr"


def test_imported_runs_carry_repo_collection_label_and_resolved_files(parameter_file: Path):
    runs = {r.name: r for r in read_parameters(parameter_file).runs}
    v5, v12, v3 = runs["run_v5"], runs["run_v12"], runs["run_v3"]
    assert v5.repo == "/repo/embargo" and v12.repo == "/repo/main"
    assert v12.collection.endswith("testccdgains_all_main_2025data_ptc_holoallfilt_a")
    assert v12.label == "v3.2.1 (/repo/main,w_2025_49,testccdgains)"
    assert v5.files["missing"].endswith("exposurelist_and_run_v5.npy")
    assert "missing" not in v12.files
    assert os.path.exists(v12.files["extracted"]) and os.path.isabs(v12.files["extracted"])
    assert v3.collection and v3.files == {}
    tag = runs["run2026_v02a_cr"]
    assert tag.collection == "" and tag.repo == "" and set(tag.files) == {"extracted", "merged"}
    assert runs["run2026_v01"].collection.startswith("u/jneveu/")
    assert all(r.source == str(parameter_file) for r in runs.values())


def test_import_reports_every_inconsistency(parameter_file: Path):
    problems = read_parameters(parameter_file).problems
    text = "\n".join(problems)
    assert any("'run_v5' appears 2 times" in p and "different values" in p for p in problems)
    assert any(p.startswith("extractedfilesdict has no entry for run_v3") for p in problems)
    lacking = next(p for p in problems if p.startswith("mergedtofindmissings has no entry"))
    for name in ("run_v1", "run_v3", "run2026_v02b_cr_run2026_v02c_cr", "run2026_v02b_cr_run2026_v02d_cr"):
        assert name in lacking
    nones = next(p for p in problems if p.startswith("mergedtofindmissings gives the string 'None'"))
    assert all(f"run_v{i}" in nones for i in range(8, 13)) and "run_v6" not in nones
    assert "'run2026_v02a_cr' is a tag, not a Butler collection" in text
    assert "run_7 / run_v7" in text
    assert "map_run_butler_embargo" in text and "run2026_v02b_cr_run2026_v02c_cr" in text


@pytest.mark.parametrize(("source", "message"), [
    ("version_run = 'x'\nlegendtag = {'a': 'b'}\n", "not a run parameter file"),
    ("butlerusercollectiondict = {'run_v1': 'u/x/y'\n", r"not valid Python \(line 1"),
])
def test_unreadable_parameter_files_are_clear_errors(tmp_path: Path, source: str, message: str):
    path = tmp_path / "BUTLER00_parameters.py"
    path.write_text(source)
    with pytest.raises(BadInput, match=message):
        read_parameters(path)
    with pytest.raises(BadInput, match="no such file"):
        read_parameters(tmp_path / "absent.py")


def test_computed_values_and_subscript_assignments(tmp_path: Path):
    path = tmp_path / "params.py"
    path.write_text("import os\nbutlerusercollectiondict = {'run_v1': 'u/a/b', 'run_v2': os.path.join('u', 'c')}\n"
                    "butlerusercollectiondict['run_v3'] = 'u/a/c'\nmap_run_butler_embargo = {'run_v1': False}\n")
    report = read_parameters(path)
    assert {r.name for r in report.runs} == {"run_v1", "run_v3"}
    assert "no collection and no output file" in report.broken["run_v2"]
    assert any("computed, not a literal" in p and "run_v2" in p for p in report.problems)


def test_registry_round_trip_replace_and_remove(registry: Path):
    run = Run("run_v12", "/repo/main", "u/dagoret/x", "v3.2.1", {"extracted": "/data/x.parquet"})
    assert save_runs([run], path=registry) == (["run_v12"], [])
    assert load_runs(registry)["run_v12"] == run
    changed = Run("run_v12", "/repo/embargo", "u/dagoret/y")
    assert save_runs([changed], path=registry) == ([], ["run_v12"])
    assert get_run("run_v12", registry).collection == "u/dagoret/x"
    save_runs([changed], replace_existing=True, path=registry)
    assert get_run("run_v12", registry) == changed
    with pytest.raises(BadInput, match="did you mean run_v12"):
        get_run("run_v21", registry)
    remove_run("run_v12", registry)
    with pytest.raises(BadInput, match="registry is empty"):
        get_run("run_v12", registry)


def test_malformed_registry_is_a_clear_error(registry: Path):
    registry.parent.mkdir(parents=True)
    registry.write_text("[run_v1]\nrepo = 3\n")
    with pytest.raises(BadInput, match="run 'run_v1' .* is malformed"):
        load_runs(registry)
    registry.write_text("[run_v1\n")
    with pytest.raises(BadInput, match="runs.toml is not valid TOML"):
        load_runs(registry)
