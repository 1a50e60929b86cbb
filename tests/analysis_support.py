"""Fixtures and helpers for the analysis screens' tests: extracted results, a steady app, opening screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from tui_support import open_exposures, settle, wait_for

from spectui.core.analysis.result_files import file_name_for
from spectui.core.demo.build import LATEST_CHAIN, RUNS
from spectui.tui.app import SpectuiApp
from spectui.tui.screens.registry import SCREENS

LATEST = LATEST_CHAIN
V31 = RUNS[1].name
V32 = RUNS[2].name
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="session")
def extracted(demo_repo, tmp_path_factory) -> dict[str, Path]:
    """The results tables of the latest chain and of the v3.1 run, extracted once (in this process)."""
    from spectui.core.extraction.extract import extract

    folder = tmp_path_factory.mktemp("results")
    tables = {}
    for collection in (LATEST, V31):
        tables[collection] = folder / file_name_for(collection)
        extract(str(demo_repo), collection, tables[collection], workers=1)
    return tables


@pytest.fixture(scope="session")
def latest_results(extracted):
    """The latest chain's results as a DataFrame."""
    from spectui.core.tables.table_io import read_table

    return read_table(extracted[LATEST])


@pytest.fixture
def workdir(tmp_path, monkeypatch, butler) -> Path:
    """A working directory and a config directory of the test's own; every app opens the session's Butler."""
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(config))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr("spectui.core.butler.repo.open_repo", lambda repo: butler)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    return work


@pytest.fixture
def with_results(workdir, extracted) -> Path:
    """The working directory holding the latest chain's results under the name the screens look for."""
    target = workdir / file_name_for(LATEST)
    target.write_bytes(extracted[LATEST].read_bytes())
    return target


def app_on(collection: str | None = LATEST, repo: str = "repo") -> SpectuiApp:
    """The app with a current collection (the repository is the session's Butler whatever `repo` says)."""
    return SpectuiApp(repo=repo, collection=collection)


async def open_screen(pilot, key: str, ready) -> object:
    """Press a screen's key on the exposures table (go there directly without a collection); the screen."""
    app = pilot.app
    if app.collection:
        await open_exposures(pilot)
        await pilot.press(key)
    else:
        app.show_screen(next(entry.name for entry in SCREENS if entry.key == key))
    await wait_for(pilot, lambda: ready(pilot.app.screen))
    await settle(pilot)
    return pilot.app.screen


async def steady(pilot) -> None:
    """Before a snapshot: workers done, no notification, and tables measured after their last rows."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause(0.3)
    await pilot.pause()


def label_text(screen, selector: str) -> str:
    """The text a label shows."""
    return str(screen.query_one(selector).render())
