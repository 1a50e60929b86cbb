"""The big-table widget, and the one class reaching into textual-fastdatatable's private parts, for speed.

The app says at start-up when the installed version is not the one these parts were tested with
(fastdatatable_version), since any release may rename or remove them.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual_fastdatatable import DataTable

from .arrow_display import ViewBackend, plain_cell
from .cell_text import MAX_COLUMN_WIDTH, NULL_TEXT, fit_cell


class FastTable(DataTable, inherit_bindings=False):
    """A fastdatatable over a ViewBackend with arrow and vim keys; `show` puts a new view in place.

    Plain cells are drawn directly and selected rows stand out. It subclasses the widget itself: Textual ranks
    default CSS by class depth, and Textual's own DataTable (the small tables) shares the type name.
    """

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

    def __init__(self, backend: ViewBackend, *, fixed_columns: int = 0, cursor_type: str = "cell",
                 id: str | None = None) -> None:
        super().__init__(backend=backend, column_labels=column_labels(backend), show_row_labels=False,
                         fixed_columns=fixed_columns, null_rep=NULL_TEXT, render_markup=False,
                         max_column_content_width=MAX_COLUMN_WIDTH, cursor_type=cursor_type, id=id)

    def show(self, backend: ViewBackend, *, row: int = 0, column: int | None = None) -> None:
        """Display a new view of the table, with the cursor at `row` (and `column`, default: unchanged).

        The render caches are keyed by the update count, so they are left to age out rather than cleared:
        clearing drops thousands of linked entries at once on the cycle collector, a pause of 100 ms or more.
        """
        backend.render_markup = False
        self.backend = backend
        self._column_labels = column_labels(backend)
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
        selected = self.backend.selected
        if selected is not None and selected[row_index] and not cursor:
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


def column_labels(backend: ViewBackend) -> list[Text]:
    """The column names as literal labels (the widget would read `PWV [mm]` as markup and drop `[mm]`)."""
    return [Text(str(name)) for name in backend.columns]
