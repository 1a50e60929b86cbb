"""A view's row as fields (values in full, in the view's order), and the view's cut and added columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spectui.core.errors import BadInput
from spectui.core.tables.row_fields import row_fields, value_text, view_row_label
from spectui.core.tables.views import MISSING_LABEL, TableView

LONG_ERROR = "cannot read the FitParameters JSON: " + "unexpected token after the value " * 8


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [2025010700003, 2025010700001, 2025010700002],
        "D2CCD": [187.123456789012, np.nan, 186.9],
        "DATE-OBS": pd.to_datetime(["2025-01-08T03:00:07.25Z"] * 3),
        "status": ["failed", "ok", "ok"],
        "error": [LONG_ERROR, None, ""],
        "good": [True, False, True],
    })


def test_every_field_of_the_row_in_full_with_kind_and_meaning(frame):
    view = TableView(frame)
    view.hide_column("error")
    fields = {field.name: field for field in row_fields(view, 0)}
    assert list(fields) == list(frame.columns)
    assert fields["error"].value == LONG_ERROR
    assert fields["D2CCD"].value == "187.123456789012" and fields["D2CCD"].kind == "number"
    assert fields["D2CCD"].meaning == "disperser–CCD distance, mm"
    assert fields["DATE-OBS"].value == "2025-01-08T03:00:07.250000+00:00" and fields["DATE-OBS"].kind == "time"
    assert fields["id"].value == "2025010700003" and fields["id"].kind == "integer"
    assert fields["good"].value == "true" and fields["good"].kind == "true/false"


def test_rows_follow_the_filtered_sorted_view_and_notes_replace_meanings(frame):
    view = TableView(frame)
    view.set_filter("status == 'ok'")
    view.sort_by("id")
    first = {field.name: field for field in row_fields(view, 0, {"D2CCD": "derived: x"})}
    assert first["id"].value == "2025010700001" and first["D2CCD"].value == MISSING_LABEL
    assert first["D2CCD"].meaning == "derived: x"
    assert view_row_label(view, 1) == "row 2 of 2 · id 2025010700002"
    with pytest.raises(IndexError):
        row_fields(view, 2)


def test_missing_values_of_every_kind_read_the_same():
    assert {value_text(v) for v in (None, np.nan, pd.NA, pd.NaT)} == {MISSING_LABEL}
    assert value_text(np.int64(7)) == "7" and value_text(np.float32(0.5)) == "0.5"


def test_a_cut_hides_failing_rows_beside_the_filter_and_survives_new_data(frame):
    view = TableView(frame)
    view.set_filter("status == 'ok'")
    view.set_cut("near", lambda f: f["D2CCD"] > 187)
    assert view.row_count == 0 and view.cut_name == "near"
    view.set_filter("")
    assert view.frame()["id"].tolist() == [2025010700003]
    view.replace_base(frame.assign(D2CCD=[1.0, 188.0, 189.0]))
    assert view.frame()["id"].tolist() == [2025010700001, 2025010700002]
    view.set_cut(None)
    assert view.row_count == 3 and view.cut_name is None


def test_an_added_column_follows_the_others_and_a_taken_name_is_refused(frame):
    view = TableView(frame)
    view.sort_by("id")
    view.add_column("twice", frame["D2CCD"] * 2)
    assert view.columns[-1] == "twice"
    assert view.base["twice"].tolist()[2] == pytest.approx(2 * 186.9)
    assert view.frame()["twice"].tolist()[2] == pytest.approx(2 * 187.123456789012)
    with pytest.raises(BadInput, match="has a column 'twice' already"):
        view.add_column("twice", frame["D2CCD"])
