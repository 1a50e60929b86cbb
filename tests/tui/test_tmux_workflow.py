"""The real `spectui` in tmux: extract the current collection, see the table, then its histogram, regrouped."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from terminal import Terminal, spectui_command

from spectui.core.analysis.result_files import file_name_for
from spectui.core.butler import exposure_cache
from spectui.core.butler.exposures import ExposureSelection, query_exposures
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


def test_second_launch_selects_filters_a_pasted_expression_and_exports_in_tmux(terminal, demo_repo, butler,
                                                                                tmp_path, monkeypatch):
    """On the launch showing the saved list: s selects, a pasted filter and Enter filter, ctrl+e exports."""
    science = query_exposures(butler, ExposureSelection())
    kept = int((science["day_obs"] > 0).sum())
    everything = f"{len(science):,} of {len(science):,} rows"
    data = tmp_path / "data"
    monkeypatch.setenv("SPECTUI_DATA_DIR", str(data))
    command = f"export SPECTUI_DATA_DIR={shlex.quote(str(data))}; " + spectui_command(
        tmp_path, "--repo", str(demo_repo), "--collection", LATEST_CHAIN)
    first = Terminal("first-launch", 120, 40)
    try:
        first.start(command)
        first.wait_until(lambda shown: everything in shown and "not yet refreshed" not in shown,
                         "the Butler's answer")
        first.wait_until(lambda _: exposure_cache.load_saved(str(demo_repo), ExposureSelection()),
                         "the list saved for the next launch")
        first.keys("C-q")
        first.wait_until(lambda _: first.exited(), "spectui quits")
    finally:
        first.close()

    terminal.start(command)
    terminal.wait_until(lambda shown: str(science["id"].iloc[0]) in shown and "not yet refreshed" in shown,
                        "the saved list")
    terminal.wait_until(lambda shown: everything in shown and "not yet refreshed" not in shown,
                        "the Butler's answer")
    terminal.type("s")
    terminal.wait_for(f"{everything} · 1 selected")
    terminal.burst(text="|day_obs > 0", after=("Enter",))
    status = f"{kept:,} of {len(science):,} rows · 1 selected  ·  filter: day_obs > 0"
    terminal.wait_until(lambda shown: status in shown and "| filter:" not in shown,
                        "the filtered count, the filter bar closed")

    terminal.keys("C-e")
    terminal.wait_for("exposures.csv")
    terminal.keys("Enter")
    terminal.wait_for("Wrote")
    written = pd.read_csv(tmp_path / "exposures.csv")
    assert len(written) == kept and written["id"].tolist() == science["id"].tolist()

    terminal.keys("C-q")
    terminal.wait_until(lambda _: terminal.exited(), "spectui quits")
