"""Per-filter range cuts: kept rows as the notebooks kept them, saved with the cut, refused when they cannot apply."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis.cut_ranges import (
    check_ranges,
    notebook_column,
    ranges_mask,
    spectui_column,
)
from spectui.core.analysis.cuts import add_cut, get_cut, load_cuts, selection_mask
from spectui.core.errors import BadInput

FILTERS = ("empty", "BG40_65mm_1", "OG550_65mm_1", "FELH0600")
RANGES = {"D_CCD [mm]_spectrogram": {"empty": (186.5, 188.0), "BG40_65mm_1": (186.0, 187.5),
                                     "OG550_65mm_1": (186.2, None)},
          "TRACE_R": {"BG40_65mm_1": (15.0, 40.0), "empty~holo4_003": (50.0, 75.0)}}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 800
    filt = rng.choice(FILTERS, n)
    disperser = rng.choice(["holo4_003", "holo4_001"], n)
    dccd = rng.normal(187.0, 0.8, n)
    dccd[::37] = np.nan
    return pd.DataFrame({"FILTER": filt, "ex_physical_filter": [f"{f}~{d}" for f, d in zip(filt, disperser)],
                         "D_CCD [mm]_spectrogram": dccd, "TRACE_R": rng.uniform(10, 80, n),
                         "CHI2_FIT": rng.uniform(5, 60, n)})


def by_hand(table: pd.DataFrame) -> pd.Series:
    """RANGES applied with plain pandas, row by row, as the notebooks' apply_cuts reads them."""
    keep = []
    for _, row in table.iterrows():
        ok = True
        d = row["D_CCD [mm]_spectrogram"]
        if row["FILTER"] == "empty":
            ok &= 186.5 <= d <= 188.0
        elif row["FILTER"] == "BG40_65mm_1":
            ok &= 186.0 <= d <= 187.5 and 15.0 <= row["TRACE_R"] <= 40.0
        elif row["FILTER"] == "OG550_65mm_1":
            ok &= d >= 186.2
        if row["ex_physical_filter"] == "empty~holo4_003":
            ok &= 50.0 <= row["TRACE_R"] <= 75.0
        keep.append(bool(ok))
    return pd.Series(keep, index=table.index)


def test_rows_are_kept_per_filter_as_the_notebooks_did(table):
    mask = ranges_mask(table, check_ranges(RANGES))
    expected = by_hand(table)
    assert (mask == expected).all()
    assert mask[table["FILTER"] == "FELH0600"].all(), "a filter without a range passes"
    assert not mask[table["D_CCD [mm]_spectrogram"].isna() & (table["FILTER"] != "FELH0600")].any()
    for filt in FILTERS[:3]:
        rows = table["FILTER"] == filt
        assert 0 < mask[rows].sum() < rows.sum()


def test_a_legacy_table_is_cut_on_its_notebook_columns(table):
    legacy = table.rename(columns={"D_CCD [mm]_spectrogram": "D_CCD [mm]_x"})
    assert (ranges_mask(legacy, check_ranges(RANGES)) == by_hand(table)).all()


def test_column_names_between_notebooks_and_spectui():
    assert spectui_column("D_CCD [mm]_ram") == "D_CCD [mm]_spectrogram"
    assert spectui_column("PWV [mm]_err_y") == "PWV [mm]_err_spectrum"
    assert spectui_column("alpha_0_2") == "alpha_0_2_spectrogram"
    assert spectui_column("reso [nm]") == "reso [nm]_spectrum"
    assert spectui_column("CHI2_FIT_norm") == "CHI2_FIT_norm"
    for name in ("D_CCD [mm]_rum", "angle [deg]", "alpha_pix [pix]", "TRACE_R", "PWV [mm]_err_ram"):
        assert notebook_column(spectui_column(name)) == name


