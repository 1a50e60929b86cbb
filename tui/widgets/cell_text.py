"""A table cell's text fitted to its column, shared by the table widget and the frame drawn before the app."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

MAX_COLUMN_WIDTH = 40
NULL_TEXT = "·"


def fit_cell(text: str, width: int, align: str) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis when too long, else padded to its alignment."""
    if width <= 0:
        return ""
    size = len(text) if text.isascii() else cell_len(text)
    if size > width:
        return set_cell_size(text, width - 1) + "…"
    gap = width - size
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap
