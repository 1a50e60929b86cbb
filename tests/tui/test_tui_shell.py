"""The app shell: header, help, palette, quitting and going back, keymap, themes, errors as notifications."""

from __future__ import annotations

import tomllib

import pytest
from textual.command import CommandPalette
from tui_support import (  # noqa: F401  (autouse fixtures)
    config_dir,
    notifications,
    open_exposures,
    screen_text,
    settle,
    shared_butler,
    wait_for,
)

from spectui.core.errors import BadQuery
from spectui.tui.app import SpectuiApp, known_binding_ids
from spectui.tui.dialogs.help import HelpScreen, binding_rows
from spectui.tui.widgets.header_text import header_runs


def app_for(demo_repo, **kwargs) -> SpectuiApp:
    return SpectuiApp(repo=str(demo_repo), **kwargs)


async def test_header_names_screen_repo_collection_and_run(demo_repo):
    app = app_for(demo_repo, collection="u/dagoret/auxtel_latest", run_name="latest")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "table", None) is not None)
        top = screen_text(app).splitlines()[0]
        assert "spectui · Exposures" in top and str(demo_repo) in top
        assert "collection u/dagoret/auxtel_latest" in top and "run latest" in top
        app.collection = "LATISS/raw/all"
        await pilot.pause()
        assert "collection LATISS/raw/all" in screen_text(app).splitlines()[0]


async def test_header_shortens_long_values_to_fit_80_columns(demo_repo):
    long = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
    app = app_for(demo_repo, collection=long, run_name="latest")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        top = screen_text(app).splitlines()[0]
        assert len(top.rstrip()) <= 80 and "…" in top
        assert "collection u/dag" in top and top.rstrip().endswith("run latest")


