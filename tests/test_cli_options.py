"""Options that mean the same in every command: the app's options, --run with --repo, --target, expression
languages, output formats."""

from __future__ import annotations

import pytest

from cli_helpers import run


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


class StartedApps(list):
    """Stands for an app class: records the options each app is made and run with, and starts none."""

    def __call__(self, *args, theme_name=None, **kwargs):
        self.append({"theme": theme_name, **{k: v for k, v in kwargs.items() if k in ("repo", "collection")}})
        return self

    def run(self, *, mouse: bool) -> None:
        self[-1]["mouse"] = mouse


def test_open_takes_the_apps_options_and_passes_them_on(tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    path.write_text("id,CHI2_FIT\n2025010700001,12.5\n")
    started = StartedApps()
    monkeypatch.setattr("spectui.tui.files_app.FilesApp", started)
    for args in (["open", str(path), "--theme", "spectui-light", "--no-mouse"],
                 ["--theme", "spectui-terminal", "--no-mouse", "open", str(path)], ["open", str(path)]):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert started == [{"theme": "spectui-light", "mouse": False}, {"theme": "spectui-terminal", "mouse": False},
                       {"theme": None, "mouse": True}]
