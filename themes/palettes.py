"""The colours of spectui's own themes, as Textual Theme fields in plain data.

The app builds its themes from these, and the first frame of `spectui open`, drawn before Textual is imported,
reads the same values, so the two cannot disagree.
"""

from __future__ import annotations

DARK = {
    "name": "spectui-dark",
    "primary": "#4EA1D3",
    "secondary": "#5E8C6A",
    "accent": "#E0A84B",
    "foreground": "#D8DEE9",
    "background": "#10151C",
    "surface": "#171E27",
    "panel": "#222C38",
    "success": "#7FB685",
    "warning": "#E0A84B",
    "error": "#E06C6C",
    "dark": True,
    "variables": {"footer-key-foreground": "#E0A84B", "block-cursor-text-style": "none"},
}

LIGHT = {
    "name": "spectui-light",
    "primary": "#1F5F8B",
    "secondary": "#3A7D44",
    "accent": "#A35C00",
    "foreground": "#1C232B",
    "background": "#FAFAFA",
    "surface": "#EEF1F4",
    "panel": "#D9E0E8",
    "success": "#2E7D32",
    "warning": "#A35C00",
    "error": "#B3261E",
    "dark": False,
    "variables": {"footer-key-foreground": "#1F5F8B", "block-cursor-text-style": "none"},
}

HIGH_CONTRAST = {
    "name": "spectui-high-contrast",
    "primary": "#FFFF00",
    "secondary": "#00FFFF",
    "accent": "#FF00FF",
    "foreground": "#FFFFFF",
    "background": "#000000",
    "surface": "#000000",
    "panel": "#303030",
    "success": "#00FF00",
    "warning": "#FFFF00",
    "error": "#FF5050",
    "dark": True,
    "luminosity_spread": 0.3,
    "text_alpha": 1.0,
    "variables": {
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "border": "#FFFFFF",
        "text-muted": "#E0E0E0",
    },
}

TERMINAL = {
    "name": "spectui-terminal",
    "ansi": True,
    "primary": "ansi_blue",
    "foreground": "ansi_default",
    "background": "ansi_default",
    "surface": "ansi_default",
    "panel": "ansi_default",
}
"""Textual's ansi-dark theme renamed (these fields replace its own, which they repeat): it follows the
terminal's own 16-colour palette, for terminals (or SSH links) with poor colour support."""

PALETTES = {palette["name"]: palette for palette in (DARK, LIGHT, HIGH_CONTRAST, TERMINAL)}
