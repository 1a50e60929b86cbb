"""A 500,000-row parquet opens lazily: its first rows from one batch, and only the cells on screen drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from textual_fastdatatable import ArrowBackend
from tui_support import screen_text, settle, wait_for

from spectui.core.tables.table_files import FIRST_ROWS, open_table_file
from spectui.tui.files_app import FilesApp
from spectui.tui.screens.file import FileScreen

ROWS = 500_000
FLOAT_COLUMNS = 24


@pytest.fixture(scope="module")
def big_parquet(tmp_path_factory) -> pytest.TempPathFactory:
    """500k rows of an id, a target and 24 float columns (values repeat, so the file stays small)."""
    pattern = np.arange(ROWS) % 1000 / 100
    frame = pd.DataFrame({f"VAOD_{i}_y": pattern + 1000 * i for i in range(FLOAT_COLUMNS)})
    frame.insert(0, "id", 2025010100000 + np.arange(ROWS))
    frame.insert(1, "TARGET", np.where(np.arange(ROWS) % 3, "HD185975", "HD38666"))
    path = tmp_path_factory.mktemp("large") / "big_merged.parquet"
    frame.to_parquet(path, row_group_size=100_000)
    return path


class CellLog:
    """Records which (row, column) cells a table's backend is asked for."""

    def __init__(self, table) -> None:
        self.cells: set[tuple[int, int]] = set()
        backend = table.backend
        original = backend.get_cell_at

        def logged(row: int, column: int):
            self.cells.add((row, column))
            return original(row, column)

        backend.get_cell_at = logged

    @property
    def rows(self) -> set[int]:
        return {row for row, _ in self.cells}

    @property
    def columns(self) -> set[int]:
        return {column for _, column in self.cells}


async def repaint(pilot, table) -> CellLog:
    """Forget every drawn cell, draw the table again, and return what it asked for."""
    log = CellLog(table)
    table._clear_caches()
    table.refresh()
    await pilot.pause()
    await pilot.pause()
    return log


def test_opening_reads_one_batch_of_rows_not_the_file(big_parquet):
    opened = open_table_file(big_parquet)
    assert opened.rows == ROWS and opened.table.num_rows == FIRST_ROWS and not opened.complete


async def test_only_the_cells_on_screen_are_drawn_first_and_after_the_whole_file_loads(big_parquet):
    app = FilesApp([open_table_file(big_parquet)])
    first_rows = []
    start_view = FileScreen._start_view

    def note_first_rows(screen):
        first_rows.append(screen.table.row_count)
        start_view(screen)

    FileScreen._start_view = note_first_rows
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: getattr(app.screen, "view", None) is not None, 120)
            await settle(pilot)
            screen = app.screen
            table = screen.table
            assert first_rows == [FIRST_ROWS]
            assert table.row_count == ROWS and f"{ROWS:,} of {ROWS:,} rows" in screen_text(app)
            assert isinstance(table.backend, ArrowBackend)
            assert table.backend.data.num_columns == FLOAT_COLUMNS + 3

            log = await repaint(pilot, table)
            assert log.rows == set(range(len(log.rows))) and len(log.rows) < 40
            assert len(log.columns) < 15 < table.column_count
            assert len(table._row_render_cache) < 40

            await pilot.press("G")
            log = await repaint(pilot, table)
            assert min(log.rows) > ROWS - 40 and max(log.rows) == ROWS - 1
            assert str(2025010100000 + ROWS - 1) in screen_text(app)
    finally:
        FileScreen._start_view = start_view
