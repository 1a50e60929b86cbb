"""The user's configuration file (TOML): where it lives, reading it with clear errors, saving a value."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from .errors import BadInput
from .paths import user_path


def config_dir() -> Path:
    """The spectui configuration directory (SPECTUI_CONFIG_DIR overrides the platform default)."""
    override = os.environ.get("SPECTUI_CONFIG_DIR")
    if override:
        return user_path(override)
    import platformdirs

    return platformdirs.user_config_path("spectui")


def config_path() -> Path:
    """The configuration file."""
    return config_dir() / "config.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The configuration as a dict; an absent file is an empty configuration, a broken one a BadInput."""
    source = path or config_path()
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read configuration {source}: {exc}.") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"configuration {source} is not valid TOML: {exc}.") from exc


def write_toml(data: dict, path: Path) -> None:
    """Write a TOML file atomically, creating its directory."""
    import tomli_w

    from .tables.table_io import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")


def save_config_value(key: str, value: Any, path: Path | None = None) -> None:
    """Set one top-level key in the configuration file, keeping the others (written atomically)."""
    target = path or config_path()
    data = load_config(target)
    data[key] = value
    write_toml(data, target)
