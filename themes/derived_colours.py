"""The colours Textual makes of a theme's fields, worked out in plain Python for the first frame of `spectui open`.

That frame is drawn before Textual is imported, so it follows Textual's arithmetic here: shades through CIE-Lab,
text in the contrasting colour over its background, dim text blended towards the background, blends truncated.
A colour is '#rrggbb', or a name of the terminal's own colours ('default', 'blue').
"""

from __future__ import annotations

import re

HEX = re.compile(r"#([0-9a-fA-F]{6})")
AUTO = re.compile(r"auto (\d+(?:\.\d+)?)%")
DIM_FACTOR = 0.66
"""How far dim text goes towards its background (Textual's default)."""

RGB = tuple[int, int, int]


def rgb_of(colour: str) -> RGB | None:
    """The red, green and blue of a '#rrggbb' colour; None for a terminal colour."""
    found = HEX.fullmatch(colour)
    if found is None:
        return None
    value = int(found.group(1), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def hex_of(rgb: RGB) -> str:
    """'#rrggbb' of red, green and blue."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def theme_colour(value: str) -> str | None:
    """A theme field's colour as the app shows it: a terminal colour by name, any other as its Lab shade.

    None for a colour written in another form (the first frame is then not drawn).
    """
    if value.startswith("ansi_"):
        return value.removeprefix("ansi_")
    rgb = rgb_of(value)
    return None if rgb is None else hex_of(lab_round_trip(rgb))


def lab_round_trip(rgb: RGB) -> RGB:
    """A colour taken to CIE-Lab and back, as Textual shades every base colour of a theme."""
    linear = [pow((c / 255 + 0.055) / 1.055, 2.4) if c / 255 > 0.04045 else c / 255 / 12.92 for c in rgb]
    r, g, b = linear
    off = 16 / 116
    xyz = [(r * 41.24 + g * 35.76 + b * 18.05) / 95.047, (r * 21.26 + g * 71.52 + b * 7.22) / 100,
           (r * 1.93 + g * 11.92 + b * 95.05) / 108.883]
    fx, fy, fz = [pow(t, 1 / 3) if t > 0.008856 else 7.787 * t + off for t in xyz]
    lightness, a, b_axis = 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
    y = (lightness + 16) / 116
    x = a / 500 + y
    z = y - b_axis / 200
    y = pow(y, 3) if y > 0.2068930344 else (y - off) / 7.787
    x = 0.95047 * pow(x, 3) if x > 0.2068930344 else 0.122059 * (x - off)
    z = 1.08883 * pow(z, 3) if z > 0.2068930344 else 0.139827 * (z - off)
    channels = (x * 3.2406 + y * -1.5372 + z * -0.4986, x * -0.9689 + y * 1.8758 + z * 0.0415,
                x * 0.0557 + y * -0.2040 + z * 1.0570)
    encoded = [1.055 * pow(c, 1 / 2.4) - 0.055 if c > 0.0031308 else 12.92 * c for c in channels]
    r, g, b = (min(max(int(c * 255), 0), 255) for c in encoded)
    return r, g, b


def blend(colour: str, destination: str, factor: float) -> str:
    """A colour `factor` of the way to `destination` (a terminal colour is not blended: it is the destination)."""
    start, end = rgb_of(colour), rgb_of(destination)
    if start is None or end is None:
        return destination
    return hex_of(tuple(int(a + (b - a) * factor) for a, b in zip(start, end)))


def text_colour(value: str, background: str) -> str | None:
    """Text of a theme's text variable over `background`: 'auto N%' is black or white at N% over it."""
    auto = AUTO.fullmatch(value)
    if auto is None:
        return theme_colour(value) if value.startswith("ansi_") else (value.lower() if rgb_of(value) else None)
    rgb = rgb_of(background)
    if rgb is None:
        return "default"
    r, g, b = (c / 255 for c in rgb)
    contrast = "#ffffff" if (299 * r + 587 * g + 114 * b) / 1000 < 0.5 else "#000000"
    return blend(background, contrast, float(auto.group(1)) / 100)


def dim_text(colour: str, background: str) -> str:
    """Dim text as the app draws it: blended towards the background, or dim in the terminal's own colours."""
    start, end = rgb_of(background), rgb_of(colour)
    if start is None or end is None:
        return f"dim {colour}"
    return "not dim " + hex_of(tuple(int(a + (b - a) * DIM_FACTOR) for a, b in zip(start, end)))
