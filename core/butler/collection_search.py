"""What a collection search box finds: globs as typed (plain text matches anywhere) and matching runs."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

WILDCARDS = "*?"


def search_pattern(text: str) -> str:
    """The glob(s) for typed text: each comma-separated part as typed if it has a wildcard, else *part*."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return ",".join(p if any(c in p for c in WILDCARDS) else f"*{p}*" for p in parts) or "*"


def matching_runs(runs, pattern: str) -> list:
    """The registered runs whose name or collection matches one of the pattern's globs, by name."""
    globs = [p.strip() for p in pattern.split(",") if p.strip()] or ["*"]
    return sorted((run for run in runs if any(
        fnmatch.fnmatchcase(run.name, g) or fnmatch.fnmatchcase(run.collection, g) for g in globs)),
        key=lambda run: run.name)


def same_repo(run_repo: str, repo: str) -> bool:
    """Whether a run's repository (empty: any) is the one open; paths are compared once resolved."""
    if not run_repo:
        return True
    if run_repo == repo:
        return True
    if os.sep in run_repo or os.sep in repo:
        return Path(run_repo).expanduser().resolve() == Path(repo).expanduser().resolve()
    return False
