"""Extraction: every row from its own visit's files, errors from cov, statuses that say why, typed columns."""

from __future__ import annotations

import json
import os
import pickle
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from astropy.io import fits
from extract_support import (
    RUN_302,
    RUN_320,
    SPECTROGRAM_FIT,
    SPECTRUM,
    SPECTRUM_FIT,
    assert_row_matches,
    astropy_fits_bytes,
    copy_repo,
    independent_row,
    rename_label,
    reorder_labels,
    tree_state,
    visit_files,
)

from spectui.core.butler.exposures import ExposureSelection, query_exposures
from spectui.core.butler.worker_refs import PackedRefs, RepoLink
from spectui.core.errors import BadInput, Cancelled, OutputError, SpectuiError, UnknownCollection
from spectui.core.extraction import extract as extract_module
from spectui.core.extraction.checkpoint import Checkpoint
from spectui.core.extraction.extract import Progress, extract

pytestmark = pytest.mark.both_registries


@pytest.fixture(scope="module")
def crafted(demo_repo, demo_manifest, tmp_path_factory):
    """A copy of the demo with some files rewritten: label orders, an old label, damaged files."""
    repo = copy_repo(demo_repo, tmp_path_factory.mktemp("crafted") / "repo")
    files = visit_files(repo, RUN_320)
    complete = sorted(v for v in demo_manifest["runs"][RUN_320]["ok"] if len(files[v]) == 3)
    chosen = dict(zip(("reversed", "rotated", "old_label", "bad_json", "bad_fits"), complete[::40]))
    reorder_labels(files[chosen["reversed"]][SPECTRUM_FIT], lambda n: reversed(range(n)))
    reorder_labels(files[chosen["rotated"]][SPECTROGRAM_FIT], lambda n: [*range(7, n), *range(7)])
    rename_label(files[chosen["old_label"]][SPECTRUM_FIT], "reso [nm]", "reso [pix]")
    path = Path(files[chosen["bad_json"]][SPECTROGRAM_FIT])
    path.write_text(path.read_text()[:-300])
    Path(files[chosen["bad_fits"]][SPECTRUM]).write_bytes(b"<html>gateway timeout</html>")
    return repo, files, chosen


@pytest.fixture(scope="module")
def crafted_result(crafted, tmp_path_factory):
    repo, _, _ = crafted
    return extract(repo, RUN_320, tmp_path_factory.mktemp("out") / "crafted.parquet")


def test_each_row_holds_its_own_visits_files(crafted, crafted_result, demo_manifest):
    _, files, chosen = crafted
    frame = crafted_result.frame.set_index("id", drop=False)
    assert sorted(frame.index) == sorted(files)
    damaged = {chosen["bad_json"], chosen["bad_fits"], *demo_manifest["runs"][RUN_320]["corrupt"]}
    for visit, visit_files_ in files.items():
        if visit not in damaged:
            assert_row_matches(frame.loc[visit], independent_row(visit_files_), visit)
    spectrum_labels = [json.loads(Path(files[v][SPECTRUM_FIT]).read_text())["labels"]
                       for v in (chosen["reversed"], chosen["rotated"])]
    assert spectrum_labels[0] == spectrum_labels[1][::-1]


def test_old_label_spellings_stay_separate_columns(crafted, crafted_result):
    _, _, chosen = crafted
    frame = crafted_result.frame.set_index("id")
    old, new = frame["reso [pix]_spectrum"], frame["reso [nm]_spectrum"]
    assert old.notna().sum() == 1 and not np.isnan(old[chosen["old_label"]])
    assert np.isnan(new[chosen["old_label"]]) and new.notna().sum() > 300


def test_old_versions_keep_their_labels(demo_repo, tmp_path):
    frame = extract(demo_repo, RUN_302).frame
    assert {"angstrom_exp_log10_spectrum", "reso [pix]_spectrum", "reso [pix]_err_spectrum",
            "angstrom_exp_log10_spectrogram"} <= set(frame.columns)
    assert not {"angstrom_exp_spectrum", "reso [nm]_spectrum"} & set(frame.columns)


