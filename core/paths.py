"""Paths as users type them: `~` and `~user` expanded as the shell would."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import BadInput


def user_path(path: str | os.PathLike) -> Path:
    """`path` with a leading `~` or `~user` expanded; a BadInput when that user has no home folder here."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        user = str(path).split(os.sep, 1)[0]
        raise BadInput(f"{path}: there is no user {user[1:]!r} here, so {user}/ has no home folder; write the "
                       "path in full.") from None
