"""Derived columns (=, saved ones), saved cuts (K, ctrl+k) and row details (v) on a table opened in the app."""

from __future__ import annotations

import itertools
import numpy as np
import pandas as pd
import pytest
from tui_support import config_dir, notifications, screen_text, settle, wait_for  # noqa: F401

from spectui.core.analysis.cuts import add_cut, load_cuts
from spectui.core.analysis.derived_columns import add_derived_column, load_derived_columns
from spectui.core.tables.table_files import open_table_file
from spectui.tui.dialogs.columns import ColumnsScreen
from spectui.tui.dialogs.confirm import ConfirmScreen
from spectui.tui.dialogs.pick import PickScreen
from spectui.tui.files_app import FilesApp
from spectui.tui.screens.file import FileScreen
from spectui.tui.screens.row_details import RowDetailsScreen
from spectui.tui.widgets.prompt_bar import PromptBar

ROWS = 40
LONG_ERROR = "cannot read the FitParameters JSON of this visit: " + "unexpected token after a value; " * 10


@pytest.fixture(autouse=True)
def no_repository(monkeypatch):
    """An opened file needs no Butler repository."""

    def refuse(repo):
        raise AssertionError(f"the app tried to open a Butler repository ({repo!r})")

    monkeypatch.setattr("spectui.core.butler.repo.open_repo", refuse)


@pytest.fixture
def results() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame({
        "id": 2025010700001 + np.arange(ROWS),
        "TARGET": rng.choice(["HD185975", "HD38666", "HD2811"], ROWS),
        "D2CCD": np.round(rng.normal(187.0, 0.2, ROWS), 4),
        "PWV [mm]_spectrum": np.round(rng.uniform(1, 8, ROWS), 3),
        "PWV [mm]_spectrogram": np.round(rng.uniform(1, 8, ROWS), 3),
        "status": ["failed"] + ["ok"] * (ROWS - 1),
        "error": [LONG_ERROR] + [""] * (ROWS - 1),
    })


def app_on(results: pd.DataFrame, tmp_path) -> FilesApp:
    path = tmp_path / "run.parquet"
    results.to_parquet(path, index=False)
    return FilesApp([open_table_file(path)])


async def ready(pilot) -> FileScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, FileScreen) and app.screen.view is not None)
    await settle(pilot)
    return app.screen


def by_id(screen, column: str) -> pd.Series:
    return screen.view.base.set_index("id")[column]


