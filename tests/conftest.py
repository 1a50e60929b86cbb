"""Shared fixtures: isolated user directories and one small demo repository per test session."""

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


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-night demo repository (about 900 exposures), built once per session."""
    from spectui.core.demo.build import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "repo", nights=3, seed=1)


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
