"""Keys that arrive in one burst (a paste, fast typing over SSH) do exactly what the same keys typed one at
a time do: every prompt and dialog opened by a key takes the keys that follow it, on every screen with one."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest
from analysis_support import LATEST, extracted, latest_results  # noqa: F401  (session fixtures)
from monkey_support import InProcessQuery, burst, launched, typed
from terminal import Terminal, spectui_command
from textual.binding import Binding
from textual.widgets import Input
from tui_support import (  # noqa: F401  (autouse fixtures)
    PAUSE,
    config_dir,
    open_exposures,
    settle,
    shared_butler,
    wait_for,
)

from spectui.core.analysis.result_files import file_name_for
from spectui.core.butler import exposure_cache
from spectui.core.butler.collection_search import search_pattern
from spectui.core.butler.exposures import ExposureSelection, query_exposures
from spectui.core.tables.csv_head import read_csv_head
from spectui.core.tables.table_files import open_table_file
from spectui.core.tables.views import frequency
from spectui.tui.app import SpectuiApp
from spectui.tui.files_app import FilesApp
from spectui.tui.screens.extraction import ExtractionScreen
from spectui.tui.screens.histogram import HistogramScreen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.table import TableScreen
from spectui.tui.widgets.prompt_bar import PromptBar

SIZE = (100, 30)
HANDLED_WITHIN = 5.0
"""Seconds a burst's keys get to be handled before what they did is compared."""
CUT = "CHI2_FIT < 30"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Exports and extractions with bare names land in the test's own folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def results_csv(latest_results, tmp_path):  # noqa: F811
    """The latest chain's results saved as the notebooks save them, to open with `spectui open`."""
    path = tmp_path / "results.csv"
    latest_results.to_csv(path)
    return path


def files_app(path) -> FilesApp:
    """`spectui open PATH` as started in a terminal: the CSV's first rows read by the standard library."""
    opened = open_table_file(path)
    opened.head = read_csv_head(path)
    return FilesApp([opened])


def seen(app) -> dict:
    """What keys change: the screen on show, the focused widget, a table screen's view, cursor and prompt."""
    screen, focused = app.screen, app.focused
    state = {"screen": f"{type(screen).__name__} {screen.title!r}",
             "focused": f"{type(focused).__name__}#{focused.id}" if focused is not None else None}
    if isinstance(screen, TableScreen) and screen.view is not None and screen.table is not None:
        view, prompt = screen.view, screen.query_one(PromptBar)
        state.update(filter=view.filter_text, rows=view.row_count, total=view.total_count,
                     selected=view.selected_count, row=screen.table.cursor_row, column=screen.current_column,
                     prompt=prompt.query_one(Input).value if prompt.is_open else None)
    return state


def only(keys: tuple[str, ...], observe=seen):
    """`observe`, kept to `keys`."""
    return lambda app: {key: observe(app).get(key) for key in keys}


async def handled(pilot, observe, expected: dict | None = None) -> dict:
    """What `observe()` shows once it is `expected` (within HANDLED_WITHIN seconds), or at once if None."""
    deadline = time.monotonic() + HANDLED_WITHIN
    while expected is not None and observe() != expected and time.monotonic() < deadline:
        await pilot.pause(PAUSE)
    await pilot.pause()
    return observe()


async def slowly_then_at_once(make_app, prepare, keys: list[str], observe=seen, expected: dict | None = None):
    """What `keys` leave after `prepare` (in an app of its own each) typed slowly with Pilot.press, then all
    posted before the app reads one and given time to reach what slow typing (or `expected`) left."""
    outcomes: list[dict] = []
    for at_once in (False, True):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await prepare(pilot)
            if at_once:
                await burst(pilot, *keys)
            else:
                await pilot.press(*keys)
            target = expected or (outcomes[0] if outcomes else None)
            outcomes.append(await handled(pilot, lambda: observe(app), target))
    return outcomes[0], outcomes[1]


def key_for(screen_class: type, binding_id: str) -> str:
    """The first key a class declares for `binding_id` (no keymap in these tests)."""
    for binding in screen_class.BINDINGS:
        if isinstance(binding, Binding) and binding.id == binding_id:
            return binding.key.split(",")[0]
    raise AssertionError(f"{screen_class.__name__} declares no key for {binding_id}")


# The exposures table: filter, search, the g prefix, and the dialogs its keys open


