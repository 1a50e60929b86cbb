"""The first frame of `spectui open`, drawn in plain ANSI before Textual is imported.

Importing Textual and starting the app takes most of a second. This frame shows the first file's first rows at
once, with the text, layout and colours of the app's own first frame (a test holds the two equal cell by cell),
so the app, once started, draws the same picture over it and then adds its footer keys. It is drawn only when
it can be exact: a terminal on both ends, a built-in theme, no colour filter, every visible cell plain text.
Meanwhile the terminal keeps what is typed, without echoing it, for the app to read.
"""

from __future__ import annotations

import os
import shutil
import sys

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual_fastdatatable.column import Column

from spectui.core.column_notes import column_note
from spectui.core.table_files import FIRST_ROWS, TableFile

from .arrow_display import ArrowDisplay, fit_cell, plain_cell
from .header_text import file_fields, header_runs

FIXED_COLUMNS = 2
NULL_TEXT = "·"
MAX_COLUMN_WIDTH = 40
CELL_PADDING = 2
ENTER = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?2026h"
END_OF_FRAME = "\x1b[?2026l"
LEAVE = "\x1b[?7h\x1b[?25h\x1b[?1049l"

REGIONS = (
    "header_lead", "header_label", "header_value", "header_blank", "header_fill", "note", "note_fill",
    "table_header", "table_header_fill", "fixed", "cursor", "cell", "status", "status_fill", "footer",
)
FIRST_FRAME_STYLES = {
    "spectui-dark": dict(zip(REGIONS, (
        "bold #d8dee9 on #222c38", "not dim #9aa1ac on #222c38", "bold #d8dee9 on #222c38",
        "#d8dee9 on #222c38", "on #222c38", "#a2a5a8 on #171e27", "on #171e27", "bold #d8dee9 on #222c38",
        "#d8dee9 on #1d2631", "#d8dee9 on #171e27", "#10151c on #4ea1d3", "#dfe0e1 on #10151c",
        "#d8dee9 on #171e27", "on #171e27", "on #222c38",
    ))),
    "spectui-light": dict(zip(REGIONS, (
        "bold #1c232b on #d9e0e8", "not dim #5c636b on #d9e0e8", "bold #1c232b on #d9e0e8",
        "#1c232b on #d9e0e8", "on #d9e0e8", "#5f6061 on #eef1f4", "on #eef1f4", "bold #1c232b on #d9e0e8",
        "#1c232b on #e1e6ec", "#1c232b on #eef1f4", "#fafafa on #1f5f8b", "#202020 on #fafafa",
        "#1c232b on #eef1f4", "on #eef1f4", "on #d9e0e8",
    ))),
    "spectui-high-contrast": dict(zip(REGIONS, (
        "bold #ffffff on #303030", "not dim #b8b8b8 on #303030", "bold #ffffff on #303030",
        "#ffffff on #303030", "on #303030", "#e0e0e0 on #000000", "on #000000", "bold #ffffff on #303030",
        "#ffffff on #242424", "#ffffff on #000000", "#000000 on #feff00", "#dddddd on #000000",
        "#ffffff on #000000", "on #000000", "on #303030",
    ))),
    "spectui-terminal": dict(zip(REGIONS, (
        "bold default on default", "dim default on default", "bold default on default", "default on default",
        "on default", "default on default", "on default", "bold default on default", "default on default",
        "default on default", "default on color(4)", "default on default", "default on default",
        "on default", "on default",
    ))),
}
"""The style of each part of the first frame, per theme, as the app draws them (checked by a test)."""


def first_rows_status(opened: TableFile) -> str:
    """The status line while only a file's first rows are shown."""
    shown = min(FIRST_ROWS, opened.table.num_rows)
    total = f" of {opened.rows:,}" if opened.rows is not None else ""
    return f"first {shown:,}{total} rows shown · loading the rest…"


def frame_lines(files: list[TableFile], theme: str, width: int, height: int) -> list[list[tuple[str, str]]] | None:
    """Each line of the app's first frame as (text, style) runs; None when it cannot be drawn exactly."""
    styles = FIRST_FRAME_STYLES.get(theme)
    if styles is None or height < 6 or width < 2:
        return None
    opened = files[0]
    header = header_line(files, width, styles)
    backend = ArrowDisplay(opened.table.slice(0, FIRST_ROWS)).every_row()
    names = [str(name) for name in backend.columns]
    if header is None or len(names) < 2 or not all(name.isprintable() for name in names):
        return None
    note = column_note(names[1], opened.table.schema.field(names[1]).type)
    widths = [min(max(cell_len(name), content), MAX_COLUMN_WIDTH) + CELL_PADDING
              for name, content in zip(names, backend.column_content_widths)]
    columns = [Column(label=Text(name)) for name in names]
    lines = [header, fitted_line(note, width, styles["note"], styles["note_fill"])]
    labels = "".join(f" {fit_cell(name, shown - CELL_PADDING, 'left')} " for name, shown in zip(names, widths))
    lines.append(cropped([(labels, styles["table_header"])], width, styles["table_header_fill"]))
    for row in range(height - 5):
        if row >= backend.row_count:
            lines.append([(" " * width, styles["cell"])])
            continue
        runs, used = [], 0
        for index, (column, shown) in enumerate(zip(columns, widths)):
            if used >= width:
                break
            cell = plain_cell(backend.get_cell_at(row, index), NULL_TEXT, column)
            if cell is None:
                return None
            text, align = cell
            style = "cursor" if (row, index) == (0, 1) else "fixed" if index < FIXED_COLUMNS else "cell"
            runs.append((f" {fit_cell(text, shown - CELL_PADDING, align)} ", styles[style]))
            used += shown
        lines.append(cropped(runs, width, styles["cell"]))
    lines.append(fitted_line(" " + first_rows_status(opened), width, styles["status"], styles["status_fill"]))
    lines.append([(" " * width, styles["footer"])])
    return lines


def header_line(files: list[TableFile], width: int, styles: dict[str, str]) -> list[tuple[str, str]] | None:
    """The header as the app draws it for the first file; None when it would not fit the width."""
    paths = {number: opened.path for number, opened in enumerate(files, start=1)}
    runs = [(text, styles[f"header_{kind}"]) for text, kind in header_runs(files[0].name, file_fields(paths, 1),
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
    """The theme the app will start with, when it is sure to be a built-in one; else None."""
    from spectui.core.config import config_dir, load_config
    from spectui.core.errors import SpectuiError
    from spectui.themes.names import DEFAULT_THEME

    if any((config_dir() / "themes").glob("*.toml")):
        return None
    try:
        configured = load_config().get("theme")
    except SpectuiError:
        return None
    return requested or configured or DEFAULT_THEME


def draw_first_frame(files: list[TableFile], theme: str | None) -> HeldTerminal | None:
    """Draw the first frame when it can be exact; the terminal to release once the app has run."""
    import termios

    if theme is None:
        return None
    width, height = shutil.get_terminal_size()
    lines = frame_lines(files, theme, width, height)
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
