"""The long list drawn a screenful at a time: only the rows in view are asked for; the cursor keys and clicks."""

from __future__ import annotations

from textual.app import App, ComposeResult
from tui_support import screen_text

from spectui.tui.widgets.row_list import SIDE_STEP, RowList

ROWS = 100_000


class ListApp(App):
    """One RowList filling a 60x20 screen, recording the rows it asks for and the rows it highlights."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []
        self.highlighted: list[int] = []

    def compose(self) -> ComposeResult:
        yield RowList(id="rows")

    def cells(self, row: int) -> tuple[str, str]:
        self.asked.append(row)
        return str(row), f"name {row:06d}" + ("·" * 80 if row == 3 else "")

    def on_mount(self) -> None:
        self.query_one(RowList).show(("n", "name"), (6, 91), ROWS, self.cells)
        self.query_one(RowList).focus()

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        self.highlighted.append(event.row)


def shown_rows(app) -> list[str]:
    """The names on screen, below the header."""
    return [line.split()[2] for line in screen_text(app).splitlines()[1:] if "name" in line and line.split()[0] != "n"]


async def test_only_the_rows_in_view_are_asked_for():
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert shown_rows(app)[:2] == ["000000", "000001"]
        assert set(app.asked) <= set(range(20)) and len(set(app.asked)) >= 15
        app.asked.clear()
        await pilot.press("G")
        await pilot.pause()
        assert shown_rows(app)[-1] == f"{ROWS - 1:06d}" and min(app.asked) > ROWS - 20
        assert app.query_one(RowList).cursor_row == ROWS - 1


async def test_keys_move_the_cursor_and_say_so_and_the_view_follows():
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        await pilot.press("j", "j", "k")
        assert rows.cursor_row == 1 and app.highlighted == [1, 2, 1]
        await pilot.press("k", "k")
        assert rows.cursor_row == 0 and app.highlighted == [1, 2, 1, 0]
        page = rows.scrollable_content_region.height - 1
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert rows.cursor_row == 2 * page and shown_rows(app)[-1] == f"{2 * page:06d}"
        await pilot.press("home")
        await pilot.pause()
        assert rows.cursor_row == 0 and shown_rows(app)[0] == "000000"


async def test_a_click_puts_the_cursor_on_that_row_and_the_header_is_not_a_row():
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        await pilot.click(RowList, offset=(5, 4))
        assert rows.cursor_row == 3
        await pilot.click(RowList, offset=(5, 0))
        assert rows.cursor_row == 3


async def test_right_and_left_show_the_end_of_a_wide_row():
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert screen_text(app).splitlines()[4].split()[:2] == ["3", "name"]
        for _ in range(60 // SIDE_STEP):
            await pilot.press("right")
        await pilot.pause()
        assert "name" not in screen_text(app).splitlines()[4] and screen_text(app).splitlines()[4].count("·") > 40
        rows = app.query_one(RowList)
        assert rows.scroll_offset.x == rows.max_scroll_x > 0
        await pilot.press("left")
        assert rows.scroll_offset.x == rows.max_scroll_x - SIDE_STEP


async def test_an_empty_list_takes_every_key():
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.show(("n", "name"), (1, 4), 0, app.cells)
        await pilot.press("j", "k", "G", "home", "pagedown", "right", "left")
        await pilot.click(RowList, offset=(5, 4))
        assert rows.cursor_row == 0 and app.is_running and shown_rows(app) == []