def repo_app(demo_repo):
    return lambda: SpectuiApp(repo=str(demo_repo))


async def on_exposures(pilot) -> None:
    await open_exposures(pilot)


def on_column(name: str, ready=on_exposures):
    """`ready`, then the cursor on column `name`."""

    async def prepare(pilot) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        screen.table.move_cursor(column=screen.view.columns.index(name) + 1)
        await pilot.pause()

    return prepare


async def test_a_pasted_filter_holding_s_selects_no_row(demo_repo, science):
    """The user's case: `|seq_num > 100` and Enter in one burst selected a row (the s reached the table)."""
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), on_exposures,
                                           ["vertical_line", *typed("seq_num > 100"), "enter"])
    assert fast == slow
    assert slow["filter"] == "seq_num > 100" and slow["selected"] == 0 and slow["prompt"] is None
    assert slow["rows"] == int((science["seq_num"] > 100).sum()) and slow["focused"].startswith("FastTable")


async def test_ctrl_f_filter_typed_at_once_on_exposures(demo_repo, science):
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), on_exposures,
                                           ["ctrl+f", *typed("seq_num < 50"), "enter"])
    assert fast == slow
    assert slow["filter"] == "seq_num < 50" and slow["rows"] == int((science["seq_num"] < 50).sum())


async def test_search_typed_at_once_lands_on_the_row_found(demo_repo, science):
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), on_column("target"),
                                           ["slash", *typed("hd42"), "enter"])
    assert fast == slow
    first = next(i for i, target in enumerate(science["target"]) if "hd42" in target.lower())
    assert slow["row"] == first > 0 and slow["column"] == "target" and slow["prompt"] is None


async def test_g_s_and_g_g_in_one_burst_do_what_they_do_typed_slowly(demo_repo, science):
    """The user's case: `gs` and `gg` pasted did nothing."""
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), on_exposures, ["g", "s"])
    assert fast == slow and slow["selected"] == len(science)

    async def at_the_bottom(pilot) -> None:
        await open_exposures(pilot)
        await pilot.press("G")

    slow, fast = await slowly_then_at_once(repo_app(demo_repo), at_the_bottom, ["g", "g"])
    assert fast == slow and slow["row"] == 0 and slow["selected"] == 0


async def test_the_query_dialog_takes_the_nights_typed_with_r(demo_repo, butler):
    def queried(app) -> dict:
        selection = getattr(app.screen, "selection", None)
        return {"screen": seen(app)["screen"], "since": getattr(selection, "since", None),
                "rows": seen(app).get("total")}

    later = query_exposures(butler, ExposureSelection(since=20250108))
    expected = {"screen": "ExposuresScreen 'Exposures'", "since": 20250108, "rows": len(later)}
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), on_exposures,
                                           ["r", *typed("20250108"), "enter"], queried, expected)
    assert slow == fast == expected


async def test_the_export_dialog_takes_the_name_typed_with_ctrl_e(demo_repo, science, tmp_path):
    written = tmp_path / "q.csv"

    def exported(app) -> dict:
        rows = len(pd.read_csv(written)) if written.is_file() else None
        return {"screen": seen(app)["screen"], "rows": rows}

    async def fresh(pilot) -> None:
        written.unlink(missing_ok=True)
        await open_exposures(pilot)

    expected = {"screen": "ExposuresScreen 'Exposures'", "rows": len(science)}
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), fresh,
                                           ["ctrl+e", "ctrl+u", *typed("q.csv"), "enter"], exported, expected)
    assert slow == fast == expected


async def test_the_frequency_table_takes_the_keys_typed_with_F(demo_repo, science):
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), on_column("filter"), ["F", "down", "enter"])
    assert fast == slow
    second = frequency(science["filter"], "filter").conditions[1]
    assert slow["filter"] == second and slow["screen"] == "ExposuresScreen 'Exposures'"


# Results and merged tables


def latest_app(demo_repo):
    return lambda: SpectuiApp(repo=str(demo_repo), collection=LATEST)


async def test_the_users_cut_typed_at_once_on_a_results_table(demo_repo, latest_results):  # noqa: F811
    async def on_results(pilot) -> None:
        screen = ResultsScreen(latest_results, collection=LATEST, title="Results: latest",
                               export_stem="latest")
        pilot.app.push_screen(screen)
        await wait_for(pilot, lambda: screen.table is not None)

    slow, fast = await slowly_then_at_once(latest_app(demo_repo), on_results,
                                           ["vertical_line", *typed(CUT), "enter"])
    assert fast == slow
    assert slow["screen"] == "ResultsScreen 'Results: latest'" and slow["filter"] == CUT
    assert slow["rows"] == int((latest_results["CHI2_FIT"] < 30).sum()) > 0


