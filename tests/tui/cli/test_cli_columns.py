"""`spectui columns`: derived columns saved, listed, removed, and used by stats, --rows and cuts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def results(tmp_path):
    """A merged results table with the columns the README's examples use."""
    rng = np.random.default_rng(7)
    n = 120
    frame = pd.DataFrame({
        "id": 2025010700000 + np.arange(n),
        "FILTER": rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n),
        "DATE-OBS": pd.Timestamp("2025-01-07T23:00:00Z") + pd.to_timedelta(np.arange(n) * 300, "s"),
        "ex_zenith_angle": rng.uniform(5, 70, n),
        "PWV [mm]_spectrum": rng.normal(4, 1, n),
        "PWV [mm]_spectrogram": rng.normal(4, 1, n),
    })
    path = tmp_path / "merged.parquet"
    frame.to_parquet(path)
    return path, frame


def _median_line(result, name: str) -> float:
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{name}: median ")
    return float(first.split()[2].rstrip(","))


def test_add_list_replace_remove():
    assert run("columns", "list").stdout == "" and "no derived column" in run("columns", "list").stderr
    added = run("columns", "add", "airmass", "1/cos(radians(ex_zenith_angle))", "-d", "from the zenith angle")
    assert added.exit_code == 0 and "saved derived column 'airmass'" in added.stderr
    assert run("columns", "add", "PWV_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`").exit_code == 0
    assert run("columns", "list").stdout.splitlines() == [
        "airmass\t1/cos(radians(ex_zenith_angle))\t# from the zenith angle",
        "PWV_diff\t`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`"]
    assert_one_line_error(run("columns", "add", "airmass", "1/cosd(ex_zenith_angle)"),
                          "a derived column named 'airmass' exists (1/cos(radians(ex_zenith_angle))); pass --replace")
    assert run("columns", "add", "airmass", "1/cosd(ex_zenith_angle)", "--replace").exit_code == 0
    assert run("columns", "list").stdout.splitlines()[0] == "airmass\t1/cosd(ex_zenith_angle)"
    assert "removed derived column 'airmass'" in run("columns", "remove", "airmass").stderr
    assert run("columns", "list").stdout.splitlines() == ["PWV_diff\t`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`"]


@pytest.mark.parametrize(("args", "pattern"), [
    (("add", "airmass", "1/cos(radians(ex_zenith_angle)"), "bad expression '1/cos(radians(ex_zenith_angle)'"),
    (("add", "airmass", "1/cosine(ex_zenith_angle)"), "unknown function 'cosine' (functions: abs, clip, cos, cosd"),
    (("add", "airmass", "sin(1, 2)"), "sin() takes 1 argument"),
    (("add", "two words", "1"), "bad derived column name 'two words'"),
    (("add", "airmass", " "), "a derived column needs an expression"),
    (("remove", "nothing"), "no derived column named 'nothing'"),
    (("add",), "Missing argument 'NAME'"),
])
def test_mistakes_are_one_line(args, pattern):
    assert_one_line_error(run("columns", *args), pattern)
    assert run("columns", "list").stdout == ""


def test_check_computes_the_column_on_a_file_first(results):
    path, frame = results
    checked = run("columns", "add", "airmass", "1/cosd(ex_zenith_angle)", "--check", str(path))
    assert checked.exit_code == 0 and f"{len(frame)} of {len(frame)} rows have a value" in checked.stderr
    assert_one_line_error(run("columns", "add", "am", "1/cosd(zenith_angle)", "--check", str(path)),
                          "derived column 'am': bad expression '1/cosd(zenith_angle)' (position 8): "
                          "unknown column 'zenith_angle'; did you mean ex_zenith_angle?")
    assert_one_line_error(run("columns", "add", "odd", "sqrt(FILTER)", "--check", str(path)),
                          "derived column 'odd': bad expression 'sqrt(FILTER)' (position 6): sqrt() needs numbers")
    assert run("columns", "list").stdout.splitlines() == ["airmass\t1/cosd(ex_zenith_angle)"]


def test_stats_rows_and_cuts_use_derived_columns(results):
    path, frame = results
    run("columns", "add", "airmass", "1/cos(radians(ex_zenith_angle))")
    run("columns", "add", "PWV_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    run("columns", "add", "hours", "hours_since(DATE-OBS, 2025-01-07T23:00:00Z)")
    airmass = 1 / np.cos(np.deg2rad(frame.ex_zenith_angle))
    diff = frame["PWV [mm]_spectrum"] - frame["PWV [mm]_spectrogram"]
    assert _median_line(run("stats", str(path), "-C", "airmass"), "airmass") == pytest.approx(
        np.median(airmass), rel=1e-3)
    assert _median_line(run("stats", str(path), "-C", "hours", "--bins", "3"), "hours") == pytest.approx(
        np.median(np.arange(len(frame)) * 300 / 3600), rel=1e-3)
    low = run("stats", str(path), "-C", "PWV_diff", "--rows", "airmass < 1.5")
    assert f"{int((airmass < 1.5).sum())} of {len(frame)} rows pass" in low.stderr
    assert _median_line(low, "PWV_diff") == pytest.approx(np.median(diff[airmass < 1.5]), rel=1e-3)
    assert run("cuts", "add", "agree", "abs(PWV_diff) < 0.5 and airmass < 2", "--check", str(path)).exit_code == 0
    passing = int(((diff.abs() < 0.5) & (airmass < 2)).sum())
    cut = run("stats", str(path), "-C", "airmass", "--cut", "agree")
    assert f"{passing} of {len(frame)} rows pass" in cut.stderr and cut.exit_code == 0
    by_filter = run("stats", str(path), "-C", "PWV_diff", "--by", "FILTER")
    assert by_filter.exit_code == 0 and "OG550_65mm_1" in by_filter.stdout


def test_a_derived_column_without_its_inputs_is_left_out_of_that_table(results):
    path, _ = results
    run("columns", "add", "tilt", "sind(ex_azimuth)")
    run("columns", "add", "PWV_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    assert run("stats", str(path), "-C", "PWV_diff").exit_code == 0
    assert_one_line_error(run("stats", str(path), "-C", "tilt"), "unknown column 'tilt'")
    run("columns", "add", "broken", "sqrt(FILTER)")
    assert_one_line_error(run("stats", str(path), "-C", "PWV_diff"),
                          "derived column 'broken': bad expression 'sqrt(FILTER)'")
