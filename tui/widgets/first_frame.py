"""The first frame of `spectui open`, drawn in plain ANSI before Textual is imported.

Importing Textual and starting the app takes most of a second. This frame shows the first file's first rows at
once, with the text, layout and colours of the app's own first frame (a test holds the two equal cell by cell),
so the app, once started, draws the same picture over it and then adds its footer keys. It is drawn only when
it can be exact: a terminal on both ends, a built-in theme, no colour filter, every visible cell plain text.
Meanwhile the terminal keeps what is typed, without echoing it, for the app to read.

The rows come from Arrow (read as the app reads them) or, for CSV files the standard library reads alike, from
the standard library before pyarrow is even imported: the app's first frame then shows those same cells.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len, set_cell_size
from rich.style import Style

from spectui.core.tables.column_notes import column_note
from spectui.core.tables.csv_head import CsvHead
from spectui.core.tables.table_shape import FIRST_ROWS, ID_COLUMN, UTC_COLUMNS
from spectui.themes.derived_colours import blend, dim_text, rgb_of, text_colour, theme_colour
from spectui.themes.palettes import PALETTES

from .cell_text import MAX_COLUMN_WIDTH, NULL_TEXT, fit_cell
from .header_text import file_fields, header_runs

FIXED_COLUMNS = 2
CELL_PADDING = 2
INTEGER = re.compile(r"[+-]?\d+")
DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|Inf|INF|infinity|Infinity)")
INT64 = 2 ** 63
MOST_PLACES = 6
ENTER = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?2026h"
END_OF_FRAME = "\x1b[?2026l"
LEAVE = "\x1b[?7h\x1b[?25h\x1b[?1049l"


def frame_styles(theme: str) -> dict[str, str] | None:
    """The style of each part of the first frame as the app's stylesheet draws it in `theme`, from the theme's
    own fields; None for a theme that is not spectui's own (or colours Textual would not draw as worked out)."""
    palette = PALETTES.get(theme)
    if palette is None or "TEXTUAL_DIM_FACTOR" in os.environ:
        return None
    variables = palette.get("variables", {})
    base = [text_colour(variables[name], "") if name in variables else theme_colour(palette[name])
            for name in ("foreground", "background", "surface", "panel", "primary")]
    if None in base:
        return None
    fg, bg, surface, panel, primary = base
    terminal = rgb_of(fg) is None
    text, muted = ("default", "default") if terminal else (
        text_colour(variables.get("text", "auto 87%"), bg), text_colour(variables.get("text-muted", "auto 60%"),
                                                                         surface))
    if text is None or muted is None:
        return None
    return {
        "header_lead": f"bold {fg} on {panel}", "header_label": f"{dim_text(fg, panel)} on {panel}",
        "header_value": f"bold {fg} on {panel}", "header_blank": f"{fg} on {panel}", "header_fill": f"on {panel}",
        "note": f"{muted} on {surface}", "note_fill": f"on {surface}", "table_header": f"bold {fg} on {panel}",
        "table_header_fill": f"{fg} on {blend(panel, bg, 0.25)}", "fixed": f"{fg} on {surface}",
        "cursor": f"{bg} on {primary}", "cell": f"{text} on {bg}", "status": f"{fg} on {surface}",
        "status_fill": f"on {surface}", "footer": f"on {panel}",
    }


@dataclass
class FirstRows:
    """What the first frame shows of a file: each column's name, type in words and width, and each cell."""

    names: list[str]
    kinds: list[str]
    widths: list[int]
    """Content widths (the table adds a cell of padding on either side)."""
    rows: int
    cell: Callable[[int, int], tuple[str, str] | None]
    """(text, alignment) of the cell at (row, column); None for a cell that is not plain text."""
    status: str


def first_rows_status(shown: int, total: int | None) -> str:
    """The status line while only a file's first rows are shown."""
    of = f" of {total:,}" if total is not None else ""
    return f"first {min(shown, FIRST_ROWS):,}{of} rows shown · loading the rest…"


def arrow_first_rows(opened) -> FirstRows:
    """The first rows of an opened file as the app shows them from its Arrow table (typed, floats aligned)."""
    from rich.text import Text
    from textual_fastdatatable.column import Column

    from spectui.core.tables.column_notes import type_name

    from .arrow_display import ArrowDisplay, plain_cell

    backend = ArrowDisplay(opened.table.slice(0, FIRST_ROWS)).every_row()
    names = [str(name) for name in backend.columns]
    schema = opened.table.schema
    kinds = ["", *(type_name(schema.field(name).type) for name in names[1:])]
    columns = [Column(label=Text(name)) for name in names]
    widths = [min(max(cell_len(name), content), MAX_COLUMN_WIDTH)
              for name, content in zip(names, backend.column_content_widths)]

    def cell(row: int, index: int) -> tuple[str, str] | None:
        return plain_cell(backend.get_cell_at(row, index), NULL_TEXT, columns[index])

    return FirstRows(names, kinds, widths, backend.row_count, cell,
                     first_rows_status(opened.table.num_rows, opened.rows))


