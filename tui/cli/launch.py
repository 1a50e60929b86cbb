"""Start the TUI: resolve the repository (from --run, or building the demo on first run) and run the app."""

from __future__ import annotations

import threading

from spectui.core.butler.repo import local_repo_problem
from spectui.core.errors import RepoNotFound

from .options import configured_repo, say


def launch_app(*, repo: str | None, collection: str | None, run_name: str | None, theme: str | None,
               mouse: bool) -> None:
    """Open the app on the given or configured repository; the first run with none builds the demo.

    Opened on Exposures (with a collection or a run), the exposure query starts at once in a process of its own,
    and the list saved by the last launch is read in a thread while the app is imported, to be in its first frame.
    """
    if run_name:
        from .analysis import repo_and_collection

        repo_path, collection = repo_and_collection(repo, collection, run_name)
    else:
        repo_path = repo_or_demo(repo)
    problem = local_repo_problem(repo_path)
    if problem:
        raise RepoNotFound(problem)
    query = saved = None
    if collection or run_name:
        from spectui.core.butler.exposure_process import ExposureQueryProcess

        query = ExposureQueryProcess(repo_path)
        saved = SavedListReader(repo_path)
    try:
        from ..app import SpectuiApp

        app = SpectuiApp(repo=repo_path, collection=collection, run_name=run_name, theme_name=theme,
                         launch_query=query, saved_list=saved)
        app.run(mouse=mouse)
    finally:
        if query is not None:
            query.cancel()


def repo_or_demo(repo: str | None) -> str:
    """The repository to open: the given or configured one, else the demo (built once, on the first run).

    A configuration that cannot be read stops here with its one line, rather than building the demo.
    """
    configured = configured_repo(repo)
    if configured:
        return configured
    from spectui.core.demo.build import build_demo, default_demo_path, is_demo_repo

    demo = default_demo_path()
    if not is_demo_repo(demo):
        say("no repository configured: building the demo repository (once)...")
        demo = build_demo(demo, progress=say)
        say(f"demo repository ready at {demo}")
    return str(demo)


class SavedListReader:
    """The exposure list saved by the last launch (default selection), read and made ready to show in a thread."""

    def __init__(self, repo: str) -> None:
        self.repo = repo
        self._found = None
        self._thread = threading.Thread(target=self._read, name="spectui-saved-list", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        from spectui.core.butler import exposure_cache
        from spectui.core.butler.exposures import ExposureSelection

        from ..widgets.arrow_display import ArrowDisplay

        saved = exposure_cache.load_saved(self.repo, ExposureSelection())
        if saved is not None:
            table, saved_at = saved
            self._found = (table, saved_at, ArrowDisplay(table))

    def result(self):
        """(Arrow table, saved at, display) of the saved list once read, or None when there is none."""
        self._thread.join()
        return self._found
