"""The one-line header of every screen: the screen's name, then the repository, collection and run in use."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from .header_text import NOTHING, header_runs

HEADER_STYLES = {"lead": "bold", "label": "dim", "value": "bold", "blank": ""}


class ContextHeader(Widget):
    """Shows `spectui · Screen  repo … collection … run …` (or the app's `header_fields`), to fit."""

    DEFAULT_CSS = "ContextHeader { height: 1; }"

    def on_mount(self) -> None:
        for name in ("repo", "collection", "run_name", "activity"):
            self.watch(self.app, name, lambda _value: self.refresh(), init=False)

    def render(self) -> Text:
        app = self.app
        fields = app.header_fields() if hasattr(app, "header_fields") else [
            ("repo", str(getattr(app, "repo", "") or NOTHING)),
            ("collection", getattr(app, "collection", None) or NOTHING),
            ("run", getattr(app, "run_name", None) or NOTHING)]
        text = Text(no_wrap=True, overflow="ellipsis")
        for part, kind in header_runs(self.screen.title or "", fields, getattr(app, "activity", ""),
                                      self.size.width):
            text.append(part, style=HEADER_STYLES[kind])
        return text
