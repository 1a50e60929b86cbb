"""A long list of rows in fixed columns, drawn a screenful at a time: showing 30,000 rows costs what 30 do."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .row_table import RowTable

SIDE_STEP = 8
"""Cells moved by left and right, for names wider than the screen."""


class RowList(ScrollView, can_focus=True):
    """Rows asked for by index as they come into view, under a header; a row cursor moved with arrows, j and k.

    Textual's DataTable measures and stores every row it is given, about 0.1 ms a row, on each new list: at
    USDF's scale, a search that keeps thousands of collections would take longer than a keystroke.
    """

    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor"}
    DEFAULT_CSS = """
    RowList {
        background: $surface;
        color: $foreground;
        & > .row-list--header {
            text-style: bold;
            background: $panel;
        }
        & > .row-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
        }
        &:focus > .row-list--header {
            background-tint: $foreground 5%;
        }
        &:focus > .row-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = RowTable.BINDINGS
    """The small tables' keys and keymap ids, so that one keymap entry moves both alike."""

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, row_list: RowList, row: int) -> None:
            super().__init__()
            self.row_list, self.row = row_list, row

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor_row = 0
        self.row_count = 0
        self._headers: Sequence[str] = ()
        self._widths: Sequence[int] = ()
        self._cells: Callable[[int], Sequence[str]] = lambda row: ()

    def show(self, headers: Sequence[str], widths: Sequence[int], count: int,
             cells: Callable[[int], Sequence[str]]) -> None:
        """Show `count` rows, row i's cells being `cells(i)`, in columns `widths` wide; the cursor goes to the top."""
        self._headers, self._widths, self._cells = headers, widths, cells
        self.row_count = count
        self.virtual_size = Size(sum(width + 2 for width in widths), count + 1)
        self.cursor_row = 0
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            text, style = self._line(self._headers), base + self.get_component_rich_style("row-list--header")
        else:
            row = scroll_y + y - 1
            if row >= self.row_count:
                return Strip.blank(width, base)
            text = self._line(self._cells(row))
            style = base + self.get_component_rich_style("row-list--cursor") if row == self.cursor_row else base
        return Strip([Segment(text, style)]).crop_extend(scroll_x, scroll_x + width, style)

    def _line(self, cells: Sequence[str]) -> str:
        return "".join(f" {cell.ljust(width)} " for cell, width in zip(cells, self._widths))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (kept within the list), scrolled into view."""
        row = max(0, min(row, self.row_count - 1))
        shown = self._page()
        if row < self.scroll_offset.y:
            self.scroll_to(y=row, animate=False)
        elif row >= self.scroll_offset.y + shown:
            self.scroll_to(y=row - shown + 1, animate=False)
        if row != self.cursor_row:
            self.cursor_row = row
            self.post_message(self.Highlighted(self, row))
        self.refresh()

    def _page(self) -> int:
        """The rows in view below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page())

    def action_scroll_top(self) -> None:
        self.move_cursor(0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_cursor_left(self) -> None:
        self.scroll_to(x=self.scroll_offset.x - SIDE_STEP, animate=False)

    def action_cursor_right(self) -> None:
        self.scroll_to(x=self.scroll_offset.x + SIDE_STEP, animate=False)

    def on_click(self, event: events.Click) -> None:
        """A click on a row puts the cursor there."""
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_cursor(self.scroll_offset.y + offset.y - 1)
