"""The frame `spectui open` draws before Textual is imported: the app's own first frame, cell for cell (from
Arrow, or for CSV files from the standard library before pyarrow is imported), and a terminal given back as it
was; bad files still stop with one line and no frame."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.style import Style
from terminal import Terminal, spectui_command
from textual._compositor import CompositorUpdate
from textual.color import Color
from textual.filter import dim_color
from tui_support import config_dir, wait_for  # noqa: F401  (autouse fixture)

from spectui.core.tables.csv_head import read_csv_head
from spectui.core.tables.table_files import open_table_file
from spectui.themes import builtin, palettes
from spectui.tui.files_app import FilesApp
from spectui.tui.widgets.first_frame import (
    arrow_first_rows,
    first_frame_theme,
    frame_lines,
    frame_styles,
    head_first_rows,
    render,
)

ROWS = 4000


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    """A results table as the notebooks leave it, big enough for a first block (CSV) and a first batch."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        "id": 2023010100000 + np.arange(ROWS),
        "DATE-OBS": pd.Timestamp("2023-01-01T01:00:00Z") + pd.to_timedelta(np.arange(ROWS) * 97, unit="s"),
        "TARGET": rng.choice(["HD38666", "HD185975", "HDé2811"], ROWS),
        "D2CCD": np.round(rng.normal(187.0, 0.2, ROWS), 4),
        "PSF_REG": rng.normal(0.02, 0.01, ROWS),
        "PWV [mm]_y": rng.normal(4.0, 1.0, ROWS),
        "seq_num": pd.array([None if i % 7 == 0 else i for i in range(ROWS)], dtype="Int64"),
        "note": [None if i % 5 else "ok" for i in range(ROWS)],
    })
    folder = tmp_path_factory.mktemp("first-frame")
    for column in range(30):
        frame[f"VAOD_{column}_x"] = rng.random(ROWS)
    frame.to_csv(folder / "results.csv")
    frame.to_parquet(folder / "results.parquet", index=False)
    frame[["id", "TARGET"]].head(3).to_csv(folder / "narrow.csv", index=False)
    return {name: str(folder / name) for name in ("results.csv", "results.parquet", "narrow.csv")}


async def app_first_frame(opened, theme: str, size: tuple[int, int]) -> list[list[tuple[str, Style]]]:
    """The app's first frame, as (character, style) cells per line."""
    app = FilesApp(opened, theme_name=theme)
    frames = []
    display = app._display

    def record(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate) and not frames:
            frames.append([cells([(segment.text, segment.style or Style()) for segment in strip])
                           for strip in screen._compositor.render_strips()])

    app._display = record
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: frames)
    return frames[0]


def cells(runs) -> list[tuple[str, tuple]]:
    """Each terminal cell of a line: its character ('' for the second half of a wide one) and its look."""
    out = []
    for text, style in runs:
        look = looks(style)
        for character in text:
            out.append((character, look))
            if cell_len(character) == 2:
                out.append(("", look))
    return out


def looks(style: Style) -> tuple:
    """What a style shows: colours and attributes (not the app's mouse metadata)."""
    def colour(value):
        return value and (value.type, value.number, value.triplet)

    return (colour(style.color), colour(style.bgcolor), bool(style.bold), bool(style.dim), bool(style.italic),
            bool(style.underline), bool(style.reverse), bool(style.strike))


def opened_as(names: list[str], files: dict[str, str], reader: str):
    """The files opened as `spectui open` opens them, and what its first frame shows of the first one."""
    opened = [open_table_file(files[name]) for name in names]
    if reader == "arrow":
        return opened, arrow_first_rows(opened[0])
    for table_file in opened:
        table_file.head = read_csv_head(table_file.path)
    return opened, head_first_rows(opened[0].head)


