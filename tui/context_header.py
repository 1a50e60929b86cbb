"""The one-line header of every screen: the screen's name, then the repository, collection and run in use."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

NOTHING = "—"


def middle_ellipsis(text: str, width: int, head_share: float = 0.5) -> str:
    """`text` shortened to `width` cells by an ellipsis in its middle, keeping `head_share` of it in front."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = int((width - 1) * head_share)
    tail = width - 1 - head
    return text[:head] + "…" + text[len(text) - tail:]


class ContextHeader(Widget):
    """Shows `spectui · Screen  repo … collection … run …` (or the app's `header_fields`), to fit."""

    DEFAULT_CSS = "ContextHeader { height: 1; }"

    def on_mount(self) -> None:
        for name in ("repo", "collection", "run_name", "activity"):
            self.watch(self.app, name, lambda _value: self.refresh(), init=False)

    def render(self) -> Text:
        app = self.app
        screen_title = self.screen.title or ""
        fields = app.header_fields() if hasattr(app, "header_fields") else [
            ("repo", str(getattr(app, "repo", "") or NOTHING)),
            ("collection", getattr(app, "collection", None) or NOTHING),
            ("run", getattr(app, "run_name", None) or NOTHING)]
        activity = getattr(app, "activity", "")
        lead = f" spectui · {screen_title} " + (f"⧗ {activity} " if activity else "")
        fixed = len(lead) + sum(len(label) + 3 for label, _ in fields)
        room = max(3 * 4, self.size.width - fixed)
        widths = share_widths(room, [len(value) for _, value in fields])
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(lead, style="bold")
        for (label, value), width, head_share in zip(fields, widths, (0.25, 0.7, 0.7)):
            text.append(f" {label} ", style="dim")
            style = "bold" if value != NOTHING else "dim"
            text.append(middle_ellipsis(value, width, head_share), style=style)
            text.append(" ")
        return text


def share_widths(room: int, wanted: list[int], weights: tuple[int, ...] = (1, 2, 1)) -> list[int]:
    """Split `room` cells between repo, collection, run: short values get their length, others share."""
    widths = [0] * len(wanted)
    left = list(range(len(wanted)))
    while left:
        total = sum(weights[i] for i in left)
        fits = [i for i in left if wanted[i] <= room * weights[i] // total]
        if not fits:
            for i in left:
                widths[i] = room * weights[i] // total
            break
        for i in fits:
            widths[i] = wanted[i]
            room -= wanted[i]
            left.remove(i)
    return widths
