"""The expression language: both syntaxes select the right rows, errors are one clear BadInput line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectui.core.errors import BadInput
from spectui.core.tables.expressions import column_values, parse_expression, row_mask


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    """A small extraction table: header keys, fit columns with spaces and brackets, a UTC DATE-OBS, gaps."""
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "id": 2025010700000 + np.arange(n) * 3,
        "day_obs": pd.array(rng.choice([20241231, 20250101, 20250102, 20250107], n), dtype="Int64"),
        "filter": pd.array(rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n), dtype="string"),
        "physical_filter": rng.choice(["empty~holo4_003", "OG550_65mm_1~holo4_003"], n).astype(object),
        "TARGET": pd.array(rng.choice(["HD38666", "BD-113759", "HD 185975", "Gaia DR3 461"], n), dtype="string"),
        "CHI2_FIT": rng.uniform(5, 80, n),
        "PSF_REG": 10 ** rng.uniform(-6, 0.2, n),
        "D2CCD": rng.uniform(186.4, 187.6, n),
        "PWV [mm]_spectrum": rng.uniform(0, 15, n),
        "PWV [mm]_err_spectrum": rng.uniform(0, 6, n),
        "DATE-OBS": pd.Timestamp("2025-01-07T23:00:00Z") + pd.to_timedelta(rng.uniform(0, 3 * 86400, n), "s"),
        "ok": rng.random(n) < 0.5,
    })
    frame.loc[::17, "CHI2_FIT"] = np.nan
    frame.loc[::23, "filter"] = pd.NA
    return frame


def test_notebook_cut_selects_what_pandas_would(results):
    mask = row_mask(results, "CHI2_FIT<30 & PSF_REG>1e-2 & 186.7<D2CCD<187.4")
    f = results
    expected = (f.CHI2_FIT < 30) & (f.PSF_REG > 1e-2) & (f.D2CCD > 186.7) & (f.D2CCD < 187.4)
    assert mask.dtype == bool and mask.index.equals(results.index)
    assert (mask == expected).all() and 0 < mask.sum() < len(f)


def test_words_and_keywords_with_bare_text_values(results):
    mask = row_mask(results, "filter == OG550_65mm_1 and day_obs > 20250101")
    expected = (results["filter"] == "OG550_65mm_1").fillna(False) & (results["day_obs"] > 20250101)
    assert (mask == expected.astype(bool)).all() and mask.any()
    full = row_mask(results, "physical_filter == OG550_65mm_1~holo4_003 OR TARGET = BD-113759")
    expected = (results.physical_filter == "OG550_65mm_1~holo4_003") | (results.TARGET == "BD-113759")
    assert (full == expected.astype(bool)).all()


def test_backticks_quotes_in_lists_and_negation(results):
    f = results
    assert (row_mask(f, "`PWV [mm]_spectrum` < 10") == (f["PWV [mm]_spectrum"] < 10)).all()
    in_list = row_mask(f, "TARGET in ('HD 185975', HD38666)")
    assert (in_list == f.TARGET.isin(["HD 185975", "HD38666"]).astype(bool)).all()
    assert (row_mask(f, "TARGET not in ('HD 185975', HD38666)") == ~in_list).all()
    assert (row_mask(f, 'TARGET != "HD38666"') == (f.TARGET != "HD38666").astype(bool)).all()
    assert (row_mask(f, "0 < `PWV [mm]_err_spectrum` < 5") == f["PWV [mm]_err_spectrum"].between(
        0, 5, inclusive="neither")).all()


def test_missing_values_never_pass_a_comparison_negated_or_not(results):
    missing = results.CHI2_FIT.isna()
    for text in ("CHI2_FIT < 30", "~(CHI2_FIT < 30)", "not CHI2_FIT >= 30", "CHI2_FIT != 12"):
        assert not row_mask(results, text)[missing].any()
    assert (row_mask(results, "isna(CHI2_FIT)") == missing).all()
    assert (row_mask(results, "CHI2_FIT < 30 or ok") == ((results.CHI2_FIT < 30) | results.ok)).all()


def test_times_arithmetic_and_functions(results):
    f = results
    after = row_mask(f, "DATE-OBS >= 2025-01-09")
    assert (after == (f["DATE-OBS"] >= pd.Timestamp("2025-01-09", tz="UTC"))).all() and after.any()
    quoted = row_mask(f, "`DATE-OBS` < '2025-01-08T12:00:00+00:00'")
    assert (quoted == (f["DATE-OBS"] < pd.Timestamp("2025-01-08T12:00", tz="UTC"))).all()
    assert (row_mask(f, "abs(D2CCD - 187) < 0.2") == ((f.D2CCD - 187).abs() < 0.2)).all()
    assert (row_mask(f, "log10(PSF_REG) > -2") == (np.log10(f.PSF_REG) > -2)).all()
    assert (row_mask(f, "glob(TARGET, 'HD*')") == f.TARGET.str.startswith("HD").astype(bool)).all()
    assert (row_mask(f, "D2CCD-187 > 0.1") == (f.D2CCD - 187 > 0.1)).all()


def test_trigonometry_in_degrees_and_radians_matches_numpy(results):
    angle = results.D2CCD - 186
    for name, ufunc in (("sin", np.sin), ("cos", np.cos), ("tan", np.tan)):
        radians = column_values(results, f"{name}(D2CCD - 186)")
        degrees = column_values(results, f"{name}d(D2CCD - 186)")
        np.testing.assert_allclose(radians, ufunc(angle.to_numpy()))
        np.testing.assert_allclose(degrees, ufunc(np.deg2rad(angle.to_numpy())))
        assert not np.allclose(radians, degrees)
    np.testing.assert_allclose(column_values(results, "1/cos(radians(D2CCD - 186))"),
                               1 / np.cos(angle.to_numpy() * np.pi / 180))
    np.testing.assert_allclose(column_values(results, "degrees(radians(D2CCD))"), results.D2CCD)
    np.testing.assert_allclose(column_values(results, "degrees(1)"), np.full(len(results), 180 / np.pi))


def test_number_functions_clip_and_where_match_numpy(results):
    chi2 = results.CHI2_FIT.to_numpy()
    np.testing.assert_allclose(column_values(results, "sqrt(CHI2_FIT) + log10(PSF_REG) - exp(-D2CCD/100)"),
                               np.sqrt(chi2) + np.log10(results.PSF_REG) - np.exp(-results.D2CCD / 100))
    np.testing.assert_allclose(column_values(results, "abs(30 - CHI2_FIT)"), np.abs(30 - chi2))
    np.testing.assert_allclose(column_values(results, "clip(CHI2_FIT, 10, 40)"), np.clip(chi2, 10, 40))
    picked = column_values(results, "where(CHI2_FIT < 30, CHI2_FIT, -1)")
    np.testing.assert_allclose(picked, np.where(chi2 < 30, chi2, np.where(np.isnan(chi2), np.nan, -1)))
    assert picked.isna().sum() == np.isnan(chi2).sum() > 0 and picked.index.equals(results.index)
    assert row_mask(results, "where(ok, D2CCD, 0) > 1").sum() == results.ok.sum()


def test_median_by_gives_each_row_its_group_median():
    frame = pd.DataFrame({"x": [1.0, 3.0, 8.0, 10.0, 20.0, np.nan, 4.0],
                          "FILTER": pd.array(["a", "a", "a", "b", "b", "b", None], dtype="string")})
    medians = column_values(frame, "median_by(x, FILTER)")
    np.testing.assert_allclose(medians, [3.0, 3.0, 3.0, 15.0, 15.0, 15.0, np.nan])
    np.testing.assert_allclose(column_values(frame, "x / median_by(x, FILTER)"),
                               [1 / 3, 1.0, 8 / 3, 10 / 15, 20 / 15, np.nan, np.nan])
    assert row_mask(frame, "x > median_by(x, FILTER)").tolist() == [False, False, True, False, True, False, False]


def test_hours_since_times_dates_and_iso_text(results):
    hours = column_values(results, "hours_since(DATE-OBS, 2025-01-07T23:00:00Z)")
    expected = (results["DATE-OBS"] - pd.Timestamp("2025-01-07T23:00:00Z")) / pd.Timedelta(hours=1)
    np.testing.assert_allclose(hours, expected)
    assert 0 <= hours.min() and hours.max() <= 72
    text = pd.DataFrame({"t": ["2025-01-07T01:30:00", "nonsense", None]})
    assert column_values(text, "hours_since(t, '2025-01-07')").tolist()[0] == 1.5
    assert column_values(text, "hours_since(t, '2025-01-07')").isna().tolist() == [False, True, True]


def test_column_values_keep_kinds(results):
    assert column_values(results, "CHI2_FIT < 30").dtype == "boolean"
    assert column_values(results, "D2CCD * 2").dtype == "float64"
    assert column_values(results, "DATE-OBS").equals(results["DATE-OBS"].dt.tz_convert("UTC").astype(
        "datetime64[ns, UTC]"))


@pytest.mark.parametrize(("text", "words"), [
    ("cosine(D2CCD)", ["unknown function 'cosine'", "cosd", "median_by", "hours_since"]),
    ("sind(D2CCD, 2)", ["sind() takes 1 argument"]),
    ("clip(D2CCD, 1)", ["clip() takes 3 arguments"]),
    ("sqrt(TARGET)", ["sqrt() needs numbers, but TARGET is text"]),
    ("where(D2CCD, 1, 2)", ["D2CCD is number, not true/false"]),
    ("median_by(D2CCD, 3)", ["median_by() groups by a column"]),
    ("median_by(D2CCD, FILTRE)", ["unknown column 'FILTRE'"]),
    ("hours_since(D2CCD, 2025-01-07)", ["hours_since() needs times, but D2CCD is number"]),
    ("hours_since(DATE-OBS, 'noon')", ["'noon' is not a date or time"]),
])
def test_function_errors_are_one_clear_line(results, text, words):
    with pytest.raises(BadInput) as info:
        column_values(results, text)
    assert "\n" not in info.value.message and info.value.message.startswith("bad expression")
    for word in words:
        assert word in info.value.message


def test_blank_text_selects_everything(results):
    assert row_mask(results, "  ").all() and len(row_mask(results, "")) == len(results)


@pytest.mark.parametrize(("text", "words"), [
    ("CHI2_FTI < 30", ["unknown column 'CHI2_FTI'", "did you mean CHI2_FIT", "position 1"]),
    ("chi2_fit<30 & PSF_REG>1e-2", ["unknown column 'chi2_fit'", "CHI2_FIT"]),
    ("CHI2_FIT<30 & `PWV [mm]_spectrun` < 3", ["unknown column 'PWV [mm]_spectrun'", "PWV [mm]_spectrum"]),
    ("day_obs > yesterday", ["unknown column 'yesterday'"]),
    ("CHI2_FIT < 30 &", ["end of the expression", "position 16"]),
    ("(CHI2_FIT < 30", ["expected ')'"]),
    ("CHI2_FIT < 30 D2CCD > 1", ["unexpected 'D2CCD'", "and/or"]),
    ("CHI2_FIT $ 3", ["unexpected character '$'", "position 10"]),
    ("TARGET == 'HD", ["unterminated string"]),
    ("filter > 3", ["cannot compare filter (text) with 3 (number)", "quote"]),
    ("DATE-OBS > 20250101", ["cannot compare DATE-OBS (time)"]),
    ("DATE-OBS > 'soon'", ["'soon' is not a date or time"]),
    ("CHI2_FIT", ["CHI2_FIT is number, not true/false"]),
    ("__import__('os')", ["unknown function '__import__'"]),
    ("__import__('os').system('x')", ["unexpected character '.'"]),
    ("CHI2_FIT.__class__ == 1", ["unknown column"]),
    ("(" * 80 + "ok" + ")" * 80, ["nested more than"]),
])
def test_errors_are_one_clear_line(results, text, words):
    with pytest.raises(BadInput) as info:
        row_mask(results, text)
    message = info.value.message
    assert "\n" not in message and message.startswith("bad expression")
    for word in words:
        assert word in message


def test_parse_expression_validates_early_against_names_or_dtypes(results):
    expression = parse_expression("CHI2_FIT<30 & filter == empty", ["CHI2_FIT", "filter"])
    assert expression.names == {"CHI2_FIT", "filter", "empty"}
    assert (expression.mask(results) == row_mask(results, expression.text)).all()
    with pytest.raises(BadInput, match="unknown column 'CHI2'; did you mean CHI2_FIT"):
        parse_expression("CHI2 < 30", ["CHI2_FIT", "filter"])
    with pytest.raises(BadInput, match=r"cannot compare filter \(text\)"):
        parse_expression("filter > 3", results.dtypes)
    with pytest.raises(BadInput, match="expected"):
        parse_expression("CHI2_FIT <")
    assert parse_expression("anything > 3").names == {"anything"}


def test_long_flat_chains_do_not_recurse(results):
    text = " & ".join(["CHI2_FIT > 0"] * 3000)
    assert (row_mask(results, text) == (results.CHI2_FIT > 0)).all()


TOKENS = st.sampled_from([
    "CHI2_FIT", "filter", "`PWV [mm]_spectrum`", "DATE-OBS", "TARGET", "ok", "nope", "<", "<=", "==", "!=", ">",
    "=", "&", "|", "~", "and", "or", "not", "in", "(", ")", "[", "]", ",", "+", "-", "*", "/", "30", "1e-2",
    "1e999", "99999999999999999999999", ".5", "'HD38666'", '"x', "`", "2025-01-08", "abs(", "log10(", "glob(",
    "isna(", "sind(", "median_by(", "where(", "hours_since(", "clip(", "empty", "OG550_65mm_1~holo4_003", "true", "$", "!", "'", "0",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TOKENS, max_size=14).map(" ".join))
def test_token_soup_raises_only_bad_input(results, text):
    try:
        mask = row_mask(results, text)
    except BadInput as exc:
        assert "\n" not in exc.message
    else:
        assert mask.dtype == bool and len(mask) == len(results)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_arbitrary_text_raises_only_bad_input(results, text):
    try:
        row_mask(results, text)
        parse_expression(text, list(results.columns))
    except BadInput:
        pass
