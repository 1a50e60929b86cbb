"""Status per exposure from the registry: it equals what the files and the manifest say, and summaries add up."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from spectui.core.analysis.status import (
    STATUS_COLUMNS,
    absent_output_types,
    exposure_status,
    reprocess_queries,
    summarize,
)
from spectui.core.butler.exposures import ExposureSelection, query_exposures
from spectui.core.errors import BadInput, UnknownCollection, UnknownDatasetType

pytestmark = pytest.mark.both_registries

SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT = (
    "spectractorSpectrum", "spectrumLibradtranFitParameters", "spectrogramLibradtranFitParameters")
NIGHT = 20250301
# seq_num -> output types registered in RUN_A (the crafted repository's truth table).
OUTPUTS_A = {
    10: (SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT),
    11: (SPECTRUM, SPECTRUM_FIT),
    12: (SPECTRUM, SPECTROGRAM_FIT),
    13: (SPECTRUM,),
    14: (),
    15: (SPECTRUM_FIT, SPECTROGRAM_FIT),
}
EXPECTED_A = {10: "ok", 11: "partial", 12: "partial", 13: "partial", 14: "missing", 15: "missing"}
RUN_A, RUN_B, CHAIN = "u/test/run_a", "u/test/run_b", "u/test/chain"


def _craft(root: Path, types: tuple[str, ...]) -> Path:
    """A registry-only repository: one night, six hologram science exposures, one acq, one imaging exposure."""
    from lsst.daf.butler import Butler, CollectionType, DatasetType

    Butler.makeRepo(f"{root}/")
    butler = Butler.from_config(str(root), writeable=True)
    reg = butler.registry
    reg.insertDimensionData("instrument", {"name": "LATISS", "detector_max": 1, "visit_max": 10**13,
                                           "exposure_max": 10**13, "class_name": "x"})
    reg.insertDimensionData("detector", {"instrument": "LATISS", "id": 0, "full_name": "RXX_S00"})
    reg.insertDimensionData("physical_filter", *[{"instrument": "LATISS", "name": n, "band": "white"}
                                                 for n in ("empty~holo4_003", "SDSSr_65mm~empty")])
    reg.insertDimensionData("day_obs", {"instrument": "LATISS", "id": NIGHT})
    exposures = [(seq, "empty~holo4_003", "science") for seq in OUTPUTS_A] + [
        (16, "empty~holo4_003", "acq"), (17, "SDSSr_65mm~empty", "science")]
    for seq, physical_filter, kind in exposures:
        ident = NIGHT * 100_000 + seq
        reg.insertDimensionData("group", {"instrument": "LATISS", "name": f"g{seq}"})
        reg.insertDimensionData("exposure", {
            "instrument": "LATISS", "id": ident, "obs_id": f"AT_O_{NIGHT}_{seq:06d}", "day_obs": NIGHT,
            "seq_num": seq, "group": f"g{seq}", "physical_filter": physical_filter, "observation_type": kind,
            "target_name": "HD2811" if seq % 2 else "HD38666"})
        reg.insertDimensionData("visit", {"instrument": "LATISS", "id": ident, "name": f"v{seq}", "day_obs": NIGHT,
                                          "physical_filter": physical_filter})
    for name in types:
        reg.registerDatasetType(DatasetType(name, ["instrument", "visit", "detector"], "StructuredDataDict",
                                            universe=butler.dimensions))
    for run, outputs in ((RUN_A, OUTPUTS_A), (RUN_B, {14: types})):
        reg.registerCollection(run, CollectionType.RUN)
        for name in types:
            ids = [{"instrument": "LATISS", "visit": NIGHT * 100_000 + s, "detector": 0}
                   for s, have in outputs.items() if name in have]
            if ids:
                reg.insertDatasets(name, ids, run)
    reg.registerCollection(CHAIN, CollectionType.CHAINED)
    reg.setCollectionChain(CHAIN, [RUN_B, RUN_A])
    butler.close()
    return root


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    from spectui.core.butler.repo import open_repo

    return open_repo(_craft(tmp_path_factory.mktemp("crafted") / "repo", (SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT)))


def _by_seq(status: pd.DataFrame) -> dict[int, str]:
    return dict(zip(status["seq_num"].astype(int), status["status"]))


def test_crafted_repository_statuses_follow_the_definition(crafted):
    status = exposure_status(crafted, RUN_A)
    assert tuple(status.columns) == STATUS_COLUMNS
    assert _by_seq(status) == EXPECTED_A
    lacking = dict(zip(status["seq_num"].astype(int), status["lacking"]))
    assert lacking[10] == "" and lacking[11] == SPECTROGRAM_FIT and lacking[12] == SPECTRUM_FIT
    assert lacking[13] == f"{SPECTRUM_FIT} {SPECTROGRAM_FIT}" and lacking[15] == SPECTRUM
    assert set(status["target"]) == {"HD2811", "HD38666"}


def test_selection_and_chained_collections(crafted):
    with_acq = exposure_status(crafted, RUN_A, ExposureSelection(all_types=True))
    assert _by_seq(with_acq) == EXPECTED_A | {16: "missing"}
    assert _by_seq(exposure_status(crafted, RUN_B)) == {s: "ok" if s == 14 else "missing" for s in OUTPUTS_A}
    assert _by_seq(exposure_status(crafted, CHAIN)) == EXPECTED_A | {14: "ok"}
    one_target = exposure_status(crafted, RUN_A, ExposureSelection(targets=("HD2811",)))
    assert set(one_target["seq_num"]) == {11, 13, 15}


def test_a_repository_without_the_spectrogram_fit_type(tmp_path):
    from spectui.core.butler.repo import open_repo

    butler = open_repo(_craft(tmp_path / "repo", (SPECTRUM, SPECTRUM_FIT)))
    statuses = _by_seq(exposure_status(butler, RUN_A))
    assert statuses == {s: "missing" if SPECTRUM not in OUTPUTS_A[s] else "partial" for s in OUTPUTS_A}
    assert absent_output_types(butler, RUN_A) == [SPECTROGRAM_FIT]


def test_unknown_collection_and_repository_without_spectra(crafted, tmp_path):
    from spectui.core.butler.repo import open_repo

    with pytest.raises(UnknownCollection, match="Did you mean u/test/run_b, u/test/run_a"):
        exposure_status(crafted, "u/test/run_c")
    with pytest.raises(BadInput, match="no collection given"):
        exposure_status(crafted, "")
    bare = open_repo(_craft(tmp_path / "bare", ()))
    with pytest.raises(UnknownDatasetType, match="no spectractorSpectrum dataset type"):
        exposure_status(bare, RUN_A)


def _files_on_disk(repo: Path, run: str) -> dict[str, set[int]]:
    """Visit ids of the output files the demo wrote for a run, by dataset type (read from the file names)."""
    found: dict[str, set[int]] = {}
    for path in (repo / run).rglob("*_RXX_S00_*"):
        dataset_type = path.relative_to(repo / run).parts[0]
        found.setdefault(dataset_type, set()).add(int(re.search(r"_(\d{13})_RXX_S00_", path.name).group(1)))
    return found


def test_demo_statuses_equal_the_files_and_the_manifest(butler, demo_repo, demo_manifest):
    selected = set(query_exposures(butler)["id"])
    for collection, run in demo_manifest["runs"].items():
        status = exposure_status(butler, collection)
        assert set(status["id"]) == selected
        by_id = dict(zip(status["id"], status["status"]))
        files = _files_on_disk(demo_repo, run["run"])
        for visit in selected:
            present = [t for t in (SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT) if visit in files.get(t, ())]
            expected = "missing" if SPECTRUM not in present else "ok" if len(present) == 3 else "partial"
            assert by_id[visit] == expected, (collection, visit, present)
        with_output = set(run["ok"]) | set(run["partial"]) | set(run["corrupt"])
        assert set(status.loc[status["status"] == "missing", "id"]) == selected - with_output
        assert set(run["missing"]) <= set(status.loc[status["status"] == "missing", "id"])
        complete = set(run["ok"]) | set(run["corrupt"]) if len(run["dataset_types"]) == 3 else set()
        assert set(status.loc[status["status"] == "ok", "id"]) == complete


def test_summaries_add_up(butler, demo_manifest):
    collection = next(iter(demo_manifest["runs"]))
    status = exposure_status(butler, collection)
    summary = summarize(status)
    assert list(summary.columns) == ["day_obs", "physical_filter", "total", "ok", "partial", "missing", "efficiency"]
    assert (summary["total"] == summary["ok"] + summary["partial"] + summary["missing"]).all()
    assert summary["total"].sum() == len(status)
    assert summary["missing"].sum() == (status["status"] == "missing").sum()
    assert (summary["efficiency"] - summary["ok"] / summary["total"]).abs().max() < 1e-4
    exposures = query_exposures(butler)
    expected = exposures.groupby(["day_obs", "physical_filter"]).size()
    assert dict(zip(zip(summary["day_obs"], summary["physical_filter"]), summary["total"])) == expected.to_dict()
    by_target = summarize(status, "target")
    assert by_target["total"].sum() == len(status) and set(by_target["target"]) == set(exposures["target"])
    with pytest.raises(BadInput, match="cannot group by telescope"):
        summarize(status, ["telescope"])
    assert summarize(status.iloc[:0])["total"].sum() == 0


def test_reprocess_queries_select_exactly_the_exposures(butler, demo_manifest):
    collection = next(iter(demo_manifest["runs"]))
    status = exposure_status(butler, collection)
    wanted = sorted(status.loc[status["status"] == "missing", "id"])
    queries = reprocess_queries(wanted, chunk=70)
    assert len(queries) == -(-len(wanted) // 70)
    selected = []
    for query in queries:
        assert query.startswith("instrument='LATISS' AND exposure IN (")
        records = butler.query_dimension_records("exposure", where=query, limit=None, explain=False)
        selected += [r.id for r in records]
    assert sorted(selected) == wanted
    with pytest.raises(BadInput):
        reprocess_queries(wanted, chunk=0)
