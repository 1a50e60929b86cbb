"""Shared fixtures: isolated user directories and one small demo repository per test session and registry."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory):
    """Point spectui's config and data directories at temporary ones so tests never touch the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SPECTUI_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    mp.setenv("SPECTUI_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    mp.delenv("SPECTUI_REPO", raising=False)
    mp.delenv("DAF_BUTLER_REPOSITORY_INDEX", raising=False)
    mp.delenv("DAF_BUTLER_REPOSITORIES", raising=False)
    yield
    mp.undo()


REGISTRIES = ("sqlite", "postgresql")
NAMESPACE = "spectui_demo"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_registries` that use the demo repository run once on each registry, but for those
    marked `sqlite_only` (they edit the registry's file)."""
    marked = metafunc.definition.get_closest_marker
    if marked("both_registries") and not marked("sqlite_only") and "demo_repo" in metafunc.fixturenames:
        metafunc.parametrize("registry", REGISTRIES, indirect=True, scope="session")


@pytest.fixture(scope="session")
def registry(request: pytest.FixtureRequest) -> str:
    """The demo repository's registry: SQLite, or PostgreSQL for tests marked `both_registries`."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session; the run stops with one line when it cannot start."""
    from postgres_server import PostgresServer, PostgresUnavailable

    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as exc:
        server.stop()
        pytest.exit(f"PostgreSQL is needed by the tests and could not be started: {exc}", returncode=1)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_builds() -> dict[str, Path]:
    """The demo repositories built so far this session, by registry (each is built once)."""
    return {}


@pytest.fixture(scope="session")
def demo_repo(registry: str, demo_builds: dict[str, Path], tmp_path_factory: pytest.TempPathFactory,
              request: pytest.FixtureRequest) -> Path:
    """A 3-night demo repository (about 900 exposures), built once per session and registry; the PostgreSQL
    one keeps its registry in a namespace, as USDF's repositories do."""
    from spectui.core.demo.build import Registry, build_demo

    if registry not in demo_builds:
        database = None
        if registry == "postgresql":
            database = Registry(request.getfixturevalue("postgres_server").url, NAMESPACE)
        folder = tmp_path_factory.mktemp("demo" if registry == "sqlite" else "demo-pg") / "repo"
        demo_builds[registry] = build_demo(folder, nights=3, seed=1, registry=database)
    return demo_builds[registry]


@pytest.fixture(scope="session")
def demo_manifest(demo_repo: Path) -> dict:
    """What the demo generator says it put in the repository."""
    from spectui.core.demo.build import MANIFEST

    return json.loads((demo_repo / MANIFEST).read_text())


@pytest.fixture(scope="session")
def butler(demo_repo: Path):
    """A read-only Butler on the demo repository."""
    from spectui.core.butler.repo import open_repo

    return open_repo(demo_repo)


@pytest.fixture(scope="session")
def science(butler):
    """The exposures of the default selection (science, holo4 dispersers): what the exposures screen lists."""
    from spectui.core.butler.exposures import ExposureSelection, query_exposures

    return query_exposures(butler, ExposureSelection())


@pytest.fixture
def slow_chunks(monkeypatch):
    """Chunks read in this process take a while, so a test can act while the extraction runs."""
    from spectui.core.extraction import extract as extract_module

    real = extract_module.extract_chunk

    def slow(*args):
        time.sleep(0.15)
        return real(*args)

    monkeypatch.setattr(extract_module, "extract_chunk", slow)
    monkeypatch.setattr(extract_module, "MAX_CHUNK", 16)


@pytest.fixture(scope="session")
def butler_servers(demo_builds: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """moto's S3 server and a Butler server on an S3 copy of the SQLite demo, for the session; the client's
    token and S3 settings are in the environment. The run stops with one line when they cannot start."""
    from butler_server import ButlerServers, ServersUnavailable

    from spectui.core.demo.build import build_demo

    if "sqlite" not in demo_builds:
        demo_builds["sqlite"] = build_demo(tmp_path_factory.mktemp("demo") / "repo", nights=3, seed=1)
    servers = ButlerServers(tmp_path_factory.mktemp("servers"))
    try:
        servers.start(demo_builds["sqlite"])
    except ServersUnavailable as exc:
        servers.stop()
        pytest.exit(f"the remote tests need a Butler server and an S3 server, which could not start: {exc}",
                    returncode=1)
    mp = pytest.MonkeyPatch()
    for name, value in servers.client_env.items():
        mp.setenv(name, value)
    yield servers
    mp.undo()
    servers.stop()


@pytest.fixture(scope="session", params=["url", "s3"])
def remote_repo(request: pytest.FixtureRequest, butler_servers) -> str:
    """The S3 demo, through the Butler server's URL and read directly (local registry, files on S3)."""
    return butler_servers.url if request.param == "url" else str(butler_servers.repo)