def our_frame(first, opened, theme: str, size: tuple[int, int]) -> list[list[tuple[str, tuple]]]:
    drawn = frame_lines(first, [table_file.path for table_file in opened], theme, *size)
    assert drawn is not None
    return [cells([(text, Style.parse(style)) for text, style in line]) for line in drawn]


@pytest.mark.parametrize("names, size, reader", [
    (["results.csv"], (120, 40), "arrow"),
    (["results.csv"], (120, 40), "standard library"),
    (["results.parquet"], (80, 24), "arrow"),
    (["results.csv", "narrow.csv"], (80, 24), "standard library"),
    (["results.csv", "results.parquet"], (120, 40), "arrow"),
    (["narrow.csv"], (60, 12), "arrow"),
    (["narrow.csv"], (60, 12), "standard library"),
])
@pytest.mark.parametrize("theme", sorted(palettes.PALETTES))
async def test_the_first_frame_is_the_apps_first_frame_cell_for_cell(files, names, size, reader, theme):
    opened, first = opened_as(names, files, reader)
    assert our_frame(first, opened, theme, size) == await app_first_frame(opened, theme, size)


def shown(theme, name: str) -> Color:
    """A colour of `theme` as the app shows it (Textual's generated variables; ANSI themes keep their own)."""
    return Color.parse(getattr(theme, name) if theme.ansi else theme.to_color_system().generate()[name])


def text_over(background: Color, value: str) -> Color:
    """A theme's text variable ('auto N%' or a colour) as drawn over `background`."""
    if value.startswith("auto "):
        return background + background.get_contrast_text(float(value.removeprefix("auto ").rstrip("%")) / 100)
    return background + Color.parse(value)


def style_of(theme_name: str, part: str) -> tuple:
    """What a part of the first frame looks like in a theme."""
    return looks(Style.parse(frame_styles(theme_name)[part]))


def looks_of(foreground: Color | None, background: Color, **attributes) -> tuple:
    """What text in `foreground` over `background` looks like."""
    return looks(Style(color=foreground and foreground.rich_color, bgcolor=background.rich_color, **attributes))


@pytest.mark.parametrize("theme", builtin.SPECTUI_THEMES, ids=lambda theme: theme.name)
def test_the_first_frames_colours_are_the_themes(theme):
    foreground, background, surface, panel, primary = (
        shown(theme, name) for name in ("foreground", "background", "surface", "panel", "primary"))
    assert style_of(theme.name, "header_lead") == looks_of(foreground, panel, bold=True)
    assert style_of(theme.name, "fixed") == looks_of(foreground, surface)
    assert style_of(theme.name, "cursor") == looks_of(background, primary)
    assert style_of(theme.name, "table_header_fill") == looks_of(foreground, panel.blend(background, 0.25))
    assert style_of(theme.name, "footer") == looks_of(None, panel)
    if theme.ansi:
        assert style_of(theme.name, "header_label") == looks_of(foreground, panel, dim=True)
        return
    generated = theme.to_color_system().generate()
    assert style_of(theme.name, "cell") == looks_of(text_over(background, generated["text"]), background)
    assert style_of(theme.name, "note") == looks_of(text_over(surface, generated["text-muted"]), surface)
    dimmed = dim_color(panel.rich_color, foreground.rich_color)
    assert style_of(theme.name, "header_label") == looks(Style(color=dimmed, bgcolor=panel.rich_color))


