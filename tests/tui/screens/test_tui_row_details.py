"""Row details on the repository's tables: Enter on Exposures, v on results (Enter there: the spectrum)."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_support import LATEST, app_on, extracted, latest_results, open_screen, workdir  # noqa: F401
from tui_support import open_exposures, screen_text, settle, wait_for

from spectui.core.analysis.derived_columns import add_derived_column
from spectui.core.tables.row_fields import row_fields, value_text
from spectui.tui.app import SpectuiApp
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.row_details import RowDetailsScreen
from spectui.tui.screens.spectrum import SpectrumScreen

pytestmark = pytest.mark.both_registries


def shown_fields(app) -> dict[str, str]:
    screen = app.screen
    assert isinstance(screen, RowDetailsScreen)
    return {field.name: field.value for field in row_fields(screen.view, screen.row)}


async def test_enter_on_exposures_shows_the_row_and_n_p_follow_the_filtered_sorted_view(workdir, demo_repo,
                                                                                         science):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("vertical_line", *"filter == OG550_65mm_1", "enter")
        screen.table.move_cursor(column=screen.view.columns.index("zenith_angle") + 1)
        await pilot.press("right_square_bracket", "home", "j", "enter")
        expected = science[science["filter"] == "OG550_65mm_1"].sort_values(
            "zenith_angle", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
        assert len(expected) > 4
        row = expected.iloc[1]
        assert shown_fields(app)["id"] == str(row["id"])
        text = screen_text(app)
        assert f"row 2 of {len(expected):,} · id {row['id']}" in text
        for column in ("obs_id", "target", "physical_filter", "zenith_angle"):
            assert value_text(row[column]) in text
        await pilot.press("n", "n", "p", "n")
        assert shown_fields(app)["id"] == str(expected["id"].iloc[3])
        await pilot.press("escape")
        assert app.screen is screen and screen.view.key_at(screen.table.cursor_row) == expected["id"].iloc[3]


async def test_results_get_saved_columns_and_v_then_enter_opens_the_spectrum(workdir, latest_results):
    add_derived_column("pwv_d2ccd", "2 * `PWV [mm]_spectrum` + D2CCD")
    ok = latest_results[latest_results["status"] == "ok"].reset_index(drop=True)
    app = app_on()
    async with app.run_test(size=(120, 50)) as pilot:
        await open_screen(pilot, "2", lambda s: getattr(s, "table", None) is not None)
        app.push_screen(ResultsScreen(ok, collection=LATEST, title="Results", export_stem="results"))
        await settle(pilot)
        table = app.screen
        expected = 2 * ok["PWV [mm]_spectrum"] + ok["D2CCD"]
        pd.testing.assert_series_equal(table.view.base["pwv_d2ccd"], expected, check_names=False)
        await pilot.press("v", "n")
        assert shown_fields(app)["pwv_d2ccd"] == value_text(expected.iloc[1])
        await pilot.press("end")
        await pilot.pause(0.3)
        assert "pwv_d2ccd" in screen_text(app) and "number · derived: 2 * `PWV" in screen_text(app)
        await pilot.press("enter")
        visit = int(ok["id"].iloc[1])
        await wait_for(pilot, lambda: isinstance(app.screen, SpectrumScreen)
                       and app.screen.shown is not None and app.screen.shown.visit == visit)
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, RowDetailsScreen)
        await pilot.press("q")
        assert app.screen is table and table.view.key_at(table.table.cursor_row) == visit
