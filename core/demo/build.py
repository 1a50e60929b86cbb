"""Build the demo repository: LATISS records, Spectractor outputs in several runs, the real collection layout."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import BadInput, OutputError
from ..paths import user_path
from .observations import BANDS, Exposure, Night, make_nights
from .payloads import (
    SPECTRUM_LABELS,
    fit_parameters,
    json_bytes,
    night_atmosphere,
    spectrogram_labels,
    spectrum_fits,
    spectrum_header,
)

MANIFEST = "spectui-demo.json"
SPECTRUM = "spectractorSpectrum"
SPECTRUM_FIT = "spectrumLibradtranFitParameters"
SPECTROGRAM_FIT = "spectrogramLibradtranFitParameters"
OUTPUT_TYPES = (SPECTRUM, SPECTRUM_FIT, SPECTROGRAM_FIT)
RAW_RUN = "LATISS/raw/all"
ATMOSPEC_FORMATTERS = {
    SPECTRUM: "lsst.atmospec.formatters.SpectractorSpectrumFormatter",
    SPECTRUM_FIT: "lsst.atmospec.formatters.SpectractorFitParametersFormatter",
    SPECTROGRAM_FIT: "lsst.atmospec.formatters.SpectractorFitParametersFormatter",
}


@dataclass(frozen=True)
class RunSpec:
    """One Spectractor run of the demo: its RUN collection, version, outputs and which nights it covered."""

    name: str
    version: str
    labels: str
    dataset_types: tuple[str, ...]
    nights: slice
    chain: str | None = None
    corrupt_every: int = 0


RUNS = (
    RunSpec("u/jneveu/auxtel_atmosphere_202501_v3.0.2_fixA1_RobustFit", "3.0.2", "3.0.2",
            OUTPUT_TYPES, slice(0, 3)),
    RunSpec("u/dagoret/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a", "3.1.0", "3.1.0",
            (SPECTRUM, SPECTRUM_FIT), slice(0, None, 2)),
    RunSpec("u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a",
            "3.2.0", "3.2.1", OUTPUT_TYPES, slice(None), corrupt_every=400),
    RunSpec("u/dagoret/auxtel_run_20251210_w_2025_49_spectractorv321_all_main_2025data_ptc_holoallfilt_b/"
            "20251210T101010Z", "3.2.1", "3.2.1", OUTPUT_TYPES, slice(None),
            chain="u/dagoret/auxtel_run_20251210_w_2025_49_spectractorv321_all_main_2025data_ptc_holoallfilt_b"),
)
LATEST_CHAIN = "u/dagoret/auxtel_latest"
EMPTY_RUN = "u/other/unrelated_run"

Progress = Callable[[str], None]


def default_demo_path() -> Path:
    """Where `spectui` keeps its demo repository: the user data directory."""
    import platformdirs

    return Path(os.environ.get("SPECTUI_DATA_DIR") or platformdirs.user_data_path("spectui")) / "demo-repo"


def is_demo_repo(path: Path) -> bool:
    """True when `path` holds a complete demo repository built by spectui."""
    return (path / MANIFEST).is_file() and (path / "butler.yaml").is_file()


def demo_summary(path: Path) -> str:
    """What a built demo repository holds, e.g. '921 exposures over 3 nights, seed 1'."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
        nights = len(manifest["nights"])
        plural = "s" * (nights != 1)
        return f"{manifest['exposures']} exposures over {nights} night{plural}, seed {manifest['seed']}"
    except (OSError, ValueError, LookupError, TypeError):
        return f"its {MANIFEST} is unreadable"


@dataclass(frozen=True)
class Registry:
    """Where a demo repository keeps its registry: a database URL and a namespace (a PostgreSQL schema)."""

    db: str
    namespace: str | None = None


