"""`spectui open`: every format typed the same way, bad files as one line, the table keys on opened files."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from cli_helpers import assert_one_line_error, run
from tui_support import notifications, screen_text, settle, wait_for

from spectui.core.errors import BadInput
from spectui.core.tables.column_notes import describe_column, holds_spectractor_results
from spectui.core.tables.table_files import open_table_file
from spectui.core.tables.table_io import read_table
from spectui.tui.dialogs.columns import ColumnsScreen
from spectui.tui.dialogs.export import ExportScreen
from spectui.tui.dialogs.frequency import FrequencyScreen
from spectui.tui.dialogs.help import HelpScreen
from spectui.tui.files_app import FilesApp
from spectui.tui.screens.file import FileScreen

ROWS = 12
TARGETS = ["HD185975", "HD38666", "HD2811"]


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Exports land in the test's directory, and no Butler repository can be opened."""
    monkeypatch.chdir(tmp_path)

    def no_repository(repo):
        raise AssertionError(f"spectui open tried to open a Butler repository ({repo!r})")

    monkeypatch.setattr("spectui.core.butler.repo.open_repo", no_repository)


@pytest.fixture
def results() -> pd.DataFrame:
    """A small merged results table as the notebooks make it: DATE-OBS first, fits as _x/_y, ex_ columns."""
    rng = np.random.default_rng(3)
    ids = 2025010700001 + np.arange(ROWS)
    return pd.DataFrame({
        "DATE-OBS": [f"2025-01-08T03:{minute:02d}:07.250Z" for minute in range(ROWS)],
        "id": ids,
        "TARGET": [TARGETS[i % 3] for i in range(ROWS)],
        "FILTER": ["empty", "OG550_65mm_1"] * (ROWS // 2),
        "D2CCD": np.round(rng.normal(187.0, 0.1, ROWS), 3),
        "PWV [mm]_x": np.round(rng.uniform(1, 8, ROWS), 2),
        "PWV [mm]_err_x": np.round(rng.uniform(0.1, 1, ROWS), 2),
        "PWV [mm]_y": np.round(rng.uniform(1, 8, ROWS), 2),
        "ex_day_obs": np.full(ROWS, 20250107),
    })


def write(results: pd.DataFrame, path, kind: str):
    """Write `results` the way the notebooks (or spectui) leave such files."""
    if kind == "parquet":
        results.to_parquet(path, index=False)
    elif kind == "parquet.gz":
        results.to_parquet(path, compression="gzip")
    elif kind == "csv":
        results.to_csv(path)
    elif kind == "json":
        results.to_json(path, orient="records")
    elif kind == "npy":
        frame = results.assign(**{"DATE-OBS": pd.to_datetime(results["DATE-OBS"]).dt.tz_localize(None)})
        records = frame.set_index("DATE-OBS").to_records()
        plain = records.astype([(name, "U16" if records.dtype[name].kind == "O" else records.dtype[name])
                                for name in records.dtype.names])
        np.save(path, plain, allow_pickle=False)
    elif kind == "pickled npy":
        np.save(path, results.to_records(), allow_pickle=True)
    return path


@pytest.mark.parametrize("kind, name", [
    ("parquet", "r.parquet"), ("parquet.gz", "r_merged.parquet.gz"), ("csv", "exposures.csv"),
    ("json", "r.json"), ("npy", "r_merged.npy")])
def test_each_format_opens_typed_the_same_way(results, tmp_path, kind, name):
    opened = open_table_file(write(results, tmp_path / name, kind))
    table = opened.table
    assert opened.complete and opened.rows == ROWS and opened.key == "id"
    assert sorted(table.column_names) == sorted(results.columns)
    assert table.schema.field("id").type == pa.int64()
    assert table.column("id").to_pylist() == results["id"].tolist()
    assert table.schema.field("DATE-OBS").type == pa.timestamp("ns", tz="UTC")
    assert table.column("DATE-OBS")[0].as_py().isoformat() == "2025-01-08T03:00:07.250000+00:00"
    assert table.column("TARGET").to_pylist() == results["TARGET"].tolist()
    assert table.column("PWV [mm]_err_x").to_pylist() == results["PWV [mm]_err_x"].tolist()
    assert table.schema.field("ex_day_obs").type == pa.int64()


def test_a_parquet_file_gzipped_whole_opens_too(results, tmp_path):
    import gzip

    plain = write(results, tmp_path / "r.parquet", "parquet")
    wrapped = tmp_path / "r.parquet.gz"
    wrapped.write_bytes(gzip.compress(plain.read_bytes()))
    assert open_table_file(wrapped).table.column("id").to_pylist() == results["id"].tolist()


def test_ids_stored_as_floats_with_gaps_become_integers(tmp_path):
    path = tmp_path / "merged.parquet"
    pd.DataFrame({"id": [2025010700001.0, np.nan, 2025010700003.0], "ex_seq_num": [1.0, 2.0, 3.0],
                  "AIRMASS": [1.0, 2.0, 3.0]}).to_parquet(path)
    table = open_table_file(path).table
    assert table.column("id").to_pylist() == [2025010700001, None, 2025010700003]
    assert table.schema.field("ex_seq_num").type == pa.int64()
    assert table.schema.field("AIRMASS").type == pa.float64()


def test_a_file_without_ids_gets_row_numbers_as_its_key(tmp_path):
    path = tmp_path / "fits.csv"
    pd.DataFrame({"A1_y": [0.9, 1.1], "TARGET": ["HD2811", "HD38666"]}).to_csv(path, index=False)
    opened = open_table_file(path)
    assert opened.key == "row" and opened.table.column("row").to_pylist() == [1, 2]


def test_a_big_parquet_file_gives_its_first_rows_first(results, tmp_path):
    path = tmp_path / "big.parquet"
    pd.concat([results] * 50, ignore_index=True).to_parquet(path, row_group_size=100)
    opened = open_table_file(path, first_rows=40)
    assert opened.table.num_rows == 40 and opened.rows == 50 * ROWS and not opened.complete
    assert opened.read_all().num_rows == 50 * ROWS and opened.complete


def test_a_big_csv_gives_its_first_block_first_then_every_row_typed_from_all(tmp_path):
    path = tmp_path / "exposures.csv"
    frame = pd.DataFrame({"id": 2025010700001 + np.arange(60_000), "obs_id": "AT_O_20250107_000001",
                          "level": [1] * 59_999 + ["high"]})
    frame.to_csv(path)
    opened = open_table_file(path)
    assert opened.rows is None and 0 < opened.table.num_rows < 60_000 and not opened.complete
    assert opened.table.schema.field("level").type == pa.int64()
    table = opened.read_all()
    assert opened.complete and opened.rows == table.num_rows == 60_000
    assert table.schema.field("level").type == pa.string() and table.column("id")[-1].as_py() == 2025010760000


def test_pickled_npy_is_refused_unless_trusted(results, tmp_path):
    path = write(results, tmp_path / "old_v12.npy", "pickled npy")
    with pytest.raises(BadInput, match="pickled Python objects.*--trust-pickle"):
        open_table_file(path)
    table = open_table_file(path, trust_pickle=True).table
    assert table.column("TARGET").to_pylist() == results["TARGET"].tolist()
    assert "index" not in table.column_names and table.schema.field("id").type == pa.int64()


def test_cli_refuses_a_pickled_npy_in_one_line_and_opens_it_with_the_flag(results, tmp_path, monkeypatch):
    path = write(results, tmp_path / "old_v12.npy", "pickled npy")
    assert_one_line_error(run("open", str(path)), "--trust-pickle")
    shown = []
    monkeypatch.setattr(FilesApp, "run", lambda app, **kwargs: shown.append(app.files))
    result = run("open", "--trust-pickle", str(path), str(write(results, tmp_path / "r.csv", "csv")))
    assert result.exit_code == 0, result.output
    assert [opened.name for opened in shown[0].values()] == ["old_v12.npy", "r.csv"]


@pytest.mark.parametrize("name, content, message", [
    ("missing.parquet", None, "no such file: missing.parquet"),
    ("notes.txt", b"hello", "cannot tell the format of notes.txt"),
    ("broken.parquet", b"PAR1 not really", "cannot read broken.parquet as parquet"),
    ("ragged.csv", b"a,b\n1,2\n3,4,5\n", "cannot read ragged.csv as csv"),
    ("plain.npy", None, "plain array, not a record array"),
    ("scalar.json", b"42", "holds JSON, but not a table"),
])
def test_a_bad_file_stops_with_one_line_and_status_2(results, tmp_path, name, content, message):
    path = tmp_path / name
    if name == "plain.npy":
        np.save(path, np.arange(3))
    elif content is not None:
        path.write_bytes(content)
    write(results, tmp_path / "good.csv", "csv")
    assert_one_line_error(run("open", "good.csv", name), message)


def test_open_help_imports_no_heavy_module():
    import subprocess

    code = ("import sys; from spectui.tui.cli.main import main\n"
            "try: main(['open', '--help'])\nexcept SystemExit: pass\n"
            "heavy = ('pandas', 'textual', 'pyarrow', 'lsst.daf.butler')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_column_help_explains_the_notebooks_suffixes():
    assert describe_column("PWV [mm]_x").endswith("spectrogram (2D) fit, the notebooks' _x")
    assert describe_column("PWV [mm]_err_y").startswith("1σ error of PWV [mm]")
    assert "spectrum (1D) fit" in describe_column("PWV [mm]_err_y")
    assert "spectrum (1D) fit" in describe_column("A1_spectrum")
    assert describe_column("ex_time_start").endswith("(from the exposure list, merged by id)")
    assert describe_column("alpha_0_2") == ("PSF Moffat α, polynomial coefficient of degree 0, "
                                            "diffraction order 2")
    assert describe_column("shift_x") == "" and describe_column("mystery_y") == ""
    assert holds_spectractor_results(["id", "VAOD_y"]) and not holds_spectractor_results(["id", "obs_id"])


# The app on opened files


async def ready(pilot) -> FileScreen:
    """Wait until the current file's view is built (every key works); the screen."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, FileScreen) and app.screen.view is not None)
    await settle(pilot)
    return app.screen


def app_on(*paths, **kwargs) -> FilesApp:
    return FilesApp([open_table_file(path, **kwargs) for path in paths])


async def test_filter_then_export_writes_exactly_the_rows_shown(results, tmp_path):
    app = app_on(write(results, tmp_path / "run_merged.parquet.gz", "parquet.gz"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert f"{ROWS} of {ROWS} rows" in screen_text(app)
        await pilot.press("vertical_line", *"TARGET == 'HD38666' and `PWV [mm]_x` > 2", "enter")
        expected = results[(results["TARGET"] == "HD38666") & (results["PWV [mm]_x"] > 2)]
        assert 0 < len(expected) < ROWS
        assert f"{len(expected)} of {ROWS} rows" in screen_text(app)
        assert "filter: TARGET == 'HD38666' and `PWV [mm]_x` > 2" in screen_text(app)
        await pilot.press("vertical_line", *"`PWV [mm]_x` >")
        assert screen.query_one("#prompt-input").value.endswith("> 2`PWV [mm]_x` >")
        await pilot.press("escape")
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ExportScreen) and "run_merged.csv" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        written = read_table(tmp_path / "run_merged.csv")
        assert written["id"].tolist() == expected["id"].tolist()
        assert written["PWV [mm]_err_x"].tolist() == expected["PWV [mm]_err_x"].tolist()
        assert app.screen is screen and any("Wrote" in m for m in notifications(app))


async def test_column_names_show_literally_not_as_markup(results, tmp_path):
    app = app_on(write(results, tmp_path / "r.csv", "csv"))
    async with app.run_test(size=(160, 20)) as pilot:
        await ready(pilot)
        header = screen_text(app).splitlines()[2]
        assert "PWV [mm]_x" in header and "PWV [mm]_err_x" in header


async def test_a_table_from_a_dataframe_is_drawn_as_the_same_table_opened_from_a_file(tmp_path):
    from spectui.core.tables.views import TableView
    from spectui.tui.screens.table import TableScreen

    frame = pd.DataFrame({"id": [1, 2, 3], "ratio": [0.5, 1.25, np.nan], "tiny": [1e-6, -2.5e-7, 3e-5],
                          "name": ["ascii", "日本語のテキスト", None]})
    frame.to_parquet(tmp_path / "t.parquet")
    app = app_on(tmp_path / "t.parquet")
    async with app.run_test(size=(100, 16)) as pilot:
        opened = (await ready(pilot)).table
        app.push_screen(TableScreen(TableView(frame), title="frame"))
        await wait_for(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.table is not None)
        await pilot.pause()
        made = app.screen.table

        def lines(table) -> list[str]:
            return ["".join(segment.text for segment in table.render_line(y)) for y in range(4)]

        assert lines(made) == lines(opened)
        second = lines(made)[2]
        assert "1.25" in second and "-2.5e-07" in second and "日本語のテキスト" in second


async def test_frequency_then_sort_on_an_opened_csv(results, tmp_path):
    app = app_on(write(results, tmp_path / "exposures.csv", "csv"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert "Unnamed" not in screen_text(app) and screen.view.columns[0] == "DATE-OBS"
        await pilot.press("right", "right", "F")
        assert isinstance(app.screen, FrequencyScreen) and "HD185975" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.view.filter_text == "TARGET == 'HD185975'"
        await pilot.press("left", "right_square_bracket")
        assert screen.view.frame()["id"].tolist() == sorted(results["id"][results["TARGET"] == "HD185975"],
                                                             reverse=True)


async def test_the_column_line_help_screen_and_columns_list_explain_the_suffixes(results, tmp_path):
    app = app_on(write(results, tmp_path / "r.npy", "npy"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("dollar_sign")
        note = screen_text(app).splitlines()[1]
        assert "ex_day_obs · integer · observing night (from the exposure list, merged by id)" in note
        await pilot.press("C")
        assert isinstance(app.screen, ColumnsScreen) and "ex_day_obs: observing night" in screen_text(app)
        await pilot.press("up", "up", "enter")
        assert app.screen is screen and screen.current_column == "PWV [mm]_err_x"
        meaning = "1σ error of PWV [mm] (precipitable water vapour, mm) — spectrogram (2D) fit"
        assert meaning in screen_text(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "ends in _x for the" in shown and "spectrogram (2D forward-model) fit" in shown


async def test_h_plots_the_rows_shown_of_a_results_file_and_is_absent_elsewhere(results, tmp_path):
    from spectui.tui.screens.histogram import HistogramScreen

    exposures = tmp_path / "holosummary.csv"
    results[["id", "ex_day_obs"]].rename(columns={"ex_day_obs": "day_obs"}).to_csv(exposures)
    app = app_on(write(results, tmp_path / "r.parquet", "parquet"), exposures)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("vertical_line", *"FILTER == 'empty'", "enter", *["right"] * 5)
        assert "H" in screen.active_bindings and screen.current_column == "PWV [mm]_x"
        await pilot.press("H")
        plot = app.screen
        assert isinstance(plot, HistogramScreen) and plot.spec.column == "PWV [mm]_x"
        assert plot.table["id"].tolist() == results["id"][results["FILTER"] == "empty"].tolist()
        await pilot.press("escape", "2")
        await ready(pilot)
        assert "H" not in app.screen.active_bindings
        await pilot.press("H")
        assert isinstance(app.screen, FileScreen)


async def test_a_problem_deep_in_a_big_csv_is_told_in_the_app_which_keeps_the_first_rows(tmp_path):
    path = tmp_path / "ragged.csv"
    lines = ["id,TARGET"] + [f"{2025010700001 + i},HD185975" for i in range(80_000)] + ["1,2,3"]
    path.write_text("\n".join(lines) + "\n")
    app = app_on(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: any("cannot read" in m for m in notifications(app)))
        await settle(pilot)
        assert "could not be read to the end" in screen_text(app) and "2025010700001" in screen_text(app)
        assert app.screen.view is None
        await pilot.press("q")
        assert not app.is_running


async def test_several_files_are_views_to_switch_between_and_q_closes_each(results, tmp_path):
    first = write(results, tmp_path / "a.parquet", "parquet")
    second = write(results.head(5), tmp_path / "b.json", "json")
    app = app_on(first, second)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        top = screen_text(app).splitlines()[0]
        assert "spectui · a.parquet" in top and "switch 1 2" in top and len(top.rstrip()) <= 80
        await pilot.press("2")
        await ready(pilot)
        assert app.screen.title == "b.json" and "5 of 5 rows" in screen_text(app)
        await pilot.press("vertical_line", *"FILTER == 'empty'", "enter", "1")
        assert app.screen.title == "a.parquet" and f"{ROWS} of {ROWS} rows" in screen_text(app)
        await pilot.press("2")
        assert "3 of 5 rows" in screen_text(app)
        await pilot.press("q")
        assert app.screen.title == "a.parquet" and list(app.files) == [1]
        await pilot.pause()
        assert "switch" not in screen_text(app).splitlines()[0]
        await pilot.press("2")
        assert app.screen.title == "a.parquet" and app.is_running
        await pilot.press("q")
        assert not app.is_running


@pytest.fixture
def second_file_held(results, tmp_path, monkeypatch):
    """a.parquet, and b.json whose view is built only once the returned event is set."""
    import threading

    first = write(results, tmp_path / "a.parquet", "parquet")
    second = write(results.head(5), tmp_path / "b.json", "json")
    released, build_view = threading.Event(), FileScreen._build_view

    def held(screen):
        if screen.opened.name == "b.json":
            released.wait(30)
        build_view(screen)

    monkeypatch.setattr(FileScreen, "_build_view", held)
    return first, second, released


async def test_a_file_left_for_another_while_it_is_read_gets_its_view(second_file_held):
    first, second, released = second_file_held
    app = app_on(first, second)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        later = app.screen
        await wait_for(pilot, lambda: later.view_worker is not None)
        await pilot.press("1")
        assert app.screen.title == "a.parquet"
        released.set()
        await wait_for(pilot, lambda: later.view is not None)
        await pilot.press("2")
        await pilot.pause()
        assert app.screen is later and "5 of 5 rows" in screen_text(app)


async def test_a_file_closed_while_it_is_read_is_dropped_quietly(second_file_held):
    first, second, released = second_file_held
    app = app_on(first, second, first, first)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        closed = app.screen
        await wait_for(pilot, lambda: closed.view_worker is not None)
        await pilot.press("q")
        assert app.file_number == 3 and list(app.files) == [1, 3, 4]
        released.set()
        await wait_for(pilot, lambda: closed.view_worker.is_finished)
        await settle(pilot)
        assert closed.view is None and app.is_running


async def test_a_closed_screen_is_not_open_while_a_file_is_not_shown_yet(results, tmp_path):
    first = write(results, tmp_path / "a.parquet", "parquet")
    app = app_on(first, first)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("C")
        columns = app.screen
        await pilot.press("escape")
        assert app.screen is screen and app.holds_screen(screen) and not app.holds_screen(columns)


async def test_a_big_parquet_shows_its_first_rows_then_the_whole_file(results, tmp_path):
    path = tmp_path / "big.parquet"
    pd.concat([results] * 100, ignore_index=True).to_parquet(path, row_group_size=200)
    app = FilesApp([open_table_file(path, first_rows=100)])
    first_shown = []
    start_view = FileScreen._start_view

    def record_then_start(screen):
        first_shown.append((screen.table.row_count, screen.view))
        start_view(screen)

    FileScreen._start_view = record_then_start
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready(pilot)
            assert first_shown == [(100, None)]
            assert screen.table.row_count == 100 * ROWS
            assert f"{100 * ROWS:,} of {100 * ROWS:,} rows" in screen_text(app)
    finally:
        FileScreen._start_view = start_view
