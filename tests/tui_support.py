"""Helpers for the TUI tests: own directories, a shared Butler, waiting for the app, reading what it shows."""

from __future__ import annotations

import time

import pytest

PAUSE = 0.02


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """Configuration and data directories of the test's own (themes, keymap, runs, saved lists)."""
    directory = tmp_path / "config"
    directory.mkdir()
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(directory))
    monkeypatch.setenv("SPECTUI_DATA_DIR", str(tmp_path / "data"))
    return directory


@pytest.fixture(autouse=True)
def shared_butler(butler, monkeypatch):
    """Every app opens the session's Butler instead of its own (opening one costs a second)."""
    monkeypatch.setattr("spectui.core.butler.repo.open_repo", lambda repo: butler)


async def wait_for(pilot, condition, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds (a failed test rather than a hang if it never does)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the app never got there: {condition.__doc__ or condition}; the screen shows:\n"
                                 f"{screen_text(pilot.app)}")
        await pilot.pause(PAUSE)


async def settle(pilot, timeout: float = 60.0) -> None:
    """Wait for every worker to finish (failed ones included) and the screen to catch up."""
    await wait_for(pilot, lambda: all(worker.is_finished for worker in pilot.app.workers), timeout)
    await pilot.pause()


async def open_exposures(pilot):
    """Go to the exposures screen and wait until its table is shown; the screen."""
    app = pilot.app
    app.show_screen("exposures")
    await wait_for(pilot, lambda: getattr(app.screen, "table", None) is not None)
    await settle(pilot)
    return app.screen


def notifications(app) -> list[str]:
    """The messages of the notifications currently shown."""
    return [n.message for n in app._notifications]


def screen_text(app) -> str:
    """The visible text of the current screen (what a terminal would show, without colours)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
