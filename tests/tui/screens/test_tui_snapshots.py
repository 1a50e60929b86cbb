"""Snapshots of every screen at 80x24 and 120x40 (Textual is pinned: a changed picture is a changed app)."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_support import open_exposures, settle, wait_for

from spectui.tui.app import SpectuiApp

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def steady_screen(demo_repo, butler, tmp_path, monkeypatch):
    """The repository seen as 'repo' from its folder, a config of the test's own, no blinking cursor."""
    monkeypatch.chdir(demo_repo.parent)
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(config))
    monkeypatch.setenv("SPECTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("spectui.core.butler.repo.open_repo", lambda repo: butler)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def app() -> SpectuiApp:
    return SpectuiApp(repo="repo")


async def collections_ready(pilot) -> None:
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.results)
    await pilot.press("escape", "down", "down")

    def counted() -> bool:
        """the details show the counts of the highlighted collection, every row its dataset types"""
        details = str(screen.query_one("#collection-details").render())
        return details.startswith(screen.highlighted.name) and "counting" not in details \
            and all(entry.name in screen.summaries for entry in screen.results)

    await wait_for(pilot, counted)
    await settle(pilot)


async def exposures_ready(pilot) -> None:
    await open_exposures(pilot)
    await pilot.press("l", "l", "j", "s", "j")
    pilot.app.clear_notifications()
    await pilot.pause()


def then(*keys: str, column: str = "", wait_workers: bool = False):
    """Open the exposures screen, put the cursor in `column`, then press `keys` (and let workers finish)."""
    async def run(pilot) -> None:
        await exposures_ready(pilot)
        if column:
            screen = pilot.app.screen
            screen.table.move_cursor(column=screen.view.columns.index(column) + 1)
        await pilot.press(*keys)
        if wait_workers:
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
    return run


@pytest.mark.parametrize("size", SIZES)
def test_collections(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=collections_ready)


@pytest.mark.parametrize("size", SIZES)
def test_exposures(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=exposures_ready)


@pytest.mark.parametrize("size", SIZES)
def test_exposures_filter_bar(snap_compare, size):
    assert snap_compare(app(), terminal_size=size,
                        run_before=then("vertical_line", *"filter == OG550_65mm_1 and day_obs > 20250107"))


@pytest.mark.parametrize("size", SIZES)
def test_frequency(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=then("F", "j", column="target"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=then("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=then("ctrl+e"))


@pytest.mark.parametrize("size", SIZES)
def test_query_dialog(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=then("r", wait_workers=True))


@pytest.mark.parametrize("size", SIZES)
def test_selection_view(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, run_before=then("k", "s", "s", "quotation_mark"))
