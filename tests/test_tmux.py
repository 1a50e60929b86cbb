"""The real `spectui` command in tmux: it opens, reaches Exposures through the palette, filters, exports."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from spectui.core.butler.exposures import ExposureSelection, query_exposures

FILTER = "filter == OG550_65mm_1 and day_obs > 20250107"


class Terminal:
    """A tmux session of its own (private server socket) running one command."""

    def __init__(self, name: str, width: int, height: int) -> None:
        self.socket = f"spectui-test-{os.getpid()}-{name}"
        self.size = (width, height)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        if done.returncode:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str) -> None:
        width, height = self.size
        self.tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), command)
        self.tmux("set-option", "-t", "main", "remain-on-exit", "on")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def burst(self, before: tuple[str, ...] = (), text: str = "", after: tuple[str, ...] = ()) -> None:
        """Press `before`, type `text`, press `after` in one tmux command: the program reads them at once."""
        commands = [["send-keys", "-t", "main", *before]] if before else []
        if text:
            commands.append(["send-keys", "-t", "main", "-l", text])
        if after:
            commands.append(["send-keys", "-t", "main", *after])
        self.tmux(*[arg for index, command in enumerate(commands) for arg in [";"][:index] + command])

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        return self.wait_until(lambda shown: text in shown, f"{text!r} appears", timeout)

    def wait_until(self, condition, what: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if condition(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw: {what}; the terminal shows:\n{shown}")
            time.sleep(0.1)

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "main", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def spectui_command(folder: Path, *args: str) -> str:
    """A shell command running this environment's `spectui` in `folder` with a configuration of its own there.

    COLUMNS and LINES are dropped: set by the test process, they would override the terminal's real size.
    """
    spectui = Path(sys.executable).parent / "spectui"
    config = folder / "config"
    config.mkdir(exist_ok=True)
    command = " ".join(shlex.quote(part) for part in (str(spectui), *args))
    return (f"cd {shlex.quote(str(folder))} && "
            f"env -u COLUMNS -u LINES SPECTUI_CONFIG_DIR={shlex.quote(str(config))} {command}")


@pytest.fixture()
def terminal():
    term = Terminal("tui", 120, 40)
    yield term
    term.close()


def test_spectui_in_tmux_filters_and_exports(terminal, demo_repo, butler, tmp_path):
    science = query_exposures(butler, ExposureSelection())
    kept = science[(science["filter"] == "OG550_65mm_1") & (science["day_obs"] > 20250107)]
    terminal.start(spectui_command(tmp_path, "--repo", str(demo_repo)))
    terminal.wait_for("collections match *")
    assert "spectui · Collections" in terminal.screen()

    terminal.keys("C-p")
    terminal.wait_for("Search for commands")
    terminal.type("expo")
    terminal.wait_for("Browse, filter and export")
    terminal.keys("Enter")
    shown = terminal.wait_for(f"{len(science)} of {len(science)} rows")
    assert "spectui · Exposures" in shown and str(science["id"].iloc[0]) in shown

    terminal.type("|")
    terminal.wait_for("| filter:")
    terminal.type(FILTER)
    terminal.keys("Enter")
    shown = terminal.wait_for(f"{len(kept)} of {len(science)} rows")
    assert f"filter: {FILTER}" in shown and str(kept["id"].iloc[0]) in shown

    terminal.keys("C-e")
    terminal.wait_for("exposures.csv")
    terminal.keys("C-u")
    terminal.wait_until(lambda shown: "exposures.csv" not in shown, "the file name is cleared")
    terminal.type("kept.parquet")
    terminal.keys("Enter")
    terminal.wait_for("Wrote")
    written = pd.read_parquet(tmp_path / "kept.parquet")
    assert written["id"].tolist() == kept["id"].tolist()
    assert list(written.columns) == list(science.columns)
    assert "Wrote" in terminal.screen() and "kept.parquet" in terminal.screen()

    terminal.keys("C-q")
    deadline = time.monotonic() + 20
    while not terminal.exited():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.2)