async def test_a_filter_typed_at_once_on_the_merged_table(demo_repo, extracted, tmp_path):  # noqa: F811
    (tmp_path / file_name_for(LATEST)).write_bytes(extracted[LATEST].read_bytes())

    async def on_merged(pilot) -> None:
        app = pilot.app
        app.show_screen("status")
        await wait_for(pilot, lambda: app.screen.is_mounted)
        await settle(pilot)
        app.screen.action_merge()
        await wait_for(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen.table is not None)

    slow, fast = await slowly_then_at_once(latest_app(demo_repo), on_merged,
                                           ["vertical_line", *typed("CHI2_FIT > 0"), "enter"])
    assert fast == slow
    assert slow["screen"].startswith("ResultsScreen 'Merged") and slow["filter"] == "CHI2_FIT > 0"
    assert 0 < slow["rows"] < slow["total"]


# A file opened with spectui open


async def file_ready(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.view is not None)
    await settle(pilot)


async def test_the_users_cut_typed_at_once_on_an_opened_file_opens_no_columns(results_csv,
                                                                               latest_results):  # noqa: F811
    """The user's case: `|CHI2_FIT < 30` and Enter left the filter bar empty and opened Columns (C)."""
    slow, fast = await slowly_then_at_once(lambda: files_app(results_csv), file_ready,
                                           ["vertical_line", *typed(CUT), "enter"])
    assert fast == slow
    assert slow["screen"] == "FileScreen 'results.csv'" and slow["filter"] == CUT
    assert slow["rows"] == int((latest_results["CHI2_FIT"] < 30).sum())


async def test_a_search_typed_at_once_on_an_opened_file_opens_no_histogram(results_csv,
                                                                            latest_results):  # noqa: F811
    """The user's case: `/HD2811` opened Histograms (H)."""
    slow, fast = await slowly_then_at_once(lambda: files_app(results_csv), on_column("TARGET", file_ready),
                                           ["slash", *typed("HD2811"), "enter"])
    assert fast == slow
    first = latest_results["TARGET"].tolist().index("HD2811")
    assert slow["screen"] == "FileScreen 'results.csv'" and slow["row"] == first > 0


async def test_the_columns_list_takes_the_keys_typed_with_C(results_csv):
    slow, fast = await slowly_then_at_once(lambda: files_app(results_csv), file_ready,
                                           ["C", "down", "down", "enter"])
    assert fast == slow
    assert slow["screen"] == "FileScreen 'results.csv'" and slow["column"] == "REDSHIFT"


async def test_a_burst_typed_as_soon_as_an_opened_file_shows_is_kept_for_its_view(
        results_csv, latest_results):  # noqa: F811
    expected = {"screen": "FileScreen 'results.csv'", "filter": CUT, "prompt": None,
                "rows": int((latest_results["CHI2_FIT"] < 30).sum())}
    app = files_app(results_csv)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "ctrl+f", *typed(CUT), "enter")
        assert await handled(pilot, lambda: only(tuple(expected))(app), expected) == expected


# Launching straight on Exposures


async def test_a_burst_typed_right_after_launch_filters_the_saved_list_then_the_answer(demo_repo, science):
    exposure_cache.save(str(demo_repo), ExposureSelection(), science)
    app = launched(str(demo_repo), LATEST, lambda: InProcessQuery(str(demo_repo), science, 1.0))
    expected = {"filter": "day_obs > 20250108", "rows": int((science["day_obs"] > 20250108).sum()),
                "prompt": None, "selected": 1}
    shown = only(tuple(expected))
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "vertical_line", *typed("day_obs > 20250108"), "enter", "s")
        assert await handled(pilot, lambda: shown(app), expected) == expected
        await wait_for(pilot, lambda: app.screen.saved_at is None)
        await settle(pilot)
        assert shown(app) == expected


