"""Derived columns: saved in order in the config dir, added to tables in that order, errors naming the column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_support import LATEST, extracted, latest_results  # noqa: F401

from spectui.core.analysis.cuts import add_cut, selection_mask
from spectui.core.analysis.derived_columns import (
    DerivedColumn,
    add_derived_column,
    add_derived_columns,
    derived_values,
    load_derived_columns,
    read_results,
    remove_derived_column,
    with_derived_columns,
)
from spectui.core.errors import BadInput


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "FILTER": pd.array(["empty", "empty", "OG550_65mm_1", "OG550_65mm_1"], dtype="string"),
        "zenith_angle": [0.0, 60.0, 45.0, np.nan],
        "PWV [mm]_spectrum": [4.0, 5.0, 6.5, 3.0],
        "PWV [mm]_spectrogram": [3.5, 5.5, 6.0, 3.0],
    })


def test_columns_are_added_in_saved_order_and_later_ones_use_earlier_ones(table):
    add_derived_column("zz_airmass", "1/cosd(zenith_angle)")
    add_derived_column("PWV_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    add_derived_column("a_pwv_per_airmass", "`PWV [mm]_spectrum` / zz_airmass", "PWV at zenith")
    assert list(load_derived_columns()) == ["zz_airmass", "PWV_diff", "a_pwv_per_airmass"]
    assert load_derived_columns()["a_pwv_per_airmass"].description == "PWV at zenith"
    out = with_derived_columns(table)
    assert list(out.columns) == [*table.columns, "zz_airmass", "PWV_diff", "a_pwv_per_airmass"]
    assert list(table.columns) == ["FILTER", "zenith_angle", "PWV [mm]_spectrum", "PWV [mm]_spectrogram"]
    airmass = 1 / np.cos(np.deg2rad(table.zenith_angle))
    np.testing.assert_allclose(out.zz_airmass, airmass)
    np.testing.assert_allclose(out.PWV_diff, [0.5, -0.5, 0.5, 0.0])
    np.testing.assert_allclose(out.a_pwv_per_airmass, table["PWV [mm]_spectrum"] / airmass)
    add_derived_column("zz_airmass", "1/cos(radians(zenith_angle))", replace=True)
    assert list(load_derived_columns()) == ["zz_airmass", "PWV_diff", "a_pwv_per_airmass"]
    assert remove_derived_column("PWV_diff").expression.startswith("`PWV [mm]_spectrum`")
    assert list(load_derived_columns()) == ["zz_airmass", "a_pwv_per_airmass"]


def test_cuts_and_where_see_derived_columns(table):
    add_derived_column("PWV_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    add_cut("agree", "abs(PWV_diff) < 0.2")
    out = with_derived_columns(table)
    assert selection_mask(out, ["agree"]).tolist() == [False, False, False, True]
    assert selection_mask(out, where="PWV_diff > 0").tolist() == [True, False, True, False]


def test_saving_checks_name_syntax_and_duplicates():
    with pytest.raises(BadInput, match="bad derived column name 'two words'"):
        add_derived_column("two words", "1")
    with pytest.raises(BadInput, match=r"bad expression '1/cosd\(zenith_angle' .*expected"):
        add_derived_column("airmass", "1/cosd(zenith_angle")
    with pytest.raises(BadInput, match="unknown function 'cosdeg'"):
        add_derived_column("airmass", "1/cosdeg(zenith_angle)")
    with pytest.raises(BadInput, match="needs an expression"):
        add_derived_column("airmass", "  ")
    add_derived_column("airmass", "1/cosd(zenith_angle)")
    with pytest.raises(BadInput, match=r"derived column named 'airmass' exists \(1/cosd\(zenith_angle\)\); "
                                       "pass --replace"):
        add_derived_column("airmass", "2")
    with pytest.raises(BadInput, match="no derived column named 'airmas'; did you mean airmass?"):
        remove_derived_column("airmas")
    assert load_derived_columns() == {"airmass": DerivedColumn("airmass", "1/cosd(zenith_angle)")}


def test_errors_on_a_table_name_the_derived_column(table):
    wrong_kind = DerivedColumn("bad", "sqrt(FILTER)")
    with pytest.raises(BadInput, match=r"^derived column 'bad': bad expression 'sqrt\(FILTER\)'.*FILTER is text"):
        add_derived_columns(table, [wrong_kind])
    with pytest.raises(BadInput, match="derived column 'bad': .*needs numbers"):
        add_derived_columns(table, [wrong_kind], lenient=True)
    absent = DerivedColumn("am", "1/cosd(zenith)")
    with pytest.raises(BadInput, match="derived column 'am': .*unknown column 'zenith'; did you mean zenith_angle"):
        add_derived_columns(table, [absent])
    assert list(add_derived_columns(table, [absent], lenient=True).columns) == list(table.columns)
    clash = DerivedColumn("FILTER", "1")
    with pytest.raises(BadInput, match="derived column 'FILTER': the table has a column of that name"):
        add_derived_columns(table, [clash])
    assert add_derived_columns(table, [clash], lenient=True)["FILTER"].equals(table.FILTER)


def test_checking_one_before_saving_uses_the_saved_ones(table):
    add_derived_column("airmass", "1/cosd(zenith_angle)")
    values = derived_values(table, DerivedColumn("x", "airmass * 2"))
    np.testing.assert_allclose(values, 2 / np.cos(np.deg2rad(table.zenith_angle)))
    replaced = derived_values(table, DerivedColumn("airmass", "zenith_angle + 1"))
    np.testing.assert_allclose(replaced, table.zenith_angle + 1)


def test_demo_results_read_for_analysis_carry_the_derived_columns(extracted, latest_results):  # noqa: F811
    add_derived_column("PWV_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    add_derived_column("PWV_norm", "`PWV [mm]_spectrum` / median_by(`PWV [mm]_spectrum`, FILTER)")
    add_derived_column("airmass", "1/cos(radians(ex_zenith_angle))")
    frame = read_results(extracted[LATEST])
    spectrum, spectrogram = latest_results["PWV [mm]_spectrum"], latest_results["PWV [mm]_spectrogram"]
    np.testing.assert_allclose(frame.PWV_diff, spectrum - spectrogram)
    medians = spectrum.groupby(latest_results.FILTER).transform("median")
    np.testing.assert_allclose(frame.PWV_norm, spectrum / medians)
    assert frame.PWV_diff.notna().sum() > 100 and "airmass" not in frame.columns