def build_demo(path: Path, *, nights: int = 8, seed: int = 1, force: bool = False,
               progress: Progress | None = None, registry: Registry | None = None) -> Path:
    """Build the demo repository at `path` (atomically: in a sibling directory, then renamed).

    Its registry is a SQLite file inside it, unless `registry` names a database (PostgreSQL, as at USDF).
    """
    say = progress or (lambda _message: None)
    path = user_path(path).absolute()
    if nights < 1:
        raise BadInput(f"--nights must be at least 1 (got {nights}).")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} is a file, not a directory: choose another --path.")
    if path.exists() and any(path.iterdir()):
        if not is_demo_repo(path):
            raise OutputError(f"{path} is not a spectui demo repository; refusing to replace it: choose another "
                              "--path.")
        if not force:
            raise OutputError(f"{path} already exists; pass --force to rebuild it.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.parent / f"_{path.name}_building_{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot create {path.parent}: {exc.strerror}.") from exc
    try:
        _build(staging, nights, seed, say, registry)
        if path.exists():
            shutil.rmtree(path)
        staging.rename(path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def _build(root: Path, n_nights: int, seed: int, say: Progress, registry: Registry | None) -> None:
    from lsst.daf.butler import Butler, Config

    started = time.perf_counter()
    config = None
    if registry is not None:
        config = Config({"registry": {"db": registry.db, **({"namespace": registry.namespace}
                                                             if registry.namespace else {})}})
    Butler.makeRepo(f"{root}/", config=config)
    butler = Butler.from_config(str(root), writeable=True)
    try:
        night_list = make_nights(n_nights, seed)
        exposures = [e for night in night_list for e in night.exposures]
        say(f"{len(exposures)} exposures over {len(night_list)} nights")
        _insert_records(butler, night_list, exposures)
        _register_dataset_types(butler)
        _insert_raws(butler, exposures)
        manifest = {"seed": seed, "nights": [n.day_obs for n in night_list], "runs": {}}
        datasets = []
        for index, spec in enumerate(RUNS):
            say(f"writing outputs of {spec.name}")
            run_datasets, run_manifest = _write_run(butler, root, spec, index, night_list, seed)
            datasets += run_datasets
            manifest["runs"][spec.chain or spec.name] = run_manifest
        say(f"ingesting {len(datasets)} files")
        butler.ingest(*datasets, transfer=None, record_validation_info=False)
        _define_collections(butler)
    finally:
        butler.close()
    _record_atmospec_formatters(registry or Registry(f"sqlite:///{root}/gen3.sqlite3"))
    manifest["exposures"] = len(exposures)
    manifest["build_seconds"] = round(time.perf_counter() - started, 2)
    (root / MANIFEST).write_text(json.dumps(manifest))


def _insert_records(butler, nights: list[Night], exposures: list[Exposure]) -> None:
    from lsst.daf.butler import Timespan

    reg = butler.registry
    reg.insertDimensionData("instrument", {
        "name": "LATISS", "class_name": "lsst.obs.lsst.Latiss", "detector_max": 1,
        "visit_max": 7050123199999, "exposure_max": 7050123199999, "visit_system": 0})
    reg.insertDimensionData("detector", {"instrument": "LATISS", "id": 0, "full_name": "RXX_S00",
                                         "name_in_raft": "S00", "raft": "RXX", "purpose": "SCIENCE"})
    filters = sorted({e.physical_filter for e in exposures})
    reg.insertDimensionData("physical_filter", *[
        {"instrument": "LATISS", "name": pf, "band": BANDS.get(pf.split("~")[0], "white")} for pf in filters])
    reg.insertDimensionData("visit_system", {"instrument": "LATISS", "id": 0, "name": "one-to-one"},
                            {"instrument": "LATISS", "id": 2, "name": "by-seq-start-end"})
    reg.insertDimensionData("day_obs", *[
        {"instrument": "LATISS", "id": n.day_obs, "timespan": Timespan.from_day_obs(n.day_obs, offset=12 * 3600)}
        for n in nights])
    reg.insertDimensionData("group", *[{"instrument": "LATISS", "name": e.obs_id} for e in exposures])
    rows, visits, definitions, memberships = [], [], [], []
    for e in exposures:
        timespan = Timespan(None, None, _nsec=(e.begin_tai_ns, e.end_tai_ns))
        rows.append({
            "instrument": "LATISS", "id": e.id, "obs_id": e.obs_id, "day_obs": e.day_obs, "seq_num": e.seq_num,
            "seq_start": e.seq_num, "seq_end": e.seq_num, "group": e.obs_id, "physical_filter": e.physical_filter,
            "exposure_time": e.exposure_time, "dark_time": e.exposure_time + 0.3,
            "observation_type": e.observation_type, "observation_reason": e.observation_reason,
            "science_program": e.science_program, "target_name": e.target_name,
            "tracking_ra": e.tracking_ra, "tracking_dec": e.tracking_dec, "sky_angle": e.sky_angle,
            "azimuth": e.azimuth, "zenith_angle": e.zenith_angle, "has_simulated": False,
            "can_see_sky": e.observation_type in ("science", "acq"), "timespan": timespan})
        if e.observation_type == "science":
            visits.append({
                "instrument": "LATISS", "id": e.id, "name": e.obs_id, "day_obs": e.day_obs,
                "physical_filter": e.physical_filter, "seq_num": e.seq_num, "exposure_time": e.exposure_time,
                "target_name": e.target_name, "observation_reason": e.observation_reason,
                "science_program": e.science_program, "azimuth": e.azimuth, "zenith_angle": e.zenith_angle,
                "timespan": timespan})
            definitions.append({"instrument": "LATISS", "exposure": e.id, "visit": e.id})
            memberships.append({"instrument": "LATISS", "visit_system": 0, "visit": e.id})
    reg.insertDimensionData("exposure", *rows)
    reg.insertDimensionData("visit", *visits)
    reg.insertDimensionData("visit_definition", *definitions)
    reg.insertDimensionData("visit_system_membership", *memberships)


def _register_dataset_types(butler) -> None:
    from lsst.daf.butler import DatasetType

    universe = butler.dimensions
    butler.registry.registerDatasetType(DatasetType("raw", ["instrument", "exposure", "detector"], "Exposure",
                                                    universe=universe))
    storage = {SPECTRUM: "SpectractorSpectrum", SPECTRUM_FIT: "SpectractorFitParameters",
               SPECTROGRAM_FIT: "SpectractorFitParameters"}
    for name, storage_class in storage.items():
        butler.registry.registerDatasetType(
            DatasetType(name, ["instrument", "visit", "detector"], storage_class, universe=universe))


def _insert_raws(butler, exposures: list[Exposure]) -> None:
    from lsst.daf.butler import CollectionType

    butler.registry.registerCollection(RAW_RUN, CollectionType.RUN)
    data_ids = [{"instrument": "LATISS", "exposure": e.id, "detector": 0} for e in exposures]
    butler.registry.insertDatasets("raw", data_ids, RAW_RUN, expand=False)


def _visit_outcomes(spec: RunSpec, index: int, night: Night, seed: int) -> dict[int, str]:
    """For each hologram science visit of the night: 'ok', 'no_spectrum_fit', 'no_spectrogram_fit' or 'missing'."""
    rng = np.random.default_rng([seed, index, night.day_obs])
    night_missing = float(rng.choice([0.0, 0.15, 0.25, 0.3, 0.35, 0.45, 1.0], p=[.08, .2, .2, .2, .14, .14, .04]))
    outcomes = {}
    for e in night.exposures:
        if not e.is_hologram_science:
            continue
        extra = 0.1 if e.filter == "empty" else 0.0
        if rng.random() < night_missing + extra:
            outcomes[e.id] = "missing"
        elif rng.random() < 0.05:
            outcomes[e.id] = str(rng.choice(["no_spectrum_fit", "no_spectrogram_fit"]))
        else:
            outcomes[e.id] = "ok"
    return outcomes


def _write_run(butler, root: Path, spec: RunSpec, index: int, nights: list[Night], seed: int):
    from lsst.daf.butler import CollectionType, DatasetRef, FileDataset

    butler.registry.registerCollection(spec.name, CollectionType.RUN)
    types = {name: butler.get_dataset_type(name) for name in spec.dataset_types}
    safe_run = spec.name.replace("/", "_")
    datasets, manifest = [], {"run": spec.name, "version": spec.version, "dataset_types": list(spec.dataset_types),
                              "ok": [], "partial": [], "missing": [], "corrupt": []}
    by_id = {e.id: e for night in nights for e in night.exposures}
    counter = 0
    for night in nights[spec.nights]:
        atmosphere = night_atmosphere(night.day_obs, seed)
        for visit, outcome in _visit_outcomes(spec, index, night, seed).items():
            if outcome == "missing":
                manifest["missing"].append(visit)
                continue
            e = by_id[visit]
            rng = np.random.default_rng([seed, index, visit])
            header = spectrum_header(e, spec.version, rng)
            red = e.filter.startswith(("OG550", "FELH", "SDSSr"))
            payloads = {SPECTRUM: spectrum_fits(header, red, rng)}
            if outcome != "no_spectrum_fit":
                payloads[SPECTRUM_FIT] = json_bytes(fit_parameters(
                    SPECTRUM_LABELS[spec.labels], atmosphere, header, red, spec.labels, rng))
            if outcome != "no_spectrogram_fit":
                payloads[SPECTROGRAM_FIT] = json_bytes(fit_parameters(
                    spectrogram_labels(spec.labels), atmosphere, header, red, spec.labels, rng))
            payloads = {k: v for k, v in payloads.items() if k in types}
            counter += 1
            if spec.corrupt_every and counter % spec.corrupt_every == 7:
                broken = SPECTRUM if counter % 2 else SPECTRUM_FIT
                payloads[broken] = payloads[broken][: len(payloads[broken]) // 3]
                manifest["corrupt"].append(visit)
            elif set(payloads) == set(spec.dataset_types):
                manifest["ok"].append(visit)
            else:
                manifest["partial"].append(visit)
            for name, payload in payloads.items():
                extension = "fits" if name == SPECTRUM else "json"
                relative = (f"{spec.name}/{name}/{e.day_obs}/"
                            f"{name}_LATISS_{e.physical_filter}_{visit}_RXX_S00_{safe_run}.{extension}")
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(payload)
                ref = DatasetRef(types[name], {"instrument": "LATISS", "visit": visit, "detector": 0},
                                 run=spec.name)
                datasets.append(FileDataset(path=relative, refs=[ref],
                                            formatter="lsst.daf.butler.formatters.json.JsonFormatter"))
    return datasets, manifest


def _define_collections(butler) -> None:
    from lsst.daf.butler import CollectionType

    reg = butler.registry
    reg.registerCollection("LATISS/defaults", CollectionType.CHAINED, doc="default inputs")
    reg.setCollectionChain("LATISS/defaults", [RAW_RUN])
    for spec in RUNS:
        if spec.chain:
            reg.registerCollection(spec.chain, CollectionType.CHAINED, doc="pipetask output")
            reg.setCollectionChain(spec.chain, [spec.name, RAW_RUN])
    reg.registerCollection(LATEST_CHAIN, CollectionType.CHAINED, doc="latest spectractor runs")
    reg.setCollectionChain(LATEST_CHAIN, [RUNS[-1].chain, RUNS[-2].name])
    reg.registerCollection(EMPTY_RUN, CollectionType.RUN)


def _record_atmospec_formatters(registry: Registry) -> None:
    """Name the atmospec formatters in the datastore records, as a real repository does (they are not installed)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(registry.db)
    try:
        names = sqlalchemy.inspect(engine).get_table_names(schema=registry.namespace)
        records = sqlalchemy.Table(next(t for t in names if t.startswith("file_datastore_records")),
                                   sqlalchemy.MetaData(), schema=registry.namespace, autoload_with=engine)
        with engine.begin() as db:
            for name, formatter in ATMOSPEC_FORMATTERS.items():
                db.execute(records.update().where(records.c.path.like(f"%/{name}/%")).values(formatter=formatter))
    finally:
        engine.dispose()
