"""The last collection list of each repository, on disk to show at once while the Butler lists them again.

Listing tens of thousands of collections costs the Butler about a second here and more across a network; the saved
list is shown as such (with the time it was saved) and replaced by the Butler's answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from .collections import CollectionSummary
from .exposure_cache import cache_dir, repo_place

FORMAT = 1
KEEP = 8


def cache_file(repo: str) -> Path:
    """The file holding the collection list of `repo`."""
    return cache_dir("collections") / f"{hashlib.sha256(repo_place(repo).encode()).hexdigest()[:20]}.json"


def load_saved(repo: str) -> tuple[list[CollectionSummary], dt.datetime] | None:
    """(collections, saved at) from the last listing of `repo`, or None (an unreadable file is dropped)."""
    path = cache_file(repo)
    try:
        saved = json.loads(path.read_text())
        if saved.get("format") != FORMAT or saved.get("repo") != repo_place(repo):
            raise ValueError("another format or repository")
        entries = [CollectionSummary(name, kind, tuple(children), doc=doc)
                   for name, kind, children, doc in saved["collections"]]
        return entries, dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return None
    except Exception:
        path.unlink(missing_ok=True)
        return None


def save(repo: str, entries: list[CollectionSummary]) -> None:
    """Keep `entries` as the collection list of `repo`; only the newest few repositories' lists are kept."""
    from ..tables.table_io import atomic_path

    path = cache_file(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "repo": repo_place(repo), "collections": [
        (entry.name, entry.type, list(entry.children), entry.doc) for entry in entries]})
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    saved = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saved[KEEP:]:
        old.unlink(missing_ok=True)
