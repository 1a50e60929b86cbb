"""The last exposure list of each repository and selection, on disk to show at once while the Butler answers.

A saved list is only ever shown as such (with the time it was saved) and is replaced by the Butler's answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from ..paths import user_path
from .exposures import ExposureSelection

KEEP = 8


def cache_dir(kind: str = "exposures") -> Path:
    """Where saved lists of a kind live (under SPECTUI_DATA_DIR when set, else the user data directory)."""
    import platformdirs

    root = os.environ.get("SPECTUI_DATA_DIR") or platformdirs.user_data_path("spectui")
    return Path(root) / "cache" / kind


def repo_place(repo: str) -> str:
    """The repository as a saved list names it: a resolved path, or the URL or label as given."""
    if "://" in repo:
        return repo
    return str(user_path(repo).resolve()) if os.sep in repo or Path(repo).exists() else repo


def cache_file(repo: str, selection: ExposureSelection) -> Path:
    """The file holding the list of `selection` in `repo`."""
    key = json.dumps({"repo": repo_place(repo), "selection": dataclasses.asdict(selection)}, sort_keys=True)
    return cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.parquet"


def load_saved(repo: str, selection: ExposureSelection):
    """(Arrow table, saved at) from the last listing of this selection, or None (unreadable files are dropped).

    Read without pandas, so that the list can be shown before pandas is imported; `to_pandas` on the table
    gives back the frame that was saved.
    """
    import pyarrow.parquet as pq

    path = cache_file(repo, selection)
    try:
        table = pq.ParquetFile(path).read()
        saved = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return None
    except Exception:
        path.unlink(missing_ok=True)
        return None
    return table, saved


def save(repo: str, selection: ExposureSelection, frame) -> None:
    """Keep `frame` as the list of `selection` in `repo`; only the newest few lists are kept."""
    from ..tables.table_io import write_table

    path = cache_file(repo, selection)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_table(frame, path)
    saved = sorted(path.parent.glob("*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saved[KEEP:]:
        old.unlink(missing_ok=True)
