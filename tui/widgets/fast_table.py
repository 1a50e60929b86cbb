"""The big-table widget: textual-fastdatatable with vim keys, showing new views of a table in place."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual_fastdatatable import ArrowBackend, DataTable

from spectui.core.tables.views import decimal_places

from .arrow_display import MeasuredBackend, ViewBackend, plain_cell
from .cell_text import MAX_COLUMN_WIDTH, NULL_TEXT, fit_cell


class DisplayTable:
    """A DataFrame converted once to Arrow for display, with each column's width measured once."""

    def __init__(self, frame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        self.table = pa.Table.from_arrays([_for_display(c) for c in table.columns], names=table.column_names)
        measured = ArrowBackend(self.table).column_content_widths
        self.widths = dict(zip(self.table.column_names, measured))
        self._marks: pa.ChunkedArray | None = None

    def backend(self, positions: np.ndarray, columns: Sequence[str],
                selected: np.ndarray | None) -> ViewBackend:
        """The rows at `positions`, the given columns, and a selection-mark column first with `selected`."""
        view = self.table.select(list(columns))
        widths = [self.widths[c] for c in columns]
        if selected is not None:
            if self._marks is None:
                self._marks = pa.chunked_array([pa.nulls(self.table.num_rows, pa.string())])
            view = view.add_column(0, " ", self._marks)
            widths = [1, *widths]
        return ViewBackend(view, widths, np.asarray(positions, dtype=np.int64), selected)


def _for_display(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Floats as fixed-point decimals (exact, aligned) when that suits them; everything else unchanged."""
    if not pa.types.is_floating(column.type):
        return column
    places = decimal_places(column.to_numpy())
    if places is None:
        return column
    finite = pc.if_else(pc.is_finite(column), column, None)
    return pc.round(finite, places).cast(pa.decimal128(38, places))


class FastTable(DataTable, inherit_bindings=False):
    """A fastdatatable with arrow and vim keys, its content replaced by `show`; selected rows stand out."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"fasttable--selected"}

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.cursor_down"),
        Binding("left,h", "cursor_left", "Left", show=False, id="table.cursor_left"),
        Binding("right,l", "cursor_right", "Right", show=False, id="table.cursor_right"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home", "first_row", "First row", show=False, id="table.first_row"),
        Binding("end,G", "last_row", "Last row", show=False, id="table.last_row"),
        Binding("ctrl+left,0", "first_column", "First column", show=False, id="table.first_column"),
        Binding("ctrl+right,dollar_sign", "last_column", "Last column", show=False, id="table.last_column"),
    ]

    def __init__(self, backend: MeasuredBackend, *, fixed_columns: int = 0, cursor_type: str = "cell",
                 id: str | None = None) -> None:
        super().__init__(backend=backend, column_labels=column_labels(backend), show_row_labels=False,
                         fixed_columns=fixed_columns, null_rep=NULL_TEXT, render_markup=False,
                         max_column_content_width=MAX_COLUMN_WIDTH, cursor_type=cursor_type, id=id)
        self.selected_rows: np.ndarray | None = None

    def show(self, backend: MeasuredBackend, *, row: int = 0, column: int | None = None,
             selected: np.ndarray | None = None) -> None:
        """Display a new view of the table, with the cursor at `row` (and `column`, default: unchanged).

        The render caches are keyed by the update count, so they are left to age out rather than cleared:
        clearing drops thousands of linked entries at once on the cycle collector, a pause of 100 ms or more.
        """
        backend.render_markup = False
        self.backend = backend
        self._column_labels = column_labels(backend)
        self.selected_rows = selected
        self._ordered_columns = None
        self._update_count += 1
        self._tooltip_cache.clear()
        self._require_update_dimensions = False
        self._update_dimensions([])
        column = self.cursor_column if column is None else column
        target = Coordinate(max(0, min(row, self.row_count - 1)), max(0, min(column, self.column_count - 1)))
        self.cursor_coordinate = target
        self._scroll_cursor_into_view()
        self.refresh()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False, in_range: bool = False):
        """Draw a plain data cell as one styled segment, as the widget would but without rich's layout work.

        A full repaint draws hundreds of cells, and this keeps a sort or filter of a big table within a frame
        or two; headers, labels and any value that is not plain text, a number or a time go the widget's way.
        """
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover, in_range)
        key = (row_index, column_index, base_style, cursor, hover, in_range, self._show_hover_cursor,
               self._update_count, self._pseudo_class_state)
        cached = self._cell_render_cache.get(key)
        if cached is not None:
            return cached
        shown = plain_cell(self.backend.get_cell_at(row_index, column_index), self.null_rep.plain,
                            self.ordered_columns[column_index])
        if shown is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover, in_range)
        text, align = shown
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, in_range, self.show_cursor, self._show_hover_cursor,
            self.cursor_type == "range", self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css")
        if self.selected_rows is not None and self.selected_rows[row_index] and not cursor:
            base_style += self.get_component_rich_style("fasttable--selected")
        meta = Style.from_meta({"row": row_index, "column": column_index})
        style = base_style + meta + component_style + post_style
        lines = [[Segment(f" {fit_cell(text, width - 2, align)} ", style)]]
        self._cell_render_cache[key] = lines
        return lines

    def action_first_row(self) -> None:
        """Move to the first row."""
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        """Move to the last row."""
        self.move_cursor(row=max(0, self.row_count - 1))

    def action_first_column(self) -> None:
        """Move to the first column."""
        self.move_cursor(column=0)

    def action_last_column(self) -> None:
        """Move to the last column."""
        self.move_cursor(column=max(0, self.column_count - 1))


def column_labels(backend: ArrowBackend) -> list[Text]:
    """The column names as literal labels (the widget would read `PWV [mm]` as markup and drop `[mm]`)."""
    return [Text(str(name)) for name in backend.columns]
