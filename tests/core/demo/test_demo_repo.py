"""The demo repository looks like AuxTel at USDF: records, collections, real byte formats, realistic gaps."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spectui.core.demo.build import OUTPUT_TYPES, RUNS, SPECTROGRAM_FIT, SPECTRUM, SPECTRUM_FIT, build_demo
from spectui.core.errors import OutputError


def test_exposure_ids_and_obs_ids_follow_latiss(butler):
    records = butler.query_dimension_records("exposure", instrument="LATISS", limit=None, explain=False)
    assert len(records) > 500
    for r in records:
        assert r.id == r.day_obs * 100_000 + r.seq_num
        assert r.obs_id == f"AT_O_{r.day_obs}_{r.seq_num:06d}"
        assert r.timespan.begin.scale == "tai"
    kinds = {r.observation_type for r in records}
    assert {"science", "bias", "flat", "acq"} <= kinds


def test_hologram_triplets_are_consecutive(butler):
    records = sorted(butler.query_dimension_records("exposure", instrument="LATISS", limit=None, explain=False),
                     key=lambda r: r.id)
    triplets = 0
    for a, b, c in zip(records, records[1:], records[2:]):
        names = [r.physical_filter.split("~")[0] for r in (a, b, c)]
        if names == ["empty", "BG40_65mm_1", "OG550_65mm_1"] and a.observation_type == "science":
            assert b.seq_num == a.seq_num + 1 and c.seq_num == b.seq_num + 1
            assert a.target_name == b.target_name == c.target_name
            triplets += 1
    assert triplets > 100


def test_runs_match_manifest_and_one_run_lacks_a_type(butler, demo_manifest):
    for spec in RUNS:
        entry = demo_manifest["runs"][spec.chain or spec.name]
        refs = butler.query_datasets(SPECTRUM, collections=spec.name, limit=None, explain=False)
        visits = {r.dataId["visit"] for r in refs}
        assert visits == set(entry["ok"]) | set(entry["partial"]) | set(entry["corrupt"])
        assert not visits & set(entry["missing"])
    lacking = [s for s in RUNS if SPECTROGRAM_FIT not in s.dataset_types]
    assert lacking, "one run must lack the spectrogram fit type"


def test_missing_fraction_is_realistic(demo_manifest):
    for entry in demo_manifest["runs"].values():
        total = sum(len(entry[k]) for k in ("ok", "partial", "missing", "corrupt"))
        assert 0.1 < len(entry["missing"]) / total < 0.6


def test_real_collection_layout(butler):
    from lsst.daf.butler import CollectionType

    chain = RUNS[-1].chain
    assert butler.collections.get_info(chain).type == CollectionType.CHAINED
    assert butler.collections.get_info(chain).children[0] == RUNS[-1].name
    assert butler.collections.get_info("LATISS/raw/all").type == CollectionType.RUN
    assert butler.collections.query("u/dagoret/auxtel_run_*_holoallfilt_?")


def test_files_have_real_formats_and_atmospec_formatters(butler):
    from astropy.io import fits

    run = RUNS[2].name
    refs = butler.query_datasets(SPECTRUM_FIT, collections=run, limit=4, explain=False)
    uri = butler.getURI(refs[0])
    text = uri.read().decode()
    params = json.loads(text)
    assert list(params) == ["values", "labels", "axis_names", "bounds", "fixed", "truth", "filename", "extra", "cov"]
    assert "Infinity" in text
    free = int(np.sum(~np.array(params["fixed"])))
    assert np.array(params["cov"]).shape == (free, free)
    spectra = butler.query_datasets(SPECTRUM, collections=run, limit=4, explain=False)
    with fits.open(butler.getURI(spectra[0]).ospath) as hdus:
        hdus.verify("exception")
        header = hdus[0].header
        assert header["EXTNAME"] == "SPECTRUM" and hdus[0].data.shape[0] == 3
        for key in ("TARGET", "D2CCD", "CHI2_FIT", "DATE-OBS", "VERSION", "PSF_REG", "CCD_REBIN"):
            assert key in header
    with pytest.raises(ImportError, match="atmospec"):
        butler.get(refs[0])


def test_version_dependent_labels(butler):
    labels = {}
    for spec in RUNS:
        refs = butler.query_datasets(SPECTRUM_FIT, collections=spec.name, limit=1, explain=False)
        labels[spec.version] = json.loads(butler.getURI(refs[0]).read())["labels"]
    assert "angstrom_exp_log10" in labels["3.0.2"] and "reso [pix]" in labels["3.0.2"]
    assert "reso [nm]" in labels["3.2.1"] and "angstrom_exp_log10" not in labels["3.2.1"]


def test_build_is_deterministic_and_refuses_to_clobber(tmp_path):
    a = build_demo(tmp_path / "a", nights=1, seed=7)
    b = build_demo(tmp_path / "b", nights=1, seed=7)
    ma, mb = (json.loads((p / "spectui-demo.json").read_text()) for p in (a, b))
    assert ma["runs"] == mb["runs"] and ma["exposures"] == mb["exposures"]
    with pytest.raises(OutputError, match="--force"):
        build_demo(a, nights=1, seed=7)
    stranger = tmp_path / "precious"
    stranger.mkdir()
    (stranger / "thesis.tex").write_text("x")
    with pytest.raises(OutputError, match="not a spectui demo"):
        build_demo(stranger, nights=1, force=True)
    assert (stranger / "thesis.tex").exists()
    assert set(OUTPUT_TYPES) == {SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT}
