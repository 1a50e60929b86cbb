"""spectui's own colour themes as Textual Theme objects, and the stylesheet that uses them."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from textual.theme import BUILTIN_THEMES, Theme

from . import palettes


def theme(palette: dict) -> Theme:
    """A Theme with a palette's fields (copied: a Theme keeps its variables dict)."""
    return Theme(**copy.deepcopy(palette))


DARK = theme(palettes.DARK)
LIGHT = theme(palettes.LIGHT)
HIGH_CONTRAST = theme(palettes.HIGH_CONTRAST)
TERMINAL = dataclasses.replace(BUILTIN_THEMES["ansi-dark"], **palettes.TERMINAL)
"""Follows the terminal's own 16-colour palette: for terminals (or SSH links) with poor colour support."""

SPECTUI_THEMES = (DARK, LIGHT, HIGH_CONTRAST, TERMINAL)


def stylesheet_path() -> Path:
    """The app's stylesheet, which uses only theme variables."""
    return Path(__file__).with_name("spectui.tcss")