async def test_equals_adds_a_column_computed_as_pandas_does_and_saves_it_when_asked(results, tmp_path):
    app = app_on(results, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("equals_sign", *"pwv_sum = `PWV [mm]_spectrum` + 2 * `PWV [mm]_spectrogram`", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        expected = (results["PWV [mm]_spectrum"] + 2 * results["PWV [mm]_spectrogram"]).set_axis(results["id"])
        pd.testing.assert_series_equal(by_id(screen, "pwv_sum"), expected, check_names=False)
        assert screen.current_column == "pwv_sum" and "pwv_sum" in screen_text(app)
        assert load_derived_columns() == {}
        await pilot.press("equals_sign", *"ratio = D2CCD / 187", "enter", "y")
        await settle(pilot)
        assert load_derived_columns()["ratio"].expression == "D2CCD / 187"
        np.testing.assert_allclose(by_id(screen, "ratio").to_numpy(), results["D2CCD"].to_numpy() / 187)
        assert any("Saved the derived column ratio" in m for m in notifications(app))


async def test_a_bad_expression_is_one_notification_and_nothing_is_lost(results, tmp_path):
    app = app_on(results, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        columns = list(screen.view.base.columns)
        await pilot.press("equals_sign", *"bad = no_such_column + 1", "enter")
        await pilot.pause()
        assert len(notifications(app)) == 1 and "no_such_column" in notifications(app)[0]
        prompt = screen.query_one(PromptBar)
        assert prompt.is_open and screen.query_one("#prompt-input").value == "bad = no_such_column + 1"
        await pilot.press("ctrl+u", *"TARGET = 1", "enter")
        assert len(notifications(app)) == 2 and "TARGET" in notifications(app)[-1]
        await pilot.press("escape")
        assert not prompt.is_open and list(screen.view.base.columns) == columns and app.screen is screen
        await pilot.press("j")
        assert screen.table.cursor_row == 1


async def test_saved_derived_columns_come_with_the_file_and_the_columns_list_marks_them(results, tmp_path):
    add_derived_column("pwv_diff", "`PWV [mm]_spectrum` - `PWV [mm]_spectrogram`")
    add_derived_column("needs_zenith", "1/cosd(ex_zenith_angle)")
    app = app_on(results, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        expected = (results["PWV [mm]_spectrum"] - results["PWV [mm]_spectrogram"]).set_axis(results["id"])
        pd.testing.assert_series_equal(by_id(screen, "pwv_diff"), expected, check_names=False)
        assert "needs_zenith" not in screen.view.base.columns and not notifications(app)
        await pilot.press("dollar_sign")
        assert "pwv_diff · derived: `PWV [mm]_spectrum` - `PWV [mm]_spectrogram`" in screen_text(app)
        await pilot.press("C")
        assert isinstance(app.screen, ColumnsScreen)
        listing = app.screen.listing.to_pydict()
        marked = [name for name, mark in zip(listing["column"], listing["derived"], strict=True) if mark == "="]
        assert marked == ["pwv_diff"]
        assert "pwv_diff: derived: `PWV [mm]_spectrum` - `PWV [mm]_spectrogram`" in screen_text(app)


async def test_K_applies_a_saved_cut_hiding_exactly_the_failing_rows(results, tmp_path):
    add_cut("pwv_high", "`PWV [mm]_spectrum` > 4")
    app = app_on(results, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("K")
        assert isinstance(app.screen, PickScreen)
        await pilot.press(*"pwv_high", "enter")
        passing = results[results["PWV [mm]_spectrum"] > 4]
        assert 0 < len(passing) < ROWS
        assert screen.view.frame()["id"].tolist() == passing["id"].tolist()
        assert f"{len(passing)} of {ROWS} rows" in screen_text(app) and "cut: pwv_high" in screen_text(app)
        await pilot.press("vertical_line", *"TARGET == 'HD38666'", "enter")
        both = passing[passing["TARGET"] == "HD38666"]
        assert screen.view.frame()["id"].tolist() == both["id"].tolist()
        await pilot.press("K", *"no cut", "enter")
        assert screen.view.row_count == int((results["TARGET"] == "HD38666").sum())
        assert "cut:" not in screen_text(app)


async def test_ctrl_k_saves_the_filter_as_a_cut_and_says_when_the_name_will_not_do(results, tmp_path):
    app = app_on(results, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+k")
        assert notifications(app) == ["no filter to save: filter the rows with | first."]
        await pilot.press("vertical_line", *"D2CCD < 187", "enter", "ctrl+k", *"short_d2ccd", "enter")
        assert load_cuts()["short_d2ccd"].expression == "D2CCD < 187"
        assert not screen.query_one(PromptBar).is_open
        await pilot.press("ctrl+k", *"short_d2ccd", "enter")
        assert "exists already" in notifications(app)[-1] and screen.query_one(PromptBar).is_open
        await pilot.press("ctrl+u", *"two words", "enter")
        assert "two words" in notifications(app)[-1] and list(load_cuts()) == ["short_d2ccd"]


async def test_v_shows_the_row_in_full_and_n_p_follow_the_sorted_view(results, tmp_path):
    app = app_on(results, tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await ready(pilot)
        screen.table.move_cursor(column=screen.view.columns.index("D2CCD") + 1)
        await pilot.press("right_square_bracket", "home", "v")
        assert isinstance(app.screen, RowDetailsScreen)
        order = results.sort_values("D2CCD", ascending=False, kind="stable")
        first = order.iloc[0]
        text = screen_text(app)
        assert f"row 1 of {ROWS} · id {first['id']}" in text and repr(float(first["D2CCD"])) in text
        assert "number · disperser–CCD" in text
        await pilot.press("n", "n", "n", "p")
        third = order.iloc[2]
        assert f"row 3 of {ROWS} · id {third['id']}" in screen_text(app)
        assert app.screen.row == 2
        await pilot.press("escape")
        assert app.screen is screen and screen.view.key_at(screen.table.cursor_row) == third["id"]


async def test_the_error_column_is_shown_whole(results, tmp_path):
    app = app_on(results, tmp_path)
    async with app.run_test(size=(100, 60)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("error "))
        start, end = lines[first].index("cannot"), lines[first].index("text · why")
        value = " ".join(itertools.takewhile(bool, (line[start:end].strip() for line in lines[first:])))
        assert " ".join(value.split()) == " ".join(LONG_ERROR.split())
