"""The user's settings: the configuration file as one typed model, checked once when it is read."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import config_path, load_config
from .errors import BadInput

AnimationLevel = Literal["none", "basic", "full"]
ANIMATION_LEVELS: tuple[str, ...] = get_args(AnimationLevel)


class Settings(BaseModel):
    """What the configuration file sets (keys it does not name are ignored, and kept in the file)."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    repo: str | None = None
    """The repository used when none is given (after SPECTUI_REPO)."""
    theme: str | None = None
    """The app's colour theme, remembered when chosen in the app."""
    animation: AnimationLevel | None = None
    """How much the app animates (else TEXTUAL_ANIMATIONS, else none)."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Keys by binding id, replacing the app's own."""


RULES = {
    "repo": "repo must be a repository path or alias, as text",
    "theme": "theme must be a theme name, as text",
    "animation": f"animation must be one of {', '.join(ANIMATION_LEVELS)}",
    "keymap": '[keymap] must map binding ids to keys, e.g. "table.filter" = "ctrl+l"',
}
"""What each setting must be, as said when it is not."""


def load_settings(path: Path | None = None) -> Settings:
    """The settings of the configuration file (the defaults when there is none); a BadInput at the first problem."""
    settings, problems = read_settings(path)
    if problems:
        raise BadInput(problems[0])
    return settings


def read_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings with each bad value left at its default, and one line per problem (an unreadable file is
    one problem: every setting is then at its default)."""
    source = path or config_path()
    try:
        data = load_config(source)
    except BadInput as exc:
        return Settings(), [exc.message]
    problems = []
    while True:
        try:
            return Settings.model_validate(data), problems
        except ValidationError as exc:
            name = exc.errors()[0]["loc"][0]
            problems.append(f"configuration {source}: {RULES[name]} (got {data[name]!r}).")
            data = {key: value for key, value in data.items() if key != name}