def head_first_rows(head: CsvHead) -> FirstRows:
    """The first rows of a CSV file from the standard reader, typed from their text: each cell already fitted
    to its column (numbers right-aligned, floats to common decimals, ids as integers, DATE-OBS as UTC time)."""
    columns = [(" ", "", [("", "left")] * len(head.rows))]
    for index, name in enumerate(head.names):
        columns.append((name, *shown_column(name, [row[index] for row in head.rows])))
    widths = [min(max([cell_len(name), *(cell_len(text) for text, _ in shown)]), MAX_COLUMN_WIDTH)
              for name, _, shown in columns]
    fitted = [[fit_cell(text, width, align) for text, align in shown] for width, (_, _, shown) in zip(widths, columns)]

    def cell(row: int, index: int) -> tuple[str, str]:
        return fitted[index][row], "left"

    return FirstRows([name for name, _, _ in columns], [kind for _, kind, _ in columns], widths, len(head.rows),
                     cell, first_rows_status(len(head.rows), head.total))


def shown_column(name: str, values: list[str | None]) -> tuple[str, list[tuple[str, str]]]:
    """A column's type in words and each value's (text, alignment), typed from the text as the app types it."""
    present = [value for value in values if value is not None]
    if not present:
        return "null", [(NULL_TEXT, "center") for _ in values]
    if name in UTC_COLUMNS and all(utc_time(value) for value in present):
        return "time (UTC)", [(utc_text(value), "left") if value is not None else (NULL_TEXT, "center")
                              for value in values]
    if all(INTEGER.fullmatch(value) and abs(int(value)) < INT64 for value in present):
        return "integer", [(str(int(value)), "right") if value is not None else (NULL_TEXT, "center")
                           for value in values]
    if not all(DECIMAL.fullmatch(value) for value in present):
        return "text", [(value, "left") if value is not None else (NULL_TEXT, "center") for value in values]
    numbers = [float(value) if value is not None else math.nan for value in values]
    finite = [number for number in numbers if math.isfinite(number)]
    if ID_COLUMN.fullmatch(name) and all(number.is_integer() for number in finite):
        return "integer", [(str(int(number)), "right") if math.isfinite(number) else (NULL_TEXT, "center")
                           for number in numbers]
    places = decimal_places(finite)
    return "number", [(number_text(number, places), "right") if math.isfinite(number) else (NULL_TEXT, "center")
                      for number in numbers]


def decimal_places(numbers: list[float]) -> int | None:
    """How many decimals show every number exactly (up to six); None when decimals do not suit them."""
    if not numbers:
        return 0
    magnitudes = [abs(number) for number in numbers if number != 0]
    if magnitudes and (min(magnitudes) < 10.0 ** -(MOST_PLACES - 2) or max(magnitudes) >= 1e15):
        return None
    for places in range(MOST_PLACES + 1):
        if all(abs(round(number, places) - number) <= 10.0 ** -(MOST_PLACES + 2) for number in numbers):
            return places
    return MOST_PLACES


def number_text(number: float, places: int | None) -> str:
    """A float as the table writes it: with the column's decimals, or in its shortest general form."""
    return f"{number:n}" if places is None else f"{number:.{places}f}"


def utc_time(text: str):
    """An ISO 8601 time as an aware UTC datetime (naive times taken as UTC); None when it is not one."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def utc_text(text: str) -> str:
    """A time as the table writes UTC times: to the millisecond, with a Z."""
    moment = utc_time(text)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def frame_lines(first: FirstRows, paths: list[Path], theme: str, width: int,
                height: int) -> list[list[tuple[str, str]]] | None:
    """Each line of the app's first frame as (text, style) runs; None when it cannot be drawn exactly."""
    styles = frame_styles(theme)
    if styles is None or height < 6 or width < 2:
        return None
    header = header_line(paths, width, styles)
    names = first.names
    if header is None or len(names) < 2 or not all(name.isprintable() for name in names):
        return None
    note = column_note(names[1], first.kinds[1])
    widths = [content + CELL_PADDING for content in first.widths]
    lines = [header, fitted_line(note, width, styles["note"], styles["note_fill"])]
    labels = "".join(f" {fit_cell(name, shown - CELL_PADDING, 'left')} " for name, shown in zip(names, widths))
    lines.append(cropped([(labels, styles["table_header"])], width, styles["table_header_fill"]))
    for row in range(height - 5):
        if row >= first.rows:
            lines.append([(" " * width, styles["cell"])])
            continue
        runs, used = [], 0
        for index, shown in enumerate(widths):
            if used >= width:
                break
            cell = first.cell(row, index)
            if cell is None:
                return None
            text, align = cell
            if not text.isprintable():
                return None
            style = "cursor" if (row, index) == (0, 1) else "fixed" if index < FIXED_COLUMNS else "cell"
            runs.append((f" {fit_cell(text, shown - CELL_PADDING, align)} ", styles[style]))
            used += shown
        lines.append(cropped(runs, width, styles["cell"]))
    lines.append(fitted_line(" " + first.status, width, styles["status"], styles["status_fill"]))
    lines.append([(" " * width, styles["footer"])])
    return lines


