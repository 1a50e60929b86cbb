"""Choosing a collection away from the Collections screen: its names in the command palette and in a picker."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import Hit, Hits, Provider
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from spectui.core.butler.collection_choice import best_matches, collection_names
from spectui.core.errors import SpectuiError

from .pick import MAX_SHOWN, PickScreen

PALETTE_HITS = 20
"""Collections the palette offers at most: the best few of tens of thousands."""


class CollectionCommands(Provider):
    """"Collection NAME" for the repository's collections that best match what is typed in the palette; choosing
    one does what Enter on it does on the Collections screen (the app's first screen, which holds the list)."""

    async def startup(self) -> None:
        self.collections = self.app.get_default_screen()
        listed = getattr(self.collections, "everything", None)
        self.names = await asyncio.to_thread(collection_names, self.app.repo, listed)

    async def search(self, query: str) -> Hits:
        try:
            found = best_matches(self.names, query, PALETTE_HITS)
        except SpectuiError as exc:
            self.app.report(exc)
            return
        for place, name in enumerate(found):
            yield Hit((PALETTE_HITS - place) / (PALETTE_HITS + 1), Text(f"Collection {name}"),
                      partial(self.collections.use, name), text=f"Collection {name}",
                      help="Make it the current collection and open its exposures")


class CollectionPickScreen(PickScreen):
    """A picker over collection names, searched as the Collections screen searches (globs, text anywhere)."""

    def __init__(self, names: list[str], current: str | None = None) -> None:
        super().__init__("Collection", names, current, placeholder="part of a name, or a glob such as u/me/*")

    def _show(self, query: str) -> None:
        try:
            found = best_matches(self.choices, query, MAX_SHOWN) if query.strip() else self.choices[:MAX_SHOWN]
        except SpectuiError as exc:
            self.app.report(exc)
            return
        self.shown = found
        options = self.query_one(OptionList)
        options.set_options([Option(Text(name, no_wrap=True, overflow="ellipsis")) for name in found])
        if found:
            options.highlighted = 0
