"""The app opened on a Butler server's URL lists the repository's collections, as on the local demo."""

from __future__ import annotations

import pytest
from tui_support import config_dir, screen_text, settle, wait_for  # noqa: F401  (autouse fixtures)

from spectui.tui.app import SpectuiApp

pytestmark = pytest.mark.remote


async def test_the_app_on_a_server_url_lists_the_collections(butler_servers):
    app = SpectuiApp(repo=butler_servers.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen

        def listed() -> bool:
            """the collections are listed"""
            return bool(getattr(screen, "results", None)) and " match " in screen_text(app)

        await wait_for(pilot, listed, timeout=60)
        await settle(pilot)
        names = [entry.name for entry in screen.results]
        assert "u/dagoret/auxtel_latest" in names and "LATISS/raw/all" in names
        await wait_for(pilot, lambda: all(entry.name in screen.summaries for entry in screen.results), 60)
        text = screen_text(app)
        assert "127.0.0.1" in text and "CHAINED" in text and "yes" in text


async def test_the_app_on_a_server_url_lists_the_exposures_and_shows_a_rows_fields(butler_servers, science):
    from spectui.tui.screens.row_details import RowDetailsScreen

    app = SpectuiApp(repo=butler_servers.url, collection="u/dagoret/auxtel_latest")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: getattr(screen, "view", None) is not None
                       and getattr(screen, "saved_at", None) is None, timeout=60)
        await settle(pilot)
        assert screen.view.total_count == len(science)
        assert f"{len(science):,} of {len(science):,} rows" in screen_text(app)
        first = screen.view.key_at(0)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, RowDetailsScreen))
        assert f"id {first}" in screen_text(app)