def test_damaged_files_fail_their_visit_with_the_reason_and_the_rest_is_extracted(crafted, crafted_result):
    _, files, chosen = crafted
    frame = crafted_result.frame.set_index("id")
    bad_json, bad_fits = frame.loc[chosen["bad_json"]], frame.loc[chosen["bad_fits"]]
    assert bad_json["status"] == "failed" and bad_json["error"].startswith(f"{SPECTROGRAM_FIT}: invalid JSON")
    assert bad_fits["status"] == "failed" and "neither FITS nor JSON" in bad_fits["error"]
    assert not np.isnan(bad_json["PWV [mm]_spectrum"]) and np.isnan(bad_json["PWV [mm]_spectrogram"])
    assert crafted_result.failed == (frame["status"] == "failed").sum() == 3
    assert crafted_result.ok + crafted_result.partial + crafted_result.failed == len(files)
    failures = crafted_result.failures
    assert set(failures["id"]) == set(frame.index[frame["status"] != "ok"])


def test_statuses_match_what_the_demo_put_in_the_repository(demo_repo, demo_manifest):
    truth = demo_manifest["runs"][RUN_320]
    result = extract(demo_repo, RUN_320)
    by_status = result.frame.groupby("status")["id"].apply(set).to_dict()
    assert by_status["ok"] == set(truth["ok"]) and by_status["partial"] == set(truth["partial"])
    assert by_status["failed"] == set(truth["corrupt"])
    assert not set(truth["missing"]) & set(result.frame["id"])
    partial = result.frame[result.frame["status"] == "partial"]
    assert partial["error"].str.fullmatch(f"no ({SPECTRUM_FIT}|{SPECTROGRAM_FIT})").all()
    no_spectrogram = partial[partial["error"] == f"no {SPECTROGRAM_FIT}"]
    assert len(no_spectrogram) and no_spectrogram["PWV [mm]_spectrogram"].isna().all()
    assert no_spectrogram["PWV [mm]_spectrum"].notna().all()
    assert (result.frame.loc[result.frame["status"] == "ok", "error"] == "").all()


def test_a_run_without_a_fit_type_is_ok_without_those_columns(butler, demo_manifest):
    run = "u/dagoret/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a"
    result = extract(butler, run)
    assert result.dataset_types == (SPECTRUM, SPECTRUM_FIT)
    assert not any(c.endswith("_spectrogram") for c in result.frame.columns)
    ok = result.frame.loc[result.frame["status"] == "ok", "id"]
    assert set(ok) == set(demo_manifest["runs"][run]["ok"])


def test_columns_are_typed(demo_repo):
    frame = extract(demo_repo, RUN_320).frame
    assert str(frame["DATE-OBS"].dtype).startswith("datetime64") and str(frame["DATE-OBS"].dt.tz) == "UTC"
    assert frame["id"].dtype == "int64" and frame["S_NX"].dtype == "Int64"
    assert list(frame.loc[frame["S_NX"].isna(), "status"]) == ["failed"]
    assert frame["D2CCD"].dtype == "float64" and frame["OUTHUM"].dtype == "float64"
    assert frame["OUTHUM"].isna().any() and frame["OUTHUM"].notna().any()
    assert frame["TARGET"].dtype == "string" and frame["status"].dtype == "string"
    assert list(frame.columns[:2]) == ["id", "TARGET"] and list(frame.columns[-2:]) == ["status", "error"]
    assert frame["id"].is_monotonic_increasing and frame["id"].is_unique
    first = frame.iloc[0]
    midpoint = pd.Timestamp(first["DATE-OBS"])
    assert midpoint.tz is not None and str(first["id"]).startswith(midpoint.strftime("%Y%m"))


def test_legacy_names_are_the_notebooks_columns(demo_repo):
    modern = extract(demo_repo, RUN_320).frame
    legacy = extract(demo_repo, RUN_320, legacy_names=True).frame
    pairs = {"PWV [mm]_x": "PWV [mm]_spectrogram", "PWV [mm]_y": "PWV [mm]_spectrum",
             "PWV [mm]_err_x": "PWV [mm]_err_spectrogram", "PWV [mm]_err_y": "PWV [mm]_err_spectrum",
             "reso [nm]": "reso [nm]_spectrum", "reso [nm]_err": "reso [nm]_err_spectrum",
             "A_star": "A_star_spectrogram", "alpha_0_2": "alpha_0_2_spectrogram", "D2CCD": "D2CCD"}
    for old, new in pairs.items():
        np.testing.assert_array_equal(legacy[old].to_numpy(), modern[new].to_numpy())
    assert len(legacy.columns) == len(modern.columns)
    assert not any(c.endswith(("_spectrum", "_spectrogram")) for c in legacy.columns)


