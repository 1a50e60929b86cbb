"""The exposures screen on the demo repository: every key and action, driven through the real app."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from tui_support import (  # noqa: F401  (autouse fixtures)
    config_dir,
    notifications,
    open_exposures,
    screen_text,
    settle,
    shared_butler,
    wait_for,
)

from spectui.core.butler.exposures import ExposureSelection, query_exposures
from spectui.core.errors import BadInput
from spectui.core.tables.views import TableView
from spectui.tui.app import SpectuiApp
from spectui.tui.dialogs.confirm import ConfirmScreen
from spectui.tui.dialogs.export import ExportScreen
from spectui.tui.dialogs.query import QueryScreen
from spectui.tui.screens.table import TableScreen
from spectui.tui.widgets.prompt_bar import PromptBar

pytestmark = pytest.mark.both_registries


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Exports with bare names land in the test's own folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture()
def app(demo_repo) -> SpectuiApp:
    return SpectuiApp(repo=str(demo_repo))


def to_column(screen, name: str) -> None:
    screen.table.move_cursor(column=screen.view.columns.index(name) + 1)


def shown_ids(screen) -> list[int]:
    return screen.view.frame()["id"].tolist()


async def test_lists_the_selected_exposures_with_n_of_m_rows(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        assert screen.view.total_count == len(science) and shown_ids(screen) == science["id"].tolist()
        assert f"{len(science):,} of {len(science):,} rows" in screen_text(app)
        assert "science · holo4* · every filter · every night" in screen_text(app)
        assert screen.current_column == "id"


async def test_the_table_looks_the_same_after_a_screen_with_a_small_table(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        before = screen.table.render_line(1)
        assert screen.table.styles.background_tint.a == 0
        await pilot.press("3")
        await pilot.pause()
        assert app.screen.query("RowTable")
        await pilot.press("2")
        await settle(pilot)
        assert app.screen is screen and screen.table.has_focus
        assert screen.table.styles.background_tint.a == 0 and screen.table.render_line(1) == before


async def test_vim_keys_move_the_cursor(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("j", "j", "l", "l")
        assert (screen.table.cursor_row, screen.current_column) == (2, "day_obs")
        await pilot.press("k", "h")
        assert (screen.table.cursor_row, screen.current_column) == (1, "obs_id")
        await pilot.press("G")
        assert screen.table.cursor_row == screen.view.row_count - 1
        await pilot.press("g", "g")
        assert screen.table.cursor_row == 0
        await pilot.press("h")
        assert screen.current_column == "id"


async def test_slash_searches_the_current_column_and_n_N_repeat(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        to_column(screen, "target")
        await pilot.press("slash", *"hd42", "enter")
        rows = [i for i, t in enumerate(science["target"]) if "hd42" in t.lower()]
        assert screen.table.cursor_row == rows[0]
        await pilot.press("n")
        assert screen.table.cursor_row == rows[1]
        await pilot.press("N", "N")
        assert screen.table.cursor_row == rows[-1] and "search wrapped" in screen_text(app)
        await pilot.press("slash", "ctrl+u", *"no such star", "enter")
        assert any("no 'no such star' in column target" in m for m in notifications(app))


async def test_brackets_sort_by_the_current_column_keeping_the_cursor_row(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("j", "j", "j")
        kept = screen.view.key_at(3)
        to_column(screen, "zenith_angle")
        await pilot.press("left_square_bracket")
        assert screen.view.frame()["zenith_angle"].dropna().is_monotonic_increasing
        assert screen.view.key_at(screen.table.cursor_row) == kept
        await pilot.press("right_square_bracket")
        assert screen.view.frame()["zenith_angle"].dropna().is_monotonic_decreasing
        assert "sorted by zenith_angle ↓" in screen_text(app)


async def test_filter_bar_filters_live_keeps_on_enter_and_restores_on_escape(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("vertical_line", *"filter == OG550_65mm_1 and day_obs > 20250107")
        expected = science[(science["filter"] == "OG550_65mm_1") & (science["day_obs"] > 20250107)]
        assert shown_ids(screen) == expected["id"].tolist()
        await pilot.press("enter")
        assert app.focused is screen.table
        assert f"{len(expected)} of {len(science)} rows" in screen_text(app)
        await pilot.press("ctrl+f", "ctrl+u", *"day_obs == 20250110")
        assert screen.view.row_count == int((science["day_obs"] == 20250110).sum())
        await pilot.press("escape")
        assert shown_ids(screen) == expected["id"].tolist() and app.focused is screen.table


async def test_bad_filter_says_why_in_the_bar_and_enter_keeps_the_bar_open(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exposures(pilot)
        app.report(BadInput("an earlier mistake."))
        await pilot.press("vertical_line", *"filtr == x")
        assert "unknown column 'filtr'; did you mean filter?" in " ".join(screen_text(app).split())
        assert screen.view.row_count == screen.view.total_count
        await pilot.press("enter")
        assert screen.query_one(PromptBar).is_open and app.focused.id == "prompt-input"
        assert "unknown column 'filtr'" in screen_text(app)
        await pilot.press("escape")
        assert screen.view.filter_text == ""
        await pilot.press("vertical_line", *"day_obs > 0", "enter")
        assert screen.view.filter_text == "day_obs > 0" and not screen.query_one(PromptBar).is_open
        assert notifications(app) == []


async def test_F_shows_value_counts_with_bars_and_enter_filters_on_the_value(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        to_column(screen, "filter")
        await pilot.press("F")
        freq = app.screen
        assert freq.title == "Frequency" and freq.frequency.column == "filter"
        counts = science["filter"].value_counts()
        assert list(freq.frequency.counts) == sorted(counts.tolist(), reverse=True)
        text = screen_text(app)
        assert "█" in text and f"{len(counts)} values over {len(science)} rows" in text
        await pilot.press("j", "enter")
        assert app.screen is screen
        value = freq.frequency.labels[1]
        assert set(screen.view.frame()["filter"]) == {value}
        assert screen.view.row_count == freq.frequency.counts[1]


async def test_F_on_a_many_valued_number_bins_by_value_and_escape_goes_back(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        to_column(screen, "zenith_angle")
        await pilot.press("F")
        assert app.screen.frequency.binned and len(app.screen.frequency.labels) == 20
        await pilot.press("escape")
        assert app.screen is screen and screen.view.filter_text == ""


async def test_minus_hides_the_column_and_g_minus_shows_them_all(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        to_column(screen, "obs_id")
        await pilot.press("minus")
        assert "obs_id" not in screen.view.columns and screen.current_column == "day_obs"
        assert "1 hidden" in screen_text(app)
        await pilot.press("minus")
        assert screen.view.hidden == ["obs_id", "day_obs"]
        await pilot.press("g", "minus")
        assert screen.view.hidden == []


async def test_s_u_and_g_s_g_u_select_rows(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("s", "s", "s")
        assert screen.view.selected_keys() == science["id"].tolist()[:3]
        assert screen.table.cursor_row == 3 and "3 selected" in screen_text(app)
        await pilot.press("k", "u")
        assert screen.view.selected_keys() == science["id"].tolist()[:2]
        await pilot.press("vertical_line", *"day_obs == 20250110", "enter")
        await pilot.press("g", "s")
        night = int((science["day_obs"] == 20250110).sum())
        assert screen.view.selected_count == night + 2
        assert f"{night + 2:,} selected (2 outside the filter)" in screen_text(app)
        await pilot.press("g", "u")
        assert screen.view.selected_count == 2


async def test_g_prefix_expires_and_other_keys_disarm_it(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("g")
        assert screen.g_pending and "g… s Select every row" in screen_text(app)
        await pilot.press("j", "s")
        assert not screen.g_pending and screen.view.selected_count == 1
        await pilot.press("g", "escape")
        assert not screen.g_pending and app.screen is screen


async def test_quote_opens_the_selection_as_a_view_of_its_own(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("quotation_mark")
        assert any("no row is selected" in m for m in notifications(app)) and app.screen is screen
        await pilot.press("j", "s", "j", "s")
        await pilot.press("quotation_mark")
        view_screen = app.screen
        assert isinstance(view_screen, TableScreen) and view_screen.title == "Exposures · selection"
        assert shown_ids(view_screen) == science["id"].iloc[[1, 3]].tolist()
        assert "2 of 2 rows" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is screen


async def test_ctrl_e_exports_the_view_with_a_default_name(app, tmp_path, science):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("vertical_line", *"filter == BG40_65mm_1", "enter")
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ExportScreen)
        assert "exposures.csv" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        written = pd.read_csv(tmp_path / "exposures.csv")
        assert written["id"].tolist() == screen.view.frame()["id"].tolist()
        assert set(written["filter"]) == {"BG40_65mm_1"}
        assert f"Wrote {len(written)} rows to {tmp_path / 'exposures.csv'}" in notifications(app)
        await pilot.press("ctrl+e")
        assert "exposures-2.csv" in screen_text(app)


async def test_export_of_the_selection_and_no_silent_overwrite(app, tmp_path, science):
    target = tmp_path / "mine.parquet"
    target.write_text("keep me")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("s", "s")
        await pilot.press("ctrl+e", "shift+tab", "down", "enter", "tab", "ctrl+u", *"mine.parquet", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, ExportScreen) and "mine.parquet exists" in screen_text(app)
        assert target.read_text() == "keep me"
        await pilot.press("enter", "y")
        await settle(pilot)
        written = pd.read_parquet(target)
        assert written["id"].tolist() == science["id"].tolist()[:2]
        assert f"Wrote 2 selected rows to {target}" in notifications(app)


async def test_export_dialog_rejects_an_unknown_format_and_escape_cancels(app, tmp_path):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("ctrl+e", "ctrl+u", *"out.xlsx", "enter")
        assert isinstance(app.screen, ExportScreen) and "cannot tell the format of" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is screen and not list(tmp_path.glob("out*"))


async def test_export_to_the_home_of_an_unknown_user_is_refused_in_the_dialog(app, tmp_path):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("ctrl+e", "ctrl+u", *"~no_such_user_here/out.csv", "enter")
        assert isinstance(app.screen, ExportScreen)
        assert "there is no user 'no_such_user_here' here" in screen_text(app)
        await pilot.press("ctrl+u", *"out.csv", "enter")
        await settle(pilot)
        assert (tmp_path / "out.csv").is_file()


async def test_y_copies_the_selected_ids_or_the_current_one(app, science):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("j", "y")
        assert app.clipboard == str(science["id"].iloc[1])
        assert any("Copied 1 current row's id" in m for m in notifications(app))
        await pilot.press("s", "s")
        await pilot.press("y")
        assert app.clipboard == ", ".join(str(i) for i in science["id"].iloc[1:3])
        assert any("Copied 2 selected ids to the clipboard" in m for m in notifications(app))


async def test_r_queries_the_butler_again_with_nights_and_filters(app, butler):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, QueryScreen)
        await settle(pilot)
        await pilot.press(*"20250108", "tab", *"20250110", "tab", "tab")
        filters = app.screen.query_one("#filters")
        filters.select("OG550_65mm_1")
        await pilot.press("tab", *"HD42525", "enter")
        await wait_for(pilot, lambda: screen.selection.since == 20250108)
        await settle(pilot)
        chosen = ExposureSelection(since=20250108, until=20250110, filters=("OG550_65mm_1",),
                                   targets=("HD42525",))
        expected = query_exposures(butler, chosen)
        assert len(expected) and shown_ids(screen) == expected["id"].tolist()
        assert "science · holo4* · OG550_65mm_1 · 20250108 to 20250110 · HD42525" in screen_text(app)


async def test_query_dialog_checks_the_dates(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("r", *"2025-01-08", "enter")
        assert isinstance(app.screen, QueryScreen) and "must be a date as YYYYMMDD" in screen_text(app)
        await pilot.press("ctrl+u", *"20250110", "tab", *"20250108", "enter")
        assert "is after the last night" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is screen


async def test_escape_cancels_a_running_query_and_keeps_the_table(app, monkeypatch, science):
    release = threading.Event()
    started = threading.Event()

    def slow(butler, selection):
        started.set()
        release.wait(30)
        return science.iloc[:5]

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        monkeypatch.setattr("spectui.core.butler.exposures.query_exposures", slow)
        screen.load(ExposureSelection(since=20250110))
        await wait_for(pilot, started.is_set)
        await pilot.pause()
        assert "⧗ querying the Butler" in screen_text(app) and "escape cancels" in screen_text(app)
        await pilot.press("escape")
        assert "Query cancelled; the table shows the previous exposures." in notifications(app)
        assert "⧗" not in screen_text(app) and app.screen is screen
        release.set()
        await settle(pilot)
        assert screen.view.row_count == len(science) and screen.selection == ExposureSelection()


async def test_thirty_thousand_rows_stay_responsive(demo_repo):
    rng = np.random.default_rng(2)
    n = 30_000
    frame = pd.DataFrame({
        "id": 2025010100000 + np.arange(n),
        "day_obs": pd.array(rng.integers(20250101, 20250401, n), dtype="Int64"),
        "filter": pd.array(rng.choice(["empty", "OG550_65mm_1", "BG40_65mm_1"], n), dtype="string"),
        "zenith_angle": rng.uniform(2, 70, n),
    })
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = TableScreen(TableView(frame), title="Synthetic", export_stem="synthetic")
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.table is not None)
        assert "30,000 of 30,000 rows" in screen_text(app)
        to_column(screen, "zenith_angle")
        await pilot.press("right_square_bracket")
        assert screen.view.frame()["zenith_angle"].is_monotonic_decreasing
        await pilot.press("vertical_line", *"filter == empty and day_obs < 20250201", "enter")
        expected = int(((frame["filter"] == "empty") & (frame["day_obs"] < 20250201)).sum())
        assert f"{expected:,} of 30,000 rows" in screen_text(app)
        await pilot.press("g", "s", "G")
        assert screen.view.selected_count == expected and screen.table.cursor_row == expected - 1


async def test_the_list_saved_last_time_shows_while_the_butler_answers(demo_repo, monkeypatch, science):
    first = SpectuiApp(repo=str(demo_repo))
    async with first.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
    release, started = threading.Event(), threading.Event()

    def slow(butler, selection):
        started.set()
        release.wait(30)
        return science.iloc[:7]

    monkeypatch.setattr("spectui.core.butler.exposures.query_exposures", slow)
    second = SpectuiApp(repo=str(demo_repo))
    async with second.run_test(size=(120, 40)) as pilot:
        second.show_screen("exposures")
        screen = second.screen
        await wait_for(pilot, lambda: started.is_set() and screen.table is not None)
        await pilot.pause()
        assert shown_ids(screen) == science["id"].tolist()
        assert "not yet refreshed" in screen_text(second) and "showing the list saved" in screen_text(second)
        release.set()
        await wait_for(pilot, lambda: screen.view.total_count == 7)
        await settle(pilot)
        assert "not yet refreshed" not in screen_text(second) and "⧗" not in screen_text(second)


def test_saved_lists_round_trip_and_broken_ones_are_dropped(science, demo_repo, monkeypatch):
    from spectui.core.butler import exposure_cache

    assert exposure_cache.load_saved(str(demo_repo), ExposureSelection()) is None
    exposure_cache.save(str(demo_repo), ExposureSelection(), science)
    table, saved_at = exposure_cache.load_saved(str(demo_repo), ExposureSelection())
    pd.testing.assert_frame_equal(table.to_pandas(), science)
    assert exposure_cache.load_saved(str(demo_repo), ExposureSelection(since=20250108)) is None
    path = exposure_cache.cache_file(str(demo_repo), ExposureSelection())
    path.write_text("not parquet")
    assert exposure_cache.load_saved(str(demo_repo), ExposureSelection()) is None and not path.exists()
    for night in range(exposure_cache.KEEP + 3):
        exposure_cache.save(str(demo_repo), ExposureSelection(since=20250101 + night), science.iloc[:2])
    assert len(list(exposure_cache.cache_dir().glob("*.parquet"))) == exposure_cache.KEEP