def header_line(paths: list[Path], width: int, styles: dict[str, str]) -> list[tuple[str, str]] | None:
    """The header as the app draws it for the first file; None when it would not fit the width."""
    numbered = dict(enumerate(paths, start=1))
    runs = [(text, styles[f"header_{kind}"]) for text, kind in header_runs(paths[0].name, file_fields(numbered, 1),
                                                                           "", width)]
    used = sum(cell_len(text) for text, _ in runs)
    if used > width:
        return None
    return [*runs, (" " * (width - used), styles["header_fill"])]


def fitted_line(text: str, width: int, style: str, fill: str) -> list[tuple[str, str]]:
    """A one-line label: its text (cut with an ellipsis when too long), then blank to the width."""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return [(text, style), (" " * (width - cell_len(text)), fill)]


def cropped(runs: list[tuple[str, str]], width: int, fill: str) -> list[tuple[str, str]]:
    """Runs cut at `width` cells, or continued with blank cells in `fill` up to it."""
    line, used = [], 0
    for text, style in runs:
        size = cell_len(text)
        if used + size > width:
            line.append((set_cell_size(text, width - used), style))
            return line
        line.append((text, style))
        used += size
    return [*line, (" " * (width - used), fill)] if used < width else line


def render(lines: list[list[tuple[str, str]]], color_system: str | None) -> str:
    """The frame as terminal output: each line placed by a cursor move, its runs in their colours."""
    from rich.color import ColorSystem

    system = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT,
              "standard": ColorSystem.STANDARD, "windows": ColorSystem.WINDOWS}.get(color_system or "")
    parsed: dict[str, Style] = {}
    out = []
    for y, line in enumerate(lines):
        out.append(f"\x1b[{y + 1};1H")
        for text, style in line:
            if system is None:
                out.append(text)
                continue
            if style not in parsed:
                parsed[style] = fresh_style(style)
            out.append(parsed[style].render(text, color_system=system))
    return "".join(out)


def fresh_style(definition: str) -> Style:
    """A new Style object for `definition` (rich keeps a shared one's codes for the first colour system)."""
    known = Style.parse(definition)
    return Style(color=known.color, bgcolor=known.bgcolor, bold=known.bold, dim=known.dim, italic=known.italic,
                 underline=known.underline, reverse=known.reverse, strike=known.strike)


class HeldTerminal:
    """The terminal while the first frame is up: alternate screen, no echo; `release` gives it back."""

    def __init__(self, fd: int, attributes: list) -> None:
        self.fd = fd
        self.attributes = attributes
        self.handed_over = False

    def hand_over(self) -> None:
        """The app has taken the screen: on release, only the terminal's modes remain to restore."""
        self.handed_over = True

    def release(self) -> None:
        """Restore the terminal's modes (and leave the frame's screen if the app never took it over)."""
        import termios

        if not self.handed_over:
            sys.stdout.write(LEAVE)
            sys.stdout.flush()
        termios.tcsetattr(self.fd, termios.TCSANOW, self.attributes)


def first_frame_theme(requested: str | None) -> str | None:
    """The theme the app will start with, when it is sure to be a built-in one; else None.

    The configuration file's theme is read here as plain TOML: the settings model would first import pydantic,
    which takes longer than drawing the frame.
    """
    from spectui.core.config import config_dir, load_config
    from spectui.core.errors import SpectuiError
    from spectui.themes.names import DEFAULT_THEME

    if any((config_dir() / "themes").glob("*.toml")):
        return None
    try:
        configured = load_config().get("theme")
    except SpectuiError:
        return None
    theme = requested or configured or DEFAULT_THEME
    return theme if isinstance(theme, str) and theme in PALETTES else None


def draw_first_frame(first: FirstRows, paths: list[Path], theme: str | None) -> HeldTerminal | None:
    """Draw the first frame when it can be exact; the terminal to release once the app has run."""
    import termios

    if theme is None:
        return None
    width, height = shutil.get_terminal_size()
    lines = frame_lines(first, paths, theme, width, height)
    if lines is None:
        return None
    fd = sys.stdin.fileno()
    attributes = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~(termios.ECHO | termios.ICANON)
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    held = HeldTerminal(fd, attributes)
    try:
        sys.stdout.write(ENTER + render(lines, color_system()) + END_OF_FRAME)
        sys.stdout.flush()
    except OSError:
        held.release()
        return None
    return held


def color_system() -> str | None:
    """The colours the app will use on this terminal (Textual asks rich the same way)."""
    from rich.console import Console

    console = Console(color_system=os.environ.get("TEXTUAL_COLOR_SYSTEM", "auto"), force_terminal=True,
                      legacy_windows=False)
    return console.color_system