def test_output_files_in_every_format(demo_repo, tmp_path):
    result = extract(demo_repo, RUN_320, tmp_path / "r.parquet")
    assert result.output == tmp_path / "r.parquet"
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r.parquet"), result.frame)
    extract(demo_repo, RUN_320, tmp_path / "r.npy")
    records = np.load(tmp_path / "r.npy", allow_pickle=False)
    assert records.dtype.names[0] == "id" and not any(records.dtype[n].hasobject for n in records.dtype.names)
    np.testing.assert_array_equal(records["PWV [mm]_spectrum"], result.frame["PWV [mm]_spectrum"].to_numpy())
    extract(demo_repo, RUN_320, tmp_path / "r.csv")
    assert list(pd.read_csv(tmp_path / "r.csv")["id"]) == list(result.frame["id"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.npy", "r.parquet"]


def test_selection_keeps_the_selected_exposures_only(demo_repo, butler):
    selection = ExposureSelection(filters=("OG550_65mm_1",), since=20250108)
    frame = extract(demo_repo, RUN_320, selection=selection).frame
    everything = extract(demo_repo, RUN_320).frame
    chosen = set(query_exposures(butler, selection)["id"])
    assert set(frame["id"]) == set(everything["id"]) & chosen and 0 < len(frame) < len(everything)
    assert set(frame["FILTER"]) == {"OG550_65mm_1"}


def test_progress_events(demo_repo):
    events: list[Progress] = []
    result = extract(demo_repo, RUN_320, progress=events.append)
    phases = [e.phase for e in events]
    assert phases[0] == "query" and phases[-2:] == ["write", "done"] and set(phases[1:-2]) == {"read"}
    last_read = [e for e in events if e.phase == "read"][-1]
    final = events[-1]
    assert final.done == final.total == len(result.frame) and final.failed == result.failed == 1
    failed = result.frame.loc[result.frame["status"] == "failed", "id"]
    assert sorted(visit for e in events for visit, _ in e.new_failures) == sorted(failed)
    assert all(e.ok + e.partial + e.failed == e.done <= e.total for e in events)
    assert last_read.rate >= 0 and len(events) <= 4 * final.elapsed / 0.25 + 8


def test_extraction_never_writes_into_the_repository(crafted, tmp_path):
    repo, _, _ = crafted
    before = tree_state(repo)
    extract(repo, RUN_320, tmp_path / "out.parquet", workers=2)
    with pytest.raises(OutputError, match="inside the Butler repository"):
        extract(repo, RUN_320, repo / "results.parquet")
    assert tree_state(repo) == before


def test_user_errors(demo_repo, tmp_path):
    with pytest.raises(UnknownCollection):
        extract(demo_repo, "u/nobody/nothing")
    with pytest.raises(BadInput, match="holds no spectractorSpectrum"):
        extract(demo_repo, "u/other/unrelated_run")
    with pytest.raises(BadInput, match="matches the selection"):
        extract(demo_repo, RUN_320, selection=ExposureSelection(targets=("NO_SUCH_STAR",)))
    with pytest.raises(OutputError, match="does not exist"):
        extract(demo_repo, RUN_320, tmp_path / "missing" / "out.parquet")
    with pytest.raises(BadInput, match="unknown --executor"):
        extract(demo_repo, RUN_320, executor="threads")
    with pytest.raises(BadInput, match="needs an output file"):
        extract(demo_repo, RUN_320, resume=True)


def interrupt_after(monkeypatch, chunks: int) -> threading.Event:
    """A cancel event set once `chunks` chunks have been read in this process."""
    cancel = threading.Event()
    original = extract_module.extract_chunk
    calls = []

    def counting(units, expected):
        calls.append(len(units))
        if len(calls) >= chunks:
            cancel.set()
        return original(units, expected)

    monkeypatch.setattr(extract_module, "extract_chunk", counting)
    return cancel


@pytest.mark.parametrize("legacy_names", [False, True])
def test_resume_gives_the_uninterrupted_table(demo_repo, tmp_path, monkeypatch, legacy_names):
    uninterrupted = extract(demo_repo, RUN_320, tmp_path / "whole.parquet", legacy_names=legacy_names).frame
    output = tmp_path / "r.parquet"
    with monkeypatch.context() as patch:
        cancel = interrupt_after(patch, 3)
        with pytest.raises(Cancelled, match="--resume"):
            extract(demo_repo, RUN_320, output, cancel=cancel, legacy_names=legacy_names)
    checkpoint = tmp_path / ".r.parquet.checkpoint"
    assert not output.exists() and len(list(checkpoint.glob("part-*.arrow"))) == 3
    with pytest.raises(BadInput, match="pass --resume"):
        extract(demo_repo, RUN_320, output)
    resumed = extract(demo_repo, RUN_320, output, resume=True, workers=2, legacy_names=legacy_names)
    assert 0 < resumed.resumed < len(uninterrupted)
    pd.testing.assert_frame_equal(resumed.frame, uninterrupted)
    pd.testing.assert_frame_equal(pd.read_parquet(output), pd.read_parquet(tmp_path / "whole.parquet"))
    assert not checkpoint.exists()


def test_a_checkpoint_of_another_extraction_is_refused(demo_repo, tmp_path, monkeypatch):
    output = tmp_path / "r.parquet"
    with monkeypatch.context() as patch:
        with pytest.raises(Cancelled):
            extract(demo_repo, RUN_320, output, cancel=interrupt_after(patch, 1))
    with pytest.raises(BadInput, match="belongs to another extraction"):
        extract(demo_repo, RUN_302, output, resume=True)


def test_one_extraction_at_a_time_fills_a_checkpoint(tmp_path):
    output = tmp_path / "r.parquet"
    first, second = (Checkpoint(output, {"collection": RUN_320}) for _ in range(2))
    assert first.open(resume=False) == []
    with pytest.raises(OutputError, match=rf"another spectui \(process {os.getpid()}\) is extracting to the "
                                          r"output of \.r\.parquet\.checkpoint; wait for it"):
        second.open(resume=True)
    first.close()
    assert [p.name for p in first.directory.iterdir()] == ["extraction.json"]
    assert second.open(resume=True) == []
    second.remove()
    assert list(tmp_path.iterdir()) == []


def test_resume_reads_no_pickle(demo_repo, tmp_path, monkeypatch):
    output = tmp_path / "r.npy"
    with monkeypatch.context() as patch:
        with pytest.raises(Cancelled):
            extract(demo_repo, RUN_320, output, cancel=interrupt_after(patch, 2))

    def refuse(*args, **kwargs):
        raise AssertionError("something was unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    result = extract(demo_repo, RUN_320, output, resume=True)
    assert result.resumed > 0 and len(np.load(output, allow_pickle=False)) == len(result.frame)


def test_cancel_before_reading_saves_nothing_and_writes_nothing(demo_repo, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled, match="stopped after 0 of"):
        extract(demo_repo, RUN_320, tmp_path / "r.parquet", cancel=cancel)
    assert not (tmp_path / "r.parquet").exists()


def test_process_pool_gives_the_same_table(demo_repo):
    local = extract(demo_repo, RUN_320).frame
    pooled = extract(demo_repo, RUN_320, workers=2, executor="process").frame
    pd.testing.assert_frame_equal(pooled, local)


def test_dask_executor_gives_the_same_table(demo_repo):
    from distributed import LocalCluster

    local = extract(demo_repo, RUN_320).frame
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        on_dask = extract(demo_repo, RUN_320, executor=f"dask://{address}").frame
    pd.testing.assert_frame_equal(on_dask, local)


def test_unreachable_dask_scheduler_is_one_clear_error(demo_repo):
    with pytest.raises(BadInput, match="cannot reach the dask scheduler at 127.0.0.1:9"):
        extract(demo_repo, RUN_320, executor="dask://127.0.0.1:9")


def test_a_header_key_spelled_like_a_legacy_column_is_refused(crafted, tmp_path):
    repo = copy_repo(crafted[0], tmp_path / "repo")
    files = visit_files(repo, RUN_320)
    header = fits.Header()
    header["A3"] = 1.0
    Path(next(iter(files.values()))[SPECTRUM]).write_bytes(astropy_fits_bytes(header))
    assert "A3" in extract(repo, RUN_320).frame.columns
    with pytest.raises(SpectuiError, match="would appear twice: A3"):
        extract(repo, RUN_320, legacy_names=True)


@pytest.mark.sqlite_only
def test_misplaced_missing_and_unrecorded_files_fail_their_visit(crafted, tmp_path):
    import sqlite3

    repo = copy_repo(crafted[0], tmp_path / "repo")
    files = visit_files(repo, RUN_320)
    complete = sorted(v for v, f in files.items() if len(f) == 3)
    swapped, deleted, unrecorded = complete[1], complete[2], complete[3]
    Path(files[swapped][SPECTRUM]).write_bytes(Path(files[swapped][SPECTRUM_FIT]).read_bytes())
    Path(files[deleted][SPECTROGRAM_FIT]).unlink()
    with sqlite3.connect(repo / "gen3.sqlite3") as db:
        table = next(name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                     if name.startswith("file_datastore_records"))
        relative = str(Path(files[unrecorded][SPECTRUM_FIT]).relative_to(repo))
        assert db.execute(f"DELETE FROM {table} WHERE path = ?", (relative,)).rowcount == 1  # noqa: S608
    frame = extract(repo, RUN_320).frame.set_index("id")
    errors = frame["error"]
    assert errors[swapped] == f"{SPECTRUM}: the file holds fit parameters, not what this dataset type holds."
    assert errors[deleted].startswith(f"{SPECTROGRAM_FIT}: No such file or directory: ")
    assert errors[unrecorded] == f"{SPECTRUM_FIT}: registered, but the datastore has no file for it."
    assert (frame.loc[[swapped, deleted, unrecorded], "status"] == "failed").all()
    still_there = {name: path for name, path in files[deleted].items() if name != SPECTROGRAM_FIT}
    assert_row_matches(frame.loc[deleted], independent_row(still_there), deleted)


def test_refs_sent_to_a_worker_locate_the_same_files(butler):
    refs, _ = extract_module.find_refs(butler, RUN_320)
    units = [(visit, refs[visit]) for visit in sorted(refs)[:50]]
    received = pickle.loads(pickle.dumps(PackedRefs(units))).units(butler)
    assert [visit for visit, _ in received] == [visit for visit, _ in units]
    for (_, sent), (_, got) in zip(units, received):
        assert {name: ref.id for name, ref in got.items()} == {name: ref.id for name, ref in sent.items()}
        assert all(got[name].dataId == sent[name].dataId for name in sent)
    assert extract_module.locate(butler, received) == extract_module.locate(butler, units)


def test_a_worker_opens_the_repository_once_per_extraction_and_read_only(butler):
    link = RepoLink(butler)
    first, second = (pickle.loads(pickle.dumps(link)) for _ in range(2))
    assert first.butler is second.butler and first.butler is not butler
    assert not first.butler.isWriteable()
    assert pickle.loads(pickle.dumps(RepoLink(butler))).butler is not first.butler


def test_progress_names_every_failure_even_in_a_burst(demo_repo, demo_manifest, tmp_path):
    repo = copy_repo(demo_repo, tmp_path / "repo")
    files = visit_files(repo, RUN_320)
    damaged = sorted(v for v in demo_manifest["runs"][RUN_320]["ok"] if SPECTRUM in files[v])[:12]
    for visit in damaged:
        Path(files[visit][SPECTRUM]).write_bytes(b"not a FITS file")
    events: list[Progress] = []
    result = extract(repo, RUN_320, progress=events.append)
    named = {visit: reason for e in events for visit, reason in e.new_failures}
    assert set(damaged) <= set(named) and len(named) == result.failed
    assert all("neither FITS nor JSON" in named[visit] for visit in damaged)


@pytest.mark.sqlite_only
def test_a_worker_that_cannot_open_the_registry_says_so_in_one_line(demo_repo, tmp_path):
    from spectui.core.butler.repo import open_repo
    from spectui.core.errors import RegistryUnavailable

    repo = copy_repo(demo_repo, tmp_path / "repo")
    pickled = pickle.dumps(RepoLink(open_repo(repo)))
    (repo / "gen3.sqlite3").write_bytes(b"this is not a database" * 100)
    received = pickle.loads(pickled)
    with pytest.raises(RegistryUnavailable, match="registry cannot be read") as raised:
        received.butler.isWriteable()
    assert "\n" not in str(raised.value)


def test_a_chunk_failing_midway_says_how_much_is_saved_and_to_resume(demo_repo, tmp_path, monkeypatch):
    from spectui.core.errors import RegistryUnavailable

    real, calls = extract_module.extract_chunk, []

    def failing_third(units, expected):
        calls.append(len(units))
        if len(calls) == 3:
            raise RegistryUnavailable("the repository's registry cannot be read (file lookup: database is locked).")
        return real(units, expected)

    monkeypatch.setattr(extract_module, "extract_chunk", failing_third)
    output = tmp_path / "r.parquet"
    with pytest.raises(RegistryUnavailable) as raised:
        extract(demo_repo, RUN_320, output)
    saved = sum(calls[:2])
    assert f"database is locked); {saved} of " in str(raised.value)
    assert str(raised.value).endswith("run the same command with --resume to finish.")
    assert not output.exists()