def test_a_long_screen_title_leaves_room_for_repository_and_collection():
    fields = [("repo", "/sdf/group/rubin/repo/main"), ("collection", "u/dagoret/auxtel_latest"), ("run", "—")]
    for width, shown in ((80, 8), (120, 20)):
        runs = header_runs("Results: u_dagoret_auxtel_run_20251210_w_2025_49_spectractorv321", fields, "", width)
        line = "".join(text for text, _ in runs)
        assert len(line) <= width and "Results: u_" in line and "run —" in line
        assert fields[0][1][-shown // 2:] in line and f"collection {fields[1][1][:shown]}" in line


async def test_help_lists_every_binding_of_the_screen_with_its_id(demo_repo):
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exposures(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {row[3]: row for row in binding_rows(screen)}
        for binding_id in ("table.search", "table.search_next", "table.filter", "table.frequency",
                           "table.export", "table.copy", "exposures.query", "table.sort_ascending",
                           "table.selection_view", "table.hide_column", "table.select", "table.unselect",
                           "table.g_prefix", "app.help", "app.quit", "table.cursor_down"):
            assert binding_id in listed, binding_id
        assert listed["table.filter"][1] == "|, ^f" and listed["table.cursor_down"][1] == "↓, j"
        text = screen_text(app)
        assert "table.search" in text and "g s" in text and "Select every row of the view" in text
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        assert app.screen is screen


async def test_palette_finds_collections_by_typing_coll_and_runs_screen_actions(demo_repo):
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"coll")
        await wait_for(pilot, lambda: "Collections" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.title == "Collections")
        assert len(app.screen_stack) == 1
        await pilot.press("ctrl+p", *"expo", "enter")
        await wait_for(pilot, lambda: app.screen.title == "Exposures")
        await pilot.press("ctrl+p", *"select every row", "enter")
        await wait_for(pilot, lambda: app.screen.view.selected_count == app.screen.view.row_count)
        await pilot.press("ctrl+p", *"frequency table", "enter")
        await wait_for(pilot, lambda: app.screen.title == "Frequency")


async def test_q_closes_screens_then_quits_and_escape_goes_back(demo_repo):
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("escape")
        assert app.screen.title == "Collections" and app.is_running
        await pilot.press("escape")
        assert app.screen.title == "Collections" and app.is_running
        await pilot.press("2")
        assert app.screen.title == "Exposures"
        await pilot.press("q")
        assert app.screen.title == "Collections"
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_ctrl_q_quits_from_anywhere(demo_repo):
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await pilot.press("vertical_line")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_keymap_from_the_config_remaps_by_id_and_names_unknown_ids(demo_repo, config_dir):
    (config_dir / "config.toml").write_text('[keymap]\n"table.frequency" = "ctrl+o"\n"table.nope" = "x"\n')
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        await settle(pilot)
        assert any("table.nope" in m for m in notifications(app))
        await pilot.press("F")
        assert app.screen.title == "Exposures"
        await pilot.press("ctrl+o")
        assert app.screen.title == "Frequency"


def test_binding_ids_are_unique_per_screen_and_known():
    ids = known_binding_ids()
    assert {"app.quit", "app.help", "table.filter", "exposures.query", "collections.use"} <= ids


async def test_no_animation_by_default(demo_repo):
    app = app_for(demo_repo)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.animation_level == "none"


@pytest.mark.parametrize("name", ["spectui-dark", "spectui-light", "spectui-high-contrast",
                                  "spectui-terminal"])
async def test_each_theme_applies(demo_repo, name):
    app = app_for(demo_repo, theme_name=name)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == name and "Collections" in screen_text(app)
        assert app.current_theme.ansi == (name == "spectui-terminal")


async def test_theme_chosen_at_runtime_is_remembered(demo_repo, config_dir):
    app = app_for(demo_repo)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "spectui-dark"
        app.theme = "spectui-light"
        await pilot.pause()
    saved = tomllib.loads((config_dir / "config.toml").read_text())
    assert saved["theme"] == "spectui-light"
    again = app_for(demo_repo)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.theme == "spectui-light"


async def test_broken_user_theme_gives_one_notification_and_falls_back(demo_repo, config_dir):
    themes = config_dir / "themes"
    themes.mkdir()
    (themes / "good.toml").write_text('name = "mine"\nprimary = "#336699"\ndark = true\n')
    (themes / "bad.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (config_dir / "config.toml").write_text('theme = "broken"\n')
    app = app_for(demo_repo)
    async with app.run_test() as pilot:
        await pilot.pause()
        shown = notifications(app)
        assert len(shown) == 1 and "bad.toml" in shown[0] and "Using spectui-dark" in shown[0]
        assert app.theme == "spectui-dark" and "mine" in app.available_themes


async def test_unknown_theme_and_broken_config_are_notified_not_fatal(demo_repo, config_dir):
    (config_dir / "config.toml").write_text("theme = \n")
    app = app_for(demo_repo, theme_name="nosuch")
    async with app.run_test() as pilot:
        await pilot.pause()
        shown = " ".join(notifications(app))
        assert "not valid TOML" in shown and "unknown theme 'nosuch'" in shown
        assert app.theme == "spectui-dark" and app.is_running


async def test_core_errors_become_notifications_and_the_app_keeps_running(demo_repo, monkeypatch):
    def failing(butler, selection):
        raise BadQuery("bad exposure query: something the user typed.")

    monkeypatch.setattr("spectui.core.butler.exposures.query_exposures", failing)
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_screen("exposures")
        await settle(pilot)
        assert "bad exposure query: something the user typed." in notifications(app)
        assert app.is_running and app.screen.view is None
        assert "no exposures loaded" in screen_text(app)


def test_stylesheet_takes_every_colour_from_the_theme():
    import re

    from spectui.themes.builtin import stylesheet_path

    text = re.sub(r"/\*.*?\*/", "", stylesheet_path().read_text(), flags=re.S)
    colour_rules = re.findall(r"^\s*(color|background|border[a-z-]*|[a-z-]*-color)\s*:\s*([^;]+);", text,
                              re.M)
    assert colour_rules
    for prop, value in colour_rules:
        words = value.split()
        assert any(w.startswith("$") for w in words) or value.strip() in ("none", "initial"), (prop, value)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgb\(|hsl\(", text)


def test_launch_with_a_registered_run_opens_its_repository_and_collection(demo_repo, config_dir, monkeypatch):
    from spectui.tui.cli.launch import launch_app

    (config_dir / "runs.toml").write_text(
        f'[latest]\nrepo = "{demo_repo}"\ncollection = "u/dagoret/auxtel_latest"\n')
    started = []
    monkeypatch.setattr(SpectuiApp, "run", lambda self, mouse=True: started.append((self, mouse)))
    launch_app(repo=None, collection=None, run_name="latest", theme="spectui-light", mouse=False)
    app, mouse = started[0]
    assert (app.repo, app.collection, app.run_name, app.theme, mouse) == (
        str(demo_repo), "u/dagoret/auxtel_latest", "latest", "spectui-light", False)


async def test_an_unknown_collection_at_launch_is_said_once_and_collections_opens(demo_repo):
    app = app_for(demo_repo, collection="nosuch/coll")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.title == "Collections" and notifications(app))
        await settle(pilot)
        said = [n for n in notifications(app) if "nosuch/coll" in n]
        assert len(said) == 1 and "no collection 'nosuch/coll'" in said[0]
        assert app.collection is None and app.focused.id == "collections"


async def test_the_same_error_is_shown_once_and_a_success_takes_it_down(demo_repo):
    app = app_for(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.report(BadQuery("the registry cannot be reached."))
        app.report(BadQuery("the registry cannot be reached."))
        await pilot.pause()
        assert notifications(app) == ["the registry cannot be reached."]
        app.clear_errors()
        await pilot.pause()
        assert notifications(app) == []


async def test_a_registry_gone_away_is_one_line_as_on_the_command_line(demo_repo):
    from sqlalchemy.exc import OperationalError

    app = app_for(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        gone = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        app.report(gone)
        app.report(gone)
        await pilot.pause()
        assert notifications(app) == ["the repository's registry cannot be reached (connection refused); check the "
                                      "database is up and try again."]



def test_the_tested_textual_fastdatatable_is_the_one_pyproject_pins():
    from pathlib import Path

    from spectui.tui.widgets.fastdatatable_version import PACKAGE, TESTED_VERSION

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert f"{PACKAGE}=={TESTED_VERSION}" in pyproject["project"]["dependencies"]


@pytest.mark.parametrize("installed", ["0.20.0", None])
async def test_an_untested_textual_fastdatatable_is_said_once_and_the_tables_still_work(
        demo_repo, tmp_path, monkeypatch, installed):
    from spectui.core.tables.table_files import open_table_file
    from spectui.tui.files_app import FilesApp
    from spectui.tui.widgets import fastdatatable_version

    monkeypatch.setattr(fastdatatable_version, "installed_version", lambda: installed)
    (tmp_path / "small.csv").write_text("id,x\n1,0.5\n2,1.5\n")
    for app in (app_for(demo_repo), FilesApp([open_table_file(tmp_path / "small.csv")])):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            if isinstance(app, FilesApp):
                await wait_for(pilot, lambda: app.screen.view is not None)
            else:
                await open_exposures(pilot)
            said = [n for n in notifications(app) if "textual-fastdatatable" in n]
            assert len(said) == 1 and "tested with 0.19.5" in said[0]
            assert (installed or "of unknown version") in said[0]
            assert app.is_running and app.screen.table.row_count > 0


async def test_the_tested_textual_fastdatatable_is_not_mentioned(demo_repo, monkeypatch):
    from spectui.tui.widgets import fastdatatable_version

    tested = fastdatatable_version.TESTED_VERSION
    monkeypatch.setattr(fastdatatable_version, "installed_version", lambda: tested)
    app = app_for(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_exposures(pilot)
        assert not [n for n in notifications(app) if "fastdatatable" in n]
        assert fastdatatable_version.version_notice() is None
