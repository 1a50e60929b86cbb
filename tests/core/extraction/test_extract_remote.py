"""Extraction through a Butler server: interrupted and resumed, it gives exactly the local demo's table, its
checkpoint belongs to the server's repository, not to the local one, and its progress says the server is asked."""

from __future__ import annotations

import pandas as pd
import pytest
from extract_support import RUN_320
from test_extract import interrupt_after

from spectui.core.butler.exposures import ExposureSelection
from spectui.core.errors import BadInput, Cancelled
from spectui.core.extraction.extract import Progress, extract

pytestmark = pytest.mark.remote

LAST_NIGHT = ExposureSelection(since=20250110)


def test_resumed_through_the_server_it_gives_the_local_table(butler_servers, demo_repo, tmp_path, monkeypatch):
    local = extract(demo_repo, RUN_320, selection=LAST_NIGHT).frame
    output = tmp_path / "remote.parquet"
    with monkeypatch.context() as patch, pytest.raises(Cancelled, match="--resume"):
        extract(butler_servers.url, RUN_320, output, selection=LAST_NIGHT, cancel=interrupt_after(patch, 2))
    with pytest.raises(BadInput, match="belongs to another extraction"):
        extract(demo_repo, RUN_320, output, selection=LAST_NIGHT, resume=True)
    resumed = extract(butler_servers.url, RUN_320, output, selection=LAST_NIGHT, resume=True, workers=2)
    assert 0 < resumed.resumed < len(local)
    pd.testing.assert_frame_equal(resumed.frame, local)


def test_progress_says_fetch_through_the_server_and_read_from_s3(remote_repo, butler_servers):
    events: list[Progress] = []
    result = extract(remote_repo, RUN_320, selection=LAST_NIGHT, progress=events.append)
    phases = [event.phase for event in events]
    reading = "fetch" if remote_repo == butler_servers.url else "read"
    assert phases[0] == "query" and phases[-2:] == ["write", "done"] and set(phases[1:-2]) == {reading}
    assert all(event.reading for event in events[1:-2]) and not events[0].reading
    assert events[-1].done == events[-1].total == len(result.frame) > 0