async def test_a_burst_typed_right_after_the_first_launch_waits_for_the_answer(demo_repo, science):
    """With no list saved yet nothing is focused until the rows come: keys wait for them, none goes to the
    hidden prompt (they were lost there)."""
    app = launched(str(demo_repo), LATEST, lambda: InProcessQuery(str(demo_repo), science, 1.0))
    expected = {"filter": "day_obs > 20250108", "rows": int((science["day_obs"] > 20250108).sum()),
                "prompt": None, "selected": 1}
    shown = only(tuple(expected))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.view is None and app.focused is None
        await burst(pilot, "s", "vertical_line", *typed("day_obs > 20250108"), "enter")
        assert await handled(pilot, lambda: shown(app), expected) == expected


# Screens whose text boxes take the keys when asked


async def test_collections_search_typed_at_once(demo_repo):
    def search(app) -> dict:
        screen = app.screen
        return {**seen(app), "typed": screen.query_one("#pattern", Input).value, "searched": screen.pattern}

    async def listed(pilot) -> None:
        await wait_for(pilot, lambda: pilot.app.screen.results)

    expected = {"screen": "CollectionsScreen 'Collections'", "focused": "RowList#collections",
                "typed": "auxtel", "searched": search_pattern("auxtel")}
    slow, fast = await slowly_then_at_once(repo_app(demo_repo), listed, ["slash", *typed("auxtel"), "enter"],
                                           search, expected)
    assert slow == fast == expected


async def test_the_extraction_output_typed_at_once_with_the_screen_key(demo_repo):
    """3 opens Extraction, its edit key puts the cursor in the output field, and the name typed goes there."""
    def form(app) -> dict:
        fields = app.screen.query("#extract-output")
        return {"screen": seen(app)["screen"], "output": fields.first(Input).value if fields else None,
                "started": getattr(app.screen, "job", None) is not None}

    keys = [key_for(SpectuiApp, "app.extraction"), key_for(ExtractionScreen, "extraction.edit_output"),
            "ctrl+u", *typed("m.parquet")]
    expected = {"screen": "ExtractionScreen 'Extraction'", "output": "m.parquet", "started": False}
    slow, fast = await slowly_then_at_once(latest_app(demo_repo), on_exposures, keys, form, expected)
    assert slow == fast == expected


async def test_the_histogram_column_picker_takes_the_keys_typed_with_c(demo_repo,
                                                                      latest_results):  # noqa: F811
    def plotted(app) -> dict:
        spec = getattr(app.screen, "spec", None)
        return {"screen": seen(app)["screen"], "column": getattr(spec, "column", None)}

    async def on_histograms(pilot) -> None:
        screen = HistogramScreen(table=latest_results, source="latest", column="D2CCD")
        pilot.app.push_screen(screen)
        await wait_for(pilot, lambda: screen.figure is not None)
        await settle(pilot)

    expected = {"screen": "HistogramScreen 'Histograms'", "column": "CHI2_FIT"}
    slow, fast = await slowly_then_at_once(latest_app(demo_repo), on_histograms,
                                           ["c", *typed("chi2_fit"), "enter"], plotted, expected)
    assert slow == fast == expected


# spectui open's first frame, in a real terminal


def test_a_filter_typed_on_spectui_opens_first_frame_is_applied(tmp_path):
    """ctrl+f, an expression and Enter typed within half a second of the rows showing (before the app's
    footer) filter the rows once the app runs."""
    rows = 4000
    frame = pd.DataFrame({"id": 2025010700000 + np.arange(rows), "seq_num": np.arange(rows),
                          "TARGET": np.where(np.arange(rows) % 2, "HD2811", "HD38666")})
    frame.to_csv(tmp_path / "early.csv")
    terminal = Terminal("early-keys", 120, 40)
    try:
        terminal.start(spectui_command(tmp_path, "open", str(tmp_path / "early.csv")))
        terminal.wait_until(lambda shown: "2025010700000" in shown, "the first rows")
        appeared = time.monotonic()
        terminal.burst(("C-f",), "seq_num < 100", ("Enter",))
        typed_after = time.monotonic() - appeared
        shown = terminal.wait_until(
            lambda shown: ("filter: seq_num < 100" in shown and "| filter:" not in shown) or terminal.exited(),
            "the filter applied with its bar closed (the open bar shows the same words), or spectui gone")
        assert not terminal.exited(), f"spectui quit on the keys typed on its first frame:\n{shown}"
        counts = re.search(r"([\d,]+) of ([\d,]+) rows", shown)
        assert counts is not None, shown
        kept, total = (int(number.replace(",", "")) for number in counts.groups())
        assert (kept, total) == (100, rows) and typed_after < 0.5
    finally:
        terminal.close()