def test_a_theme_colour_changed_is_the_first_frames_colour(files, monkeypatch):
    opened, first = opened_as(["narrow.csv"], files, "arrow")
    monkeypatch.setitem(palettes.DARK, "panel", "#123456")
    monkeypatch.setitem(palettes.DARK, "primary", "#AA3300")
    changed = builtin.theme(palettes.DARK)
    lines = frame_lines(first, [opened[0].path], "spectui-dark", 60, 12)
    assert Style.parse(lines[0][0][1]).bgcolor.triplet.hex == shown(changed, "panel").hex.lower() == "#123456"
    cursor = Style.parse(lines[3][1][1]).bgcolor.triplet.hex
    assert cursor == shown(changed, "primary").hex.lower() != "#4ea1d3", "the first row's second cell"


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
cells_values = st.one_of(texts, st.integers(-10**12, 10**12).map(str),
                         st.floats(allow_nan=False, width=32).map(repr), st.sampled_from(["", "NA", "nan", "inf"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(["id", "DATE-OBS", "TARGET", "x", "seq_num", "", "Unnamed: 0"]),
                      min_size=1, max_size=5),
       rows=st.lists(st.lists(cells_values, min_size=5, max_size=5), min_size=1, max_size=30))
async def test_a_csv_read_by_the_standard_library_draws_as_the_app_draws_it(names, rows, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "random.csv"
    pd.DataFrame([row[:len(names)] for row in rows], columns=range(len(names))).to_csv(
        path, index=False, header=names)
    head = read_csv_head(path)
    if head is None:
        return
    opened = open_table_file(path)
    opened.head = head
    first = head_first_rows(head)
    drawn = frame_lines(first, [opened.path], "spectui-dark", 80, 24)
    if drawn is None:
        return
    ours = [cells([(text, Style.parse(style)) for text, style in line]) for line in drawn]
    assert ours == await app_first_frame([opened], "spectui-dark", (80, 24))


def test_no_first_frame_when_it_could_not_be_exact(files, tmp_path, config_dir, monkeypatch):  # noqa: F811
    opened, first = opened_as(["results.csv"], files, "arrow")
    paths = [opened[0].path]
    assert frame_lines(first, paths, "someone-elses-theme", 120, 40) is None
    assert frame_lines(first, paths, "spectui-dark", 120, 4) is None
    assert frame_lines(first, paths, "spectui-dark", 30, 40) is None, "the header would not fit"
    monkeypatch.setenv("TEXTUAL_DIM_FACTOR", "50")
    assert frame_lines(first, paths, "spectui-dark", 120, 40) is None, "dim text is drawn otherwise"
    monkeypatch.delenv("TEXTUAL_DIM_FACTOR")
    flags = tmp_path / "flags.csv"
    pd.DataFrame({"id": [1, 2], "good": [True, False]}).to_csv(flags, index=False)
    checks = arrow_first_rows(open_table_file(flags))
    assert frame_lines(checks, [flags], "spectui-dark", 120, 40) is None, "a check mark is not text"
    assert first_frame_theme(None) == "spectui-dark" and first_frame_theme("spectui-light") == "spectui-light"
    (config_dir / "config.toml").write_text('theme = "spectui-high-contrast"\n')
    assert first_frame_theme(None) == "spectui-high-contrast"
    (config_dir / "config.toml").write_text('theme = ["spectui-light"]\n')
    assert first_frame_theme(None) is None and first_frame_theme("someone-elses-theme") is None
    (config_dir / "themes").mkdir()
    (config_dir / "themes" / "mine.toml").write_text('name = "mine"\nprimary = "#123456"\n')
    assert first_frame_theme(None) is None


@pytest.mark.parametrize("name, content", [
    ("bom.csv", b"\xef\xbb\xbfid,x\n1,2\n"),
    ("ragged.csv", b"id,x\n1,2\n3,4,5\n"),
    ("latin1.csv", b"id,name\n1,caf\xe9\n"),
    ("newline.csv", b'id,note\n1,"two\nlines"\n'),
    ("empty.csv", b""),
    ("bad-quote.csv", b'id,x\n1,"a"b\n'),
    ("table.parquet", b"PAR1"),
])
def test_the_standard_reader_leaves_to_arrow_any_file_it_might_read_otherwise(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert read_csv_head(path) is None
    assert read_csv_head(tmp_path / "missing.csv") is None


def test_a_csv_head_is_shaped_as_the_opened_table(files):
    head, opened = read_csv_head(files["results.csv"]), open_table_file(files["results.csv"])
    assert head.names == opened.table.column_names and head.total is None
    assert [row[0] for row in head.rows[:3]] == ["2023010100000", "2023010100001", "2023010100002"]
    narrow = read_csv_head(files["narrow.csv"])
    assert narrow.names == ["id", "TARGET"] and narrow.total == 3 and len(narrow.rows) == 3


def test_a_csv_frame_is_drawn_before_pyarrow_numpy_or_textual_is_imported(files):
    code = ("import json, sys\n"
            "from spectui.tui.cli.open_files import csv_heads\n"
            "from spectui.tui.widgets.first_frame import frame_lines, head_first_rows, render\n"
            "heads = csv_heads((sys.argv[1],))\n"
            "lines = frame_lines(head_first_rows(heads[0]), [heads[0].path], 'spectui-dark', 120, 40)\n"
            "render(lines, 'truecolor')\n"
            "print(json.dumps([m for m in ('pyarrow', 'numpy', 'pandas', 'textual') if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code, files["results.csv"]], capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout) == []


def test_the_frame_is_written_in_the_terminals_colours(files):
    opened, first = opened_as(["narrow.csv"], files, "arrow")
    lines = frame_lines(first, [opened[0].path], "spectui-dark", 60, 12)
    assert "\x1b[1;38;2;216;222;233;48;2;34;44;56m spectui · narrow.csv " in render(lines, "truecolor")
    assert "\x1b[48;5;17m" in render(lines, "256")
    plain = render(lines, None)
    assert plain.startswith("\x1b[1;1H spectui · narrow.csv ") and not re.search(r"\x1b\[[0-9;]*m", plain)


SLOW_APP = """
import importlib.abc, sys, time

class SlowTextual(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "textual.app":
            time.sleep(2)
        return None

sys.meta_path.insert(0, SlowTextual())
"""


def test_spectui_open_in_tmux_draws_the_rows_first_keeps_the_keys_and_restores_the_terminal(files, tmp_path):
    """With the app's import slowed down, the first frame is on screen alone for a while: keys typed then
    move the cursor once the app runs, and the terminal echoes again after it quits."""
    (tmp_path / "slow").mkdir()
    (tmp_path / "slow" / "sitecustomize.py").write_text(SLOW_APP)
    command = (f"export PYTHONPATH={tmp_path}/slow; " + spectui_command(tmp_path, "open", files["results.csv"])
               + "; stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo'; sleep 30")
    for size in ((120, 40), (80, 24)):
        terminal = Terminal(f"first-frame-{size[0]}", *size)
        try:
            terminal.start(command)
            shown = terminal.wait_until(lambda text: text.splitlines()[-2].startswith(" first 500 rows shown"),
                                        "the whole first frame")
            lines = shown.splitlines()
            assert lines[0].startswith(" spectui · results.csv  file ") and "2023010100000" in lines[3]
            assert not lines[-1].strip(), "the footer's keys come with the app"
            terminal.keys("l")
            terminal.wait_until(lambda text: text.splitlines()[1].startswith(" DATE-OBS · time (UTC)"),
                                "the cursor moved by the key typed on the first frame")
            terminal.keys("q")
            shown = terminal.wait_until(lambda text: "echo" in text.split(), "the shell's terminal settings")
            assert "-echo" not in shown.split() and "spectui ·" not in shown
        finally:
            terminal.close()


def test_a_bad_file_in_a_terminal_gives_one_line_status_2_and_no_frame(files, tmp_path):
    terminal = Terminal("bad-file", 120, 40)
    try:
        terminal.start(spectui_command(tmp_path, "open", files["results.csv"], "missing.parquet")
                       + "; echo status=$?; sleep 30")
        shown = terminal.wait_for("status=")
        lines = [line for line in shown.splitlines() if line.strip()]
        assert lines == ["spectui: error: no such file: missing.parquet.", "status=2"], shown
    finally:
        terminal.close()
