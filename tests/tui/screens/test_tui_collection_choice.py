"""Choosing a collection away from the Collections screen: "Collection NAME" in the palette, c on Extraction."""

from __future__ import annotations

import pytest
from analysis_support import V31, V32, label_text
from textual.command import CommandList, CommandPalette
from tui_support import config_dir, notifications, settle, shared_butler, wait_for  # noqa: F401

from spectui.core.analysis.result_files import file_name_for
from spectui.core.butler import collection_cache
from spectui.core.butler.collection_list import list_collections
from spectui.core.demo.build import RUNS
from spectui.tui.app import SpectuiApp
from spectui.tui.dialogs.collection_choice import CollectionPickScreen
from spectui.tui.screens.collections import CollectionsScreen
from spectui.tui.screens.exposures import ExposuresScreen
from spectui.tui.screens.extraction import ExtractionScreen

JNEVEU = RUNS[0].name
SAVED_ONLY = "u/someone/only_in_the_saved_list"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory of the test's own, where the extraction's output is proposed."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def palette_hits(app) -> list[str]:
    """The texts of the command palette's results, top first."""
    if not isinstance(app.screen, CommandPalette) or not app.screen.query(CommandList):
        return []
    commands = app.screen.query_one(CommandList)
    return [commands.get_option_at_index(i).hit.text for i in range(commands.option_count)]


async def listed(pilot) -> CollectionsScreen:
    """The Collections screen once it holds the Butler's list."""
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.everything is not None and screen.saved_at is None)
    await settle(pilot)
    return screen


async def test_typing_part_of_a_name_in_the_palette_and_choosing_it_makes_it_current(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        collections = await listed(pilot)
        assert app.collection is None
        await pilot.press("ctrl+p", *"jneveu")
        await wait_for(pilot, lambda: f"Collection {JNEVEU}" in palette_hits(app))
        assert [hit for hit in palette_hits(app) if hit.startswith("Collection ")] == [f"Collection {JNEVEU}"]
        await pilot.press(*"/auxtel")
        await wait_for(pilot, lambda: palette_hits(app)[:1] == [f"Collection {JNEVEU}"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExposuresScreen))
        assert app.collection == JNEVEU and app.run_name is None
        assert f"Current: {JNEVEU}" in notifications(app)
        assert f"current: {JNEVEU}" in label_text(collections, "#collections-status")


async def test_the_palette_offers_the_saved_list_before_the_collections_are_read(demo_repo, butler):
    saved = list_collections(butler)
    collection_cache.save(str(demo_repo), [*saved, type(saved[0])(SAVED_ONLY, "RUN")])
    app = SpectuiApp(repo=str(demo_repo), collection=V31)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExposuresScreen))
        await pilot.press("ctrl+p", *"only_in_the_saved")
        await wait_for(pilot, lambda: f"Collection {SAVED_ONLY}" in palette_hits(app))
        assert app.get_default_screen().everything is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ExposuresScreen))
        await pilot.press("ctrl+p", *"v32_all")
        await wait_for(pilot, lambda: palette_hits(app)[:1] == [f"Collection {V32}"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.collection == V32)
        assert isinstance(app.screen, ExposuresScreen) and f"Current: {V32}" in notifications(app)


async def test_c_on_extraction_picks_the_collection_it_will_extract(workdir, demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        collections = await listed(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, ExtractionScreen))
        screen = app.screen
        assert "no collection chosen: c picks one" in label_text(screen, "#extract-collection")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CollectionPickScreen))
        await pilot.press(*"v32_all")
        await wait_for(pilot, lambda: app.screen.shown == [V32])
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert app.collection == V32 and app.run_name is None
        assert label_text(screen, "#extract-collection") == f" collection {V32}  ·  c: another"
        assert screen.query_one("#extract-output").value == file_name_for(V32)
        assert f"current: {V32}" in label_text(collections, "#collections-status")
        await pilot.press("c", *"u/[ab]/*")
        await wait_for(pilot, lambda: any("bad collection pattern" in m for m in notifications(app)))
        assert isinstance(app.screen, CollectionPickScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert app.collection == V32


async def test_c_says_so_when_no_collection_list_is_known(workdir, demo_repo):
    app = SpectuiApp(repo=str(demo_repo), collection=V31)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExposuresScreen))
        app.show_screen("extraction")
        await wait_for(pilot, lambda: isinstance(app.screen, ExtractionScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: any("no collections read yet" in m for m in notifications(app)))
        assert isinstance(app.screen, ExtractionScreen) and app.collection == V31
