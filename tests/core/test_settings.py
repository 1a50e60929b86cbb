"""The configuration file as typed settings: read once, each bad value said in one line (exit 2 on the command
line, a warning in the app that keeps the good values)."""

from __future__ import annotations

import pytest
from cli_helpers import assert_one_line_error, run

from spectui.core.errors import BadInput
from spectui.core.settings import Settings, load_settings, read_settings

GOOD = """repo = "/data/repo"
theme = "spectui-light"
animation = "basic"
mine = 1
[keymap]
"table.filter" = "ctrl+l"
"""


@pytest.fixture
def config(tmp_path, monkeypatch):
    """The configuration file of the test's own configuration directory (not written yet)."""
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SPECTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPECTUI_REPO", raising=False)
    (tmp_path / "config").mkdir()
    return tmp_path / "config" / "config.toml"


def test_no_file_is_the_defaults(config):
    assert load_settings() == Settings() and read_settings() == (Settings(), [])
    assert Settings().keymap == {} and Settings().theme is None and Settings().animation is None


def test_each_setting_is_read_typed_and_unknown_keys_are_ignored(config):
    config.write_text(GOOD)
    settings = load_settings()
    assert (settings.repo, settings.theme, settings.animation) == ("/data/repo", "spectui-light", "basic")
    assert settings.keymap == {"table.filter": "ctrl+l"} and not hasattr(settings, "mine")


OTHERS = {"repo": ('repo = "/data/repo"', "/data/repo"), "theme": ('theme = "spectui-light"', "spectui-light")}


@pytest.mark.parametrize("key, line, said", [
    ("repo", "repo = 5", "repo must be a repository path or alias, as text (got 5)."),
    ("theme", "theme = true", "theme must be a theme name, as text (got True)."),
    ("animation", 'animation = "slow"', "animation must be one of none, basic, full (got 'slow')."),
    ("keymap", 'keymap = ["ctrl+l"]', '[keymap] must map binding ids to keys, e.g. "table.filter" = "ctrl+l"'),
    ("keymap", '[keymap]\n"table.filter" = 3', "(got {'table.filter': 3})."),
])
def test_a_bad_value_is_one_line_naming_the_file_and_the_others_are_kept(config, key, line, said):
    kept = {name: value for name, (_, value) in OTHERS.items() if name != key}
    config.write_text("".join(f"{OTHERS[name][0]}\n" for name in kept) + line + "\n")
    with pytest.raises(BadInput) as raised:
        load_settings()
    message = raised.value.message
    assert message.startswith(f"configuration {config}: ") and said in message and "\n" not in message
    settings, problems = read_settings()
    assert problems == [message] and getattr(settings, key) == getattr(Settings(), key)
    assert {name: getattr(settings, name) for name in kept} == kept


def test_a_broken_file_is_one_problem_and_the_defaults(config):
    config.write_text("theme = \n")
    with pytest.raises(BadInput, match="is not valid TOML"):
        load_settings()
    settings, problems = read_settings()
    assert settings == Settings() and len(problems) == 1 and str(config) in problems[0]


def test_the_command_line_says_a_bad_setting_in_one_line_and_exits_2(config, tmp_path):
    config.write_text('animation = "slow"\n')
    assert_one_line_error(run("exposures", "-o", "-"), f"configuration {config}: animation must be one of")
    assert_one_line_error(run("--theme", "spectui-dark"), "animation must be one of none, basic, full")
    assert not (tmp_path / "data" / "demo-repo").exists(), "a bad configuration builds no demo"


def test_the_configured_repository_is_the_default_one(config, tmp_path):
    config.write_text(f'repo = "{tmp_path / "nowhere"}"\n')
    result = run("exposures", "-o", "-")
    assert result.exit_code == 2 and str(tmp_path / "nowhere") in result.stderr


def test_the_app_warns_of_each_bad_setting_and_keeps_the_good_ones(config):
    from spectui.tui.app import SpectuiApp

    config.write_text('theme = "spectui-light"\nanimation = "slow"\n[keymap]\n"table.filter" = 3\n')
    app = SpectuiApp(repo="")
    assert app.theme == "spectui-light" and app.animation_level == "none" and app.user_keymap == {}
    assert len(app.startup_problems) == 2
    assert all(problem.startswith(f"configuration {config}: ") for problem in app.startup_problems)
