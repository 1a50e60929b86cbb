"""The spectui Textual application shell."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class SpectuiApp(App):
    """The app: a header naming repo, collection and run, and the screens over them."""

    TITLE = "spectui"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, *, repo: str, collection: str | None = None, run_name: str | None = None,
                 theme_name: str | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.collection = collection
        self.run_name = run_name
        self.theme_name = theme_name

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"repo: {self.repo}\ncollection: {self.collection or '-'}", id="where")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.repo} · {self.collection or 'no collection'}"
