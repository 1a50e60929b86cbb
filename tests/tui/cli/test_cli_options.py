"""Options that mean the same in every command: the app's options, --run with --repo, --target, expression
languages, output formats."""

from __future__ import annotations

import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run

RUN = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
OTHER = "u/dagoret/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a"
TABLE_EXAMPLE = "`PWV [mm]_spectrum` > 2 and CHI2_FIT < 30"


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


def test_a_repository_given_before_the_command_is_the_commands_and_a_collection_there_is_refused(demo_repo,
                                                                                                  tmp_path):
    before = run("--repo", str(demo_repo), "collections", "u/jneveu/*", "--no-counts", "--format", "csv")
    after = run("collections", "u/jneveu/*", "--repo", str(demo_repo), "--no-counts", "--format", "csv")
    assert before.exit_code == after.exit_code == 0 and before.stdout == after.stdout
    assert "u/jneveu/" in before.stdout
    assert_one_line_error(run("--repo", str(tmp_path), "exposures", "-o", str(tmp_path / "e.csv")),
                          f"no Butler repository at {tmp_path}")
    assert_one_line_error(run("--repo", str(tmp_path), "plot", "efficiency", "-c", "x", "-o",
                              str(tmp_path / "e.png")), f"no Butler repository at {tmp_path}")
    assert_one_line_error(run("-c", RUN, "exposures", "-o", str(tmp_path / "e.csv")),
                          "--collection before the command only opens the app")


def test_run_with_a_repo_or_collection_that_says_otherwise_is_refused_everywhere(demo_repo, tmp_path,
                                                                                   monkeypatch):
    assert run("runs", "add", "v32", "--repo", str(demo_repo), "-c", RUN).exit_code == 0
    elsewhere = str(tmp_path / "elsewhere")
    refused = f"run 'v32' is in repository {demo_repo}, not --repo {elsewhere}: pass one or the other."
    for command in (["exposures", "-o", "-"], ["collections"], ["missing"], ["extract", "-o", "x.parquet"],
                    ["compare", "v32", OTHER], []):
        assert_one_line_error(run(*command, "--run", "v32", "--repo", elsewhere)
                              if command[:1] != ["compare"] else run(*command, "--repo", elsewhere), refused)
    assert_one_line_error(run("missing", "--run", "v32", "-c", OTHER), f"gives {RUN}, not --collection {OTHER}")
    agreeing = run("exposures", "--run", "v32", "--repo", f"{demo_repo}/", "-o", "-")
    assert agreeing.exit_code == 0
    assert agreeing.stdout == run("exposures", "--repo", str(demo_repo), "-o", "-").stdout
    started = StartedApps()
    monkeypatch.setattr("spectui.tui.app.SpectuiApp", started)
    monkeypatch.setattr("spectui.core.butler.exposure_process.ExposureQueryProcess", lambda *a, **k: _NoQuery())
    assert run("--run", "v32", "--repo", str(demo_repo), "-c", RUN).exit_code == 0
    assert started == [{"theme": None, "repo": str(demo_repo), "collection": RUN, "mouse": True}]


class _NoQuery:
    """Stands for the launch's exposure query process."""

    def cancel(self) -> None:
        """Nothing runs, so nothing to stop."""


def test_a_target_no_exposure_has_is_warned_about(demo_repo):
    result = run("exposures", "--repo", str(demo_repo), "--target", "HD2811", "--target", "HD281", "-o", "-")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == ("warning: no exposure in the selection has target 'HD281'; "
                                             "did you mean HD2811?")
    assert "'HD2811'" not in result.stderr and len(pd.read_csv(__import__("io").StringIO(result.stdout))) > 0
    missing = run("missing", "--repo", str(demo_repo), "-c", RUN, "--target", "Vega")
    assert missing.exit_code == 0
    assert "warning: no exposure in the selection has target 'Vega'; targets there: " in missing.stderr
    quiet = run("exposures", "--repo", str(demo_repo), "--target", "HD2811", "-o", "-")
    assert "warning" not in quiet.stderr


@pytest.fixture
def results_file(tmp_path):
    path = tmp_path / "results.parquet"
    pd.DataFrame({"id": [1, 2, 3, 4], "CHI2_FIT": [10.0, 20.0, 40.0, 25.0],
                  "PWV [mm]_spectrum": [1.0, 3.0, 4.0, 2.5]}).to_parquet(path)
    return str(path)


def test_stats_keeps_rows_by_a_table_expression_under_its_own_name(results_file):
    kept = run("stats", results_file, "-C", "CHI2_FIT", "--rows", TABLE_EXAMPLE)
    assert kept.exit_code == 0 and "2 of 4 rows pass the selection" in kept.stderr
    old_name = run("stats", results_file, "-C", "CHI2_FIT", "--where", TABLE_EXAMPLE)
    assert old_name.stdout == kept.stdout
    for option in ("--rows", "--where"):
        result = run("stats", results_file, "-C", "CHI2_FIT", option, "exposure.zenith_angle < 40")
        assert_one_line_error(result, f"bad {option} expression 'exposure.zenith_angle < 40' (position 1): "
                                      "unknown column 'exposure.zenith_angle'")
        hint = f"({option} takes a table expression over the file's columns, such as {TABLE_EXAMPLE})"
        assert hint in result.stderr
    both = run("stats", results_file, "-C", "CHI2_FIT", "--rows", "CHI2_FIT < 1", "--where", "x")
    assert_one_line_error(both, "--where is the old name of --rows")
    shown = run("stats", "--help").stdout
    assert "--rows EXPR" in shown and "--where" not in shown


def test_every_output_option_lists_every_format_written():
    from spectui.core.tables.table_io import WRITE_FORMATS
    from spectui.tui.cli.main import main

    checked = 0
    tables = {name: command for name, command in main.commands.items() if name != "report"}
    for name, command in tables.items():
        for param in command.params:
            if param.name in ("output", "summary_path"):
                assert all(fmt in param.help for fmt in WRITE_FORMATS), (name, param.help)
                checked += 1
    assert checked == 6
    formats = next(p for p in main.commands["collections"].params if p.name == "fmt")
    assert all(fmt in formats.help for fmt in formats.type.choices)