@pytest.mark.parametrize(("ranges", "message"), [
    ({"TRACE_R": {"empty": {"min": 75, "max": 50}}}, "inverted (min 75 > max 50)"),
    ({"TRACE_R": {"empty": (1, 2), "empty~holo4_003": (0, 3)}}, "overlapping ranges for 'empty'"),
    ({"TRACE_R": {"empty": {"min": "lots"}}}, "must be a number"),
    ({"TRACE_R": {"empty": {"low": 1}}}, "a range has only min and max"),
    ({"TRACE_R": [1, 2]}, "must map filters to ranges"),
    ({"TRACE_R": {"empty": 3}}, "must be {\"min\""),
])
def test_bad_ranges_are_refused_in_one_line(ranges, message):
    with pytest.raises(BadInput) as info:
        check_ranges(ranges)
    assert message in info.value.message and "\n" not in info.value.message


@pytest.mark.parametrize(("ranges", "drop", "message"), [
    ({"TRACE_RR": {"empty": (1, 2)}}, None, "unknown column 'TRACE_RR'; did you mean TRACE_R?"),
    ({"TRACE_R": {"BG40": (1, 2)}}, None, "filter 'BG40' is not in the table's FILTER column (it has BG40_65mm_1"),
    ({"TRACE_R": {"empty~holo4_003": (1, 2)}}, "ex_physical_filter", "names a disperser"),
    ({"TRACE_R": {"empty": (1, 2)}}, ["FILTER", "ex_physical_filter"], "need the filter of each row"),
])
def test_ranges_the_table_cannot_take_are_refused(table, ranges, drop, message):
    with pytest.raises(BadInput) as info:
        ranges_mask(table.drop(columns=drop) if drop else table, check_ranges(ranges))
    assert message in info.value.message


def test_a_saved_cut_keeps_its_ranges_and_old_files_still_load(tmp_path, table):
    store = tmp_path / "cuts.toml"
    store.write_text('[old]\nexpression = "CHI2_FIT < 30"\n')
    add_cut("final", ranges=RANGES, description="team decision", path=store)
    add_cut("both", "CHI2_FIT < 30", ranges=RANGES, path=store)
    saved = load_cuts(store)
    assert saved["old"].expression == "CHI2_FIT < 30" and saved["old"].ranges == {}
    assert saved["final"].ranges == check_ranges(RANGES) and saved["final"].expression == ""
    assert "TRACE_R: BG40_65mm_1 15..40, empty~holo4_003 50..75" in get_cut("final", store).line()
    expected = by_hand(table)
    assert (selection_mask(table, ["final"], path=store) == expected).all()
    both = selection_mask(table, ["both"], path=store)
    assert (both == (expected & (table["CHI2_FIT"] < 30))).all()
    with_where = selection_mask(table, ["final"], where="CHI2_FIT > 20", path=store)
    assert (with_where == (expected & (table["CHI2_FIT"] > 20))).all()


def test_a_cut_needs_an_expression_or_ranges(tmp_path):
    with pytest.raises(BadInput, match="needs an expression"):
        add_cut("nothing", path=tmp_path / "cuts.toml")
    with pytest.raises(BadInput, match="quality cut 'flip': the range of 'TRACE_R' for 'empty' is inverted"):
        add_cut("flip", ranges={"TRACE_R": {"empty": (3, 1)}}, path=tmp_path / "cuts.toml")
    assert load_cuts(tmp_path / "cuts.toml") == {}


def test_bounds_are_included_and_open_bounds_hold_any_value():
    frame = pd.DataFrame({"FILTER": ["empty"] * 5, "TRACE_R": [49.9, 50.0, 75.0, 75.1, np.nan]})
    assert ranges_mask(frame, check_ranges({"TRACE_R": {"empty": (50, 75)}})).tolist() == [
        False, True, True, False, False]
    assert ranges_mask(frame, check_ranges({"TRACE_R": {"empty": (None, 75)}})).tolist() == [
        True, True, True, False, False]
