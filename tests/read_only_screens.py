"""Open every screen of the app on a repository and list the errors it shows (run on a read-only mount)."""

from __future__ import annotations

import asyncio
import sys
import time

from spectui.tui.app import SpectuiApp
from spectui.tui.screens.registry import SCREENS

SCREEN_SECONDS = 60


async def visit_every_screen(repo: str, collection: str) -> list[str]:
    """The names of the screens that failed to appear and the error notifications seen, in order."""
    app = SpectuiApp(repo=repo, collection=collection)
    problems: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for entry in SCREENS:
            app.show_screen(entry.name)
            deadline = time.monotonic() + SCREEN_SECONDS
            await pilot.pause(0.2)
            while not all(worker.is_finished for worker in app.workers) and time.monotonic() < deadline:
                await pilot.pause(0.05)
            if type(app.screen) is not entry.load():
                problems.append(f"screen {entry.name} did not open")
        problems += [n.message for n in app._notifications if n.severity == "error"]
    return problems


if __name__ == "__main__":
    found = asyncio.run(visit_every_screen(sys.argv[1], sys.argv[2]))
    print("\n".join(found))
    sys.exit(1 if found else 0)
