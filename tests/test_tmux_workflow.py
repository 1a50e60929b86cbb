"""The real `spectui` in tmux: extract the current collection, see the table, then its histogram, regrouped."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_tmux import Terminal

from spectui.core.analysis.result_files import file_name_for
from spectui.core.demo.build import LATEST_CHAIN


@pytest.fixture()
def terminal():
    term = Terminal("workflow", 120, 40)
    yield term
    term.close()


def test_extraction_then_histogram_in_tmux(terminal, demo_repo, tmp_path):
    spectui = Path(sys.executable).parent / "spectui"
    config = tmp_path / "config"
    config.mkdir()
    command = (f"cd {shlex.quote(str(tmp_path))} && env -u COLUMNS -u LINES "
               f"SPECTUI_CONFIG_DIR={shlex.quote(str(config))} {shlex.quote(str(spectui))} "
               f"--repo {shlex.quote(str(demo_repo))} --collection {LATEST_CHAIN}")
    terminal.start(command)
    terminal.wait_until(lambda shown: "spectui · Exposures" in shown and " rows" in shown, "the exposures")

    terminal.type("3")
    output = file_name_for(LATEST_CHAIN)
    shown = terminal.wait_for("enter starts the extraction")
    assert "spectui · Extraction" in shown and output in shown
    terminal.keys("Enter")
    shown = terminal.wait_for("spectui · Results", timeout=120)
    rows = len(pd.read_parquet(tmp_path / output))
    terminal.wait_for(f"{rows:,} of {rows:,} rows")
    assert rows > 500

    terminal.type("5")
    terminal.wait_until(lambda shown: "PWV [mm]_spectrum  ·  histogram  ·  by filter" in shown
                        and "┤" in shown and "OG550_65mm_1 (" in shown, "the histogram by filter")
    terminal.type("g")
    terminal.wait_until(lambda shown: "·  by target  ·" in shown and "(other) (" in shown and "┤" in shown,
                        "the histogram by target")
    terminal.type("t")
    terminal.wait_until(lambda shown: " bin " in shown and "┤" not in shown, "the histogram as a table")

    terminal.keys("C-q")
    deadline = time.monotonic() + 20
    while not terminal.exited():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.2)
