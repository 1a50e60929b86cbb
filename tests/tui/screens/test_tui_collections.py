"""The collections screen: live glob search, details with counts, registered runs, Enter makes one current."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import Input
from tui_support import config_dir, notifications, screen_text, settle, shared_butler, wait_for  # noqa: F401  (autouse fixtures)

from spectui.core.analysis.runs import Run
from spectui.core.butler.collection_list import NameFilter
from spectui.core.butler.collection_search import same_repo, search_pattern
from spectui.core.butler.repo import open_repo
from spectui.core.demo.crowd import crowd_collections
from spectui.tui.app import SpectuiApp


def names(screen) -> list[str]:
    return [getattr(entry, "name") for entry in screen.results]


async def highlight(pilot, screen, name: str, key: str) -> None:
    """Move the cursor down the results to `name` with `key`."""
    await pilot.press(*[key] * names(screen).index(name))


async def started(pilot):
    screen = pilot.app.screen

    def listed() -> bool:
        """the results are on screen"""
        text = screen_text(pilot.app)
        return bool(screen.results) and " match " in text and screen.results[-1].name in text

    await wait_for(pilot, listed)
    await settle(pilot)
    return screen


@pytest.mark.both_registries
async def test_lists_every_collection_with_type_and_spectractor_flag(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        assert "u/dagoret/auxtel_latest" in names(screen) and "LATISS/raw/all" in names(screen)
        await wait_for(pilot, lambda: all(entry.name in screen.summaries for entry in screen.results))
        text = screen_text(app)
        assert "CHAINED" in text and "RUN" in text and "yes" in text
        assert f"{len(screen.results)} collections match *" in text


async def test_typing_searches_live_and_plain_text_matches_anywhere(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("slash", *"jneveu")
        await wait_for(pilot, lambda: screen.pattern == "*jneveu*")
        await settle(pilot)
        assert names(screen) == ["u/jneveu/auxtel_atmosphere_202501_v3.0.2_fixA1_RobustFit"]
        for _ in range(6):
            await pilot.press("backspace")
        await pilot.press(*"LATISS/*,u/other/*")
        await wait_for(pilot, lambda: screen.pattern == "LATISS/*,u/other/*")
        await settle(pilot)
        assert names(screen) == ["LATISS/defaults", "LATISS/raw/all", "u/other/unrelated_run"]


@pytest.mark.both_registries
async def test_details_count_the_datasets_of_the_highlighted_collection(demo_repo, demo_manifest):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await highlight(pilot, screen, "u/dagoret/auxtel_latest", "j")
        await wait_for(pilot, lambda: "spectractorSpectrum" in screen_text(app)
                       and "counting" not in screen_text(app))
        details = str(screen.query_one("#collection-details").render())
        assert details.startswith("u/dagoret/auxtel_latest  CHAINED")
        assert f"raw {demo_manifest['exposures']:,}" in details
        assert "children: " in details


async def test_enter_makes_the_collection_current_and_opens_exposures(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await highlight(pilot, screen, "u/dagoret/auxtel_latest", "down")
        await pilot.press("enter")
        assert app.collection == "u/dagoret/auxtel_latest" and app.run_name is None
        assert app.screen.title == "Exposures"
        await pilot.press("escape")
        assert app.screen is screen and "current: u/dagoret/auxtel_latest" in screen_text(app)


async def test_registered_runs_come_first_and_enter_uses_them(demo_repo, config_dir):
    (config_dir / "runs.toml").write_text(
        f'[latest]\nrepo = "{demo_repo}"\ncollection = "u/dagoret/auxtel_latest"\nlabel = "v3.2.1"\n\n'
        '[elsewhere]\nrepo = "/repo/embargo"\ncollection = "u/x/y"\n')
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        assert names(screen)[:2] == ["elsewhere", "latest"]
        assert "run: latest → u/dagoret/auxtel_latest" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert any("/repo/embargo" in m and "--run elsewhere" in m for m in notifications(app))
        assert app.screen is screen and app.run_name is None
        await pilot.press("down", "enter")
        assert app.run_name == "latest" and app.collection == "u/dagoret/auxtel_latest"
        assert "run latest" in screen_text(app).splitlines()[0]


async def test_bad_pattern_is_a_notification_and_search_goes_on(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("slash", *"u/[x]*")
        await wait_for(pilot, lambda: screen.pattern == "u/[x]*")
        await settle(pilot)
        assert any("only the globs * and ? are supported" in m for m in notifications(app))
        assert app.is_running


async def test_slash_and_escape_move_between_search_box_and_results(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        assert app.focused.id == "collections"
        await pilot.press("slash")
        assert app.focused.id == "pattern"
        await pilot.press("escape")
        assert app.focused.id == "collections"
        await pilot.press("slash")
        assert app.focused.id == "pattern"
        await pilot.press("enter")
        assert app.focused.id == "collections" and app.screen is screen


def test_search_pattern_and_run_matching():
    assert search_pattern("dagoret") == "*dagoret*"
    assert search_pattern("u/*, latest") == "u/*,*latest*"
    assert search_pattern("  ") == "*"
    runs = [Run("b", collection="u/x/b"), Run("a", collection="u/y/a"), Run("c", collection="")]
    assert [r.name for r in NameFilter("u/x/*").runs(runs)] == ["b"]
    assert [r.name for r in NameFilter("").runs(runs)] == ["a", "b", "c"]
    assert [r.name for r in NameFilter("A", ignore_case=True).runs(runs)] == ["a"]
    assert same_repo("", "/anything") and same_repo("/repo/main", "/repo/main")
    assert not same_repo("/repo/embargo", "/repo/main") and not same_repo("main", "embargo")


async def test_with_a_current_collection_the_results_have_focus_so_screen_keys_work(demo_repo):
    app = SpectuiApp(repo=str(demo_repo), collection="u/dagoret/auxtel_latest")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "table", None) is not None)
        await pilot.press("q")
        assert app.screen.title == "Collections" and app.focused.id == "collections"
        await pilot.press("2")
        assert app.screen.title == "Exposures"


async def test_screen_keys_work_as_soon_as_the_app_opens(demo_repo):
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape", "2")
        assert app.screen.title == "Exposures"
        assert app.screen_stack[0].query_one("#pattern").value == ""


async def test_a_crowded_repository_opens_on_the_users_own_and_a_shows_all(demo_repo, tmp_path, monkeypatch):
    crowded = shutil.copytree(demo_repo, tmp_path / "crowded")
    crowd_collections(crowded, runs=30_000, chains=600)
    monkeypatch.setenv("USER", "user005")
    monkeypatch.setenv("LOGNAME", "user005")
    monkeypatch.setattr("spectui.core.butler.repo.open_repo", lambda repo: open_repo(crowded))
    app = SpectuiApp(repo=str(crowded))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.everything is not None and " match " in screen_text(app))
        assert screen.query_one("#pattern", Input).value == "u/user005/*"
        assert len(screen.results) == 102 and "102 collections match u/user005/* of 30," in screen_text(app)
        await pilot.press("a")
        await wait_for(pilot, lambda: len(screen.matched) > 30_000)
        assert len(screen.results) == len(screen.everything) == len(screen.matched)
        await pilot.press("G")
        await wait_for(pilot, lambda: screen.highlighted is screen.everything[-1])
        assert screen.everything[-1].name in screen_text(app)
        await pilot.press("pageup")
        page = screen.query_one("#collections").scrollable_content_region.height - 1
        assert page > 20 and screen.highlighted is screen.everything[-1 - page]
        await wait_for(pilot, lambda: screen.everything[-1 - page].name in screen_text(app).splitlines()[4])
        await pilot.press("slash", *"USER007/CHAIN")
        await wait_for(pilot, lambda: screen.pattern == "*USER007/CHAIN*")
        assert screen.results == [] and screen.matched == NameFilter("USER007/CHAIN").apply(screen.everything)
        await pilot.press("escape", "i")
        assert [c.name for c in screen.results] == ["u/user007/chain_000007", "u/user007/chain_000307"]
        from lsst.daf.butler import Butler, CollectionType

        Butler.from_config(str(crowded), writeable=True).registry.registerCollection(
            "u/user007/chain_new", CollectionType.CHAINED)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(screen.everything) == 30_610 and len(screen.results) == 3)
        assert screen.pattern == "*USER007/CHAIN*" and screen.results[-1].name == "u/user007/chain_new"


async def test_a_second_launch_shows_the_saved_list_until_the_butler_answers(demo_repo, monkeypatch):
    import threading

    from spectui.core.butler import collection_cache, collection_list

    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        first = names(await started(pilot))
        await wait_for(pilot, lambda: collection_cache.load_saved(str(demo_repo)) is not None)
    await_answer, real = threading.Event(), collection_list.list_collections

    def held(butler):
        await_answer.wait(30)
        return [*real(butler)[:-1]]

    monkeypatch.setattr(collection_list, "list_collections", held)
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: "reading again…" in screen_text(app) and first[-1] in screen_text(app))
        assert names(screen) == first
        await_answer.set()
        await wait_for(pilot, lambda: "reading again" not in screen_text(app))
        assert names(screen) == first[:-1]
        await wait_for(pilot, lambda: [c.name for c in collection_cache.load_saved(str(demo_repo))[0]] == first[:-1])


def test_an_unreadable_saved_collection_list_is_dropped(demo_repo):
    from spectui.core.butler import collection_cache

    collection_cache.save(str(demo_repo), [])
    assert collection_cache.load_saved(str(demo_repo))[0] == []
    collection_cache.cache_file(str(demo_repo)).write_text('{"format": 1, "repo"')
    assert collection_cache.load_saved(str(demo_repo)) is None
    assert not collection_cache.cache_file(str(demo_repo)).exists()
