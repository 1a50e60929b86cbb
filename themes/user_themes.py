"""The user's own themes: TOML files in the configuration directory's themes/ folder, checked one by one."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from textual.theme import Theme

THEME_FIELDS = {f.name for f in dataclasses.fields(Theme)}


def load_user_themes(directory: Path) -> tuple[list[Theme], list[str]]:
    """The themes in `directory/*.toml`, and one line per file that could not be used."""
    themes, problems = [], []
    if not directory.is_dir():
        return themes, problems
    for path in sorted(directory.glob("*.toml")):
        try:
            themes.append(theme_from_file(path))
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
    return themes, problems


def theme_from_file(path: Path) -> Theme:
    """A Theme from a TOML file with Theme's fields (name, primary, background, dark, [variables], ...)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML ({exc})") from None
    unknown = sorted(set(data) - THEME_FIELDS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (keys: {', '.join(sorted(THEME_FIELDS))})")
    for required in ("name", "primary"):
        if not isinstance(data.get(required), str) or not data[required].strip():
            raise ValueError(f"{required!r} must be given as text")
    theme = Theme(**data)
    try:
        theme.to_color_system().generate()
    except Exception as exc:
        raise ValueError(f"bad colour ({exc})") from None
    return theme
