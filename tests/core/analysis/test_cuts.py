"""Saved quality cuts: add, list, replace, remove, apply; every mistake is one clear line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.analysis.cuts import add_cut, cuts_path, get_cut, load_cuts, remove_cut, selection_mask
from spectui.core.errors import BadInput
from spectui.core.tables.expressions import row_mask

NOTEBOOK_CUT = "CHI2_FIT<30 & PSF_REG>1e-2 & 186.7<D2CCD<187.4"


@pytest.fixture
def store(tmp_path):
    return tmp_path / "cuts.toml"


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 500
    return pd.DataFrame({"CHI2_FIT": rng.uniform(5, 80, n), "PSF_REG": 10 ** rng.uniform(-6, 0, n),
                         "D2CCD": rng.uniform(186.4, 187.6, n), "FILTER": rng.choice(["empty", "OG550_65mm_1"], n)})


def test_cuts_live_in_the_config_dir():
    from spectui.core.config import config_dir

    assert cuts_path().parent == config_dir()


def test_add_list_replace_remove(store):
    add_cut("notebook", NOTEBOOK_CUT, "EXTR notebooks, never applied there", path=store)
    add_cut("red", "FILTER == OG550_65mm_1", path=store)
    saved = load_cuts(store)
    assert list(saved) == ["notebook", "red"] and saved["notebook"].expression == NOTEBOOK_CUT
    assert saved["notebook"].description.startswith("EXTR")
    with pytest.raises(BadInput, match="exists .*--replace"):
        add_cut("red", "FILTER == empty", path=store)
    add_cut("red", "FILTER == empty", replace=True, path=store)
    assert get_cut("red", store).expression == "FILTER == empty"
    assert remove_cut("red", store).name == "red" and list(load_cuts(store)) == ["notebook"]
    with pytest.raises(BadInput, match="no quality cut named 'notebok'; did you mean notebook"):
        get_cut("notebok", store)


@pytest.mark.parametrize(("name", "expression", "message"), [
    ("bad name", "x > 1", "bad cut name"),
    ("ok", "   ", "needs an expression"),
    ("ok", "CHI2_FIT < 30 &", "bad expression 'CHI2_FIT < 30 &' (position 16): expected a column"),
    ("ok", "CHI2_FIT <> < 3", "expected a column, number or text, found '<'"),
])
def test_bad_cuts_are_refused(store, name, expression, message):
    with pytest.raises(BadInput) as info:
        add_cut(name, expression, path=store)
    assert message in info.value.message and "\n" not in info.value.message
    assert load_cuts(store) == {}


def test_applying_cuts(store, results):
    add_cut("notebook", NOTEBOOK_CUT, path=store)
    add_cut("red", "FILTER == OG550_65mm_1", path=store)
    mask = selection_mask(results, ["notebook"], path=store)
    assert (mask == row_mask(results, NOTEBOOK_CUT)).all() and 0 < mask.sum() < len(results)
    both = selection_mask(results, ["notebook", "red"], where="CHI2_FIT > 10", path=store)
    expected = mask & (results["FILTER"] == "OG550_65mm_1") & (results["CHI2_FIT"] > 10)
    assert (both == expected).all()
    assert selection_mask(results, path=store).all()


def test_a_cut_naming_a_missing_column_says_which_cut_and_column(store, results):
    add_cut("typo", "CHI2_FTI < 30", path=store)
    with pytest.raises(BadInput) as info:
        selection_mask(results, ["typo"], path=store)
    assert info.value.message.startswith("quality cut 'typo': bad expression")
    assert "unknown column 'CHI2_FTI'; did you mean CHI2_FIT?" in info.value.message


def test_a_broken_cuts_file_is_a_clear_error(store):
    store.write_text("[x]\ndescription = 'no expression'\n")
    with pytest.raises(BadInput, match="'x' .* has no expression"):
        load_cuts(store)
    store.write_text("[x\n")
    with pytest.raises(BadInput, match="cuts.toml is not valid TOML"):
        load_cuts(store)
