"""What a collection search box finds: globs as typed (plain text matches anywhere), runs of this repository."""

from __future__ import annotations

import os

from ..paths import user_path

WILDCARDS = "*?"


def search_pattern(text: str) -> str:
    """The glob(s) for typed text: each comma-separated part as typed if it has a wildcard, else *part*."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return ",".join(p if any(c in p for c in WILDCARDS) else f"*{p}*" for p in parts) or "*"


def same_repo(run_repo: str, repo: str) -> bool:
    """Whether a run's repository (empty: any) is the one open; paths are compared once resolved."""
    if not run_repo:
        return True
    if run_repo == repo:
        return True
    if os.sep in run_repo or os.sep in repo:
        return user_path(run_repo).resolve() == user_path(repo).resolve()
    return False
