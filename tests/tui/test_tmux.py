"""The real `spectui` command in tmux: it opens, reaches Exposures through the palette, filters, exports."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from terminal import Terminal, spectui_command

from spectui.core.butler.exposures import ExposureSelection, query_exposures

pytestmark = pytest.mark.both_registries

FILTER = "filter == OG550_65mm_1 and day_obs > 20250107"


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
