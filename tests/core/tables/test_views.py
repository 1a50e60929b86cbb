"""The table view model: filter, sort, hidden columns, selection by key, search, frequency, export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectui.core.errors import BadInput, OutputError
from spectui.core.tables.expressions import row_mask
from spectui.core.tables.views import (
    MISSING_LABEL,
    TableView,
    bar,
    condition_for,
    decimal_places,
    default_export_path,
    quote_column,
    write_export,
)


@pytest.fixture()
def frame() -> pd.DataFrame:
    """A small exposure-like table with gaps, times and a column name that needs quoting."""
    rng = np.random.default_rng(5)
    n = 300
    frame = pd.DataFrame({
        "id": 2025010700000 + np.arange(n),
        "day_obs": pd.array(rng.choice([20250107, 20250108, 20250110], n), dtype="Int64"),
        "filter": pd.array(rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n), dtype="string"),
        "target": pd.array(rng.choice(["HD42525", "HD 185975", "O'Brien [x]"], n), dtype="string"),
        "zenith_angle": rng.uniform(2, 70, n).round(4),
        "time_start": (pd.Timestamp("2025-01-07T23:00:00Z")
                       + pd.to_timedelta(rng.uniform(0, 3 * 86400, n), "s")),
        "PWV [mm]": rng.uniform(0, 10, n),
    })
    frame.loc[::11, "zenith_angle"] = np.nan
    frame.loc[::13, "filter"] = pd.NA
    return frame


def test_counts_filter_and_bad_filter_changes_nothing(frame):
    view = TableView(frame)
    assert view.counts_text() == "300 of 300 rows"
    view.set_filter("filter == OG550_65mm_1 and day_obs > 20250107")
    expected = int(((frame["filter"] == "OG550_65mm_1") & (frame["day_obs"] > 20250107)).fillna(False).sum())
    assert 0 < view.row_count == expected < 300
    assert view.counts_text() == f"{expected} of 300 rows"
    with pytest.raises(BadInput, match="unknown column 'filtr'"):
        view.set_filter("filtr == empty")
    assert view.row_count == expected and view.filter_text.startswith("filter ==")
    view.set_filter("   ")
    assert view.row_count == 300 and view.filter_text == ""


def test_add_condition_narrows_the_filter(frame):
    view = TableView(frame)
    view.set_filter("day_obs == 20250108 or day_obs == 20250110")
    before = view.row_count
    view.add_condition("filter == 'empty'")
    assert view.filter_text == "(day_obs == 20250108 or day_obs == 20250110) and filter == 'empty'"
    assert 0 < view.row_count < before
    assert set(view.frame()["filter"]) == {"empty"}


def test_sort_is_stable_with_missing_values_last(frame):
    view = TableView(frame)
    view.sort_by("zenith_angle")
    values = view.frame()["zenith_angle"]
    present = values.dropna()
    assert present.is_monotonic_increasing and values.isna().sum() == frame["zenith_angle"].isna().sum()
    assert values.iloc[len(present):].isna().all()
    view.sort_by("day_obs", ascending=False)
    shown = view.frame()
    assert shown["day_obs"].is_monotonic_decreasing
    for _, group in shown.groupby("day_obs"):
        assert group["id"].is_monotonic_increasing
    with pytest.raises(BadInput, match="no column 'nope'"):
        view.sort_by("nope")


def test_hide_and_show_columns(frame):
    view = TableView(frame[["id", "day_obs", "filter"]])
    view.hide_column("day_obs")
    assert view.columns == ["id", "filter"] and list(view.frame().columns) == ["id", "filter"]
    view.hide_column("id")
    with pytest.raises(BadInput, match="last visible column"):
        view.hide_column("filter")
    view.show_all_columns()
    assert view.columns == ["id", "day_obs", "filter"]


def test_selection_by_key_survives_filter_and_sort(frame):
    view = TableView(frame)
    view.sort_by("zenith_angle", ascending=False)
    chosen = [view.key_at(0), view.key_at(1), view.key_at(5)]
    view.select_rows([0, 1, 5])
    assert sorted(view.selected_keys()) == sorted(chosen)
    assert view.selected_mask()[[0, 1, 5]].all() and view.selected_mask().sum() == 3
    assert view.keys_text() == ", ".join(str(k) for k in sorted(chosen))
    view.set_filter(f"id != {chosen[0]}")
    assert view.counts_text() == "299 of 300 rows · 3 selected (1 outside the filter)"
    view.select_all(False)
    assert view.selected_keys() == [chosen[0]]
    view.select_all()
    assert view.selected_count == 300


def test_selection_view_export_and_empty_selection(frame, tmp_path):
    view = TableView(frame)
    with pytest.raises(BadInput, match="no row is selected"):
        view.selection_view()
    with pytest.raises(BadInput, match="no row is selected"):
        view.export_frame(selection=True)
    view.hide_column("PWV [mm]")
    view.sort_by("id", ascending=False)
    view.select_rows([0, 2])
    sub = view.selection_view()
    assert sub.total_count == 2 and sub.columns == view.columns
    assert list(sub.frame()["id"]) == sorted(view.selected_keys(), reverse=True)
    path = write_export(view.export_frame(selection=True), tmp_path / "sel.parquet")
    assert path == (tmp_path / "sel.parquet").resolve()
    written = pd.read_parquet(path)
    assert list(written["id"]) == list(sub.frame()["id"]) and "PWV [mm]" not in written.columns


@pytest.mark.parametrize("suffix", ["csv", "parquet", "json"])
def test_export_writes_the_view_in_order(frame, tmp_path, suffix):
    view = TableView(frame)
    view.set_filter("filter == BG40_65mm_1")
    view.sort_by("zenith_angle")
    path = write_export(view.export_frame(), tmp_path / f"view.{suffix}")
    read = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json}[suffix](path)
    assert view.row_count == len(read)
    assert list(read["id"]) == list(view.frame()["id"])


def test_export_refuses_unknown_format_and_missing_directory(frame, tmp_path):
    view = TableView(frame)
    with pytest.raises(BadInput, match="cannot tell the format"):
        write_export(view.export_frame(), tmp_path / "view.xlsx")
    with pytest.raises(OutputError, match="cannot write .*nowhere/view.csv: No such file or directory"):
        write_export(view.export_frame(), tmp_path / "nowhere" / "view.csv")


def test_find_is_case_insensitive_and_wraps(frame):
    view = TableView(frame)
    rows = [i for i in range(300) if "hd 18" in str(frame["target"].iloc[i]).lower()]
    first = view.find("target", "hD 18", start=-1)
    assert first.row == rows[0] and not first.wrapped
    second = view.find("target", "hd 18", start=first.row)
    assert second.row == rows[1]
    wrapped = view.find("target", "hd 18", start=rows[-1])
    assert wrapped.row == rows[0] and wrapped.wrapped
    back = view.find("target", "hd 18", start=rows[0], forward=False)
    assert back.row == rows[-1] and back.wrapped
    assert view.find("target", "[x]", start=-1).row == next(
        i for i in range(300) if "[x]" in str(frame["target"].iloc[i]))
    assert view.find("target", "no such star", start=0) is None


def test_frequency_of_text_counts_most_frequent_first_with_missing(frame):
    freq = TableView(frame).frequency("filter")
    counts = frame["filter"].value_counts()
    assert not freq.binned and freq.total == 300
    assert list(freq.counts[:-1]) == sorted(counts.tolist(), reverse=True)
    assert freq.labels[-1] == MISSING_LABEL and freq.counts[-1] == frame["filter"].isna().sum()
    assert abs(sum(freq.percents) - 100) < 1e-9
    assert list(freq.frame().columns) == ["value", "count", "percent"]


@pytest.mark.parametrize("column", ["filter", "target", "day_obs", "zenith_angle", "time_start", "PWV [mm]"])
def test_each_frequency_row_filters_to_exactly_its_count(frame, column):
    view = TableView(frame)
    view.set_filter("day_obs != 20250110")
    freq = view.frequency(column)
    assert freq.binned == (column in ("zenith_angle", "time_start", "PWV [mm]"))
    assert sum(freq.counts) == view.row_count
    for condition, count in zip(freq.conditions, freq.counts):
        narrowed = TableView(frame)
        narrowed.set_filter("day_obs != 20250110")
        narrowed.add_condition(condition)
        assert narrowed.row_count == count, condition


def test_times_whose_first_is_not_a_whole_float_are_binned_from_it():
    first = pd.Timestamp("2025-01-01", tz="UTC") + pd.Timedelta(200, "ns")
    assert float(first.value) > first.value
    times = pd.Series([first + pd.Timedelta(minutes=i) for i in range(60)], name="DATE-OBS")
    freq = TableView(pd.DataFrame({"id": range(60), "DATE-OBS": times})).frequency("DATE-OBS")
    assert freq.binned and sum(freq.counts) == 60
    assert freq.labels[0].startswith("2025-01-01T00:00:00 – ")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12))
def test_condition_for_any_text_selects_exactly_that_value(text):
    frame = pd.DataFrame({"a column": pd.array([text, text + "x", "other", None], dtype="string")})
    mask = row_mask(frame, condition_for("a column", text))
    assert mask.tolist() == [True, text + "x" == text, text == "other", False]


def test_condition_for_numbers_times_and_missing():
    stamp = pd.Timestamp("2025-01-07T23:07:36.976919552Z")
    frame = pd.DataFrame({"n": [1.25, 2.0, np.nan], "i": pd.array([3, 4, None], dtype="Int64"),
                          "t": [stamp, stamp + pd.Timedelta(1, "ns"), pd.NaT]})
    assert row_mask(frame, condition_for("n", 1.25)).tolist() == [True, False, False]
    assert row_mask(frame, condition_for("i", np.int64(4))).tolist() == [False, True, False]
    assert row_mask(frame, condition_for("t", stamp)).tolist() == [True, False, False]
    assert row_mask(frame, condition_for("n", np.nan)).tolist() == [False, False, True]
    assert quote_column("PWV [mm]") == "`PWV [mm]`" and quote_column("day_obs") == "day_obs"


def test_replace_base_keeps_filter_sort_hidden_and_selected_keys(frame):
    view = TableView(frame)
    view.set_filter("day_obs >= 20250108")
    view.sort_by("zenith_angle")
    view.hide_column("target")
    keep = view.key_at(0)
    view.select_rows([0])
    newer = frame[frame["id"] != frame["id"].iloc[-1]].drop(columns=["PWV [mm]"])
    view.replace_base(newer)
    assert view.total_count == 299 and view.selected_keys() == [keep]
    assert "target" not in view.columns and view.sort_column == "zenith_angle"
    assert set(view.frame()["day_obs"]) <= {20250108, 20250110}
    with pytest.raises(BadInput, match="unknown column"):
        view.set_filter("`PWV [mm]` > 1")


def test_display_helpers(tmp_path):
    assert decimal_places([60682.963622, 60683.1]) == 6
    assert decimal_places([40.0, 30.0]) == 0 and decimal_places([265.71, 1.5]) == 2
    assert decimal_places([1e-7, 2.0]) is None and decimal_places([np.nan]) == 0
    assert bar(1.0, 4) == "████" and bar(0.0, 3) == "   " and bar(0.5, 3) == "█▌ "
    assert default_export_path(tmp_path, "exposures") == tmp_path / "exposures.csv"
    (tmp_path / "exposures.csv").write_text("")
    (tmp_path / "exposures-2.csv").write_text("")
    assert default_export_path(tmp_path, "exposures") == tmp_path / "exposures-3.csv"


def test_key_column_is_required():
    with pytest.raises(BadInput, match="no 'id' column"):
        TableView(pd.DataFrame({"x": [1]}))


def test_selection_works_after_new_data_from_arrow(frame):
    """The saved list is replaced by the Butler's answer read from Arrow; selecting must still work."""
    import pyarrow as pa

    view = TableView(pa.Table.from_pandas(frame).to_pandas())
    view.select_rows([0])
    view.replace_base(pa.Table.from_pandas(frame.iloc[::-1]).to_pandas())
    view.select_rows([1, 2])
    assert view.selected_count == 3
    view.select_all()
    assert view.selected_count == len(frame)
    view.select_all(False)
    assert view.selected_count == 0
