"""The app's top-level screens: name, title, purpose, key, and where the class lives (loaded on use)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenEntry:
    """One screen reachable by name from the command palette and by its key from anywhere."""

    name: str
    title: str
    description: str
    key: str
    location: str

    def load(self) -> type:
        """The screen class (importing its module now keeps start-up light)."""
        module, _, cls = self.location.partition(":")
        return getattr(importlib.import_module(module), cls)


SCREENS = (
    ScreenEntry("collections", "Collections", "Search collections and choose the current one", "1",
                "spectui.tui.screens.collections:CollectionsScreen"),
    ScreenEntry("exposures", "Exposures", "Browse, filter and export the selected exposures", "2",
                "spectui.tui.screens.exposures:ExposuresScreen"),
    ScreenEntry("extraction", "Extraction",
                "Extract the current collection's results to a table, with progress", "3",
                "spectui.tui.screens.extraction:ExtractionScreen"),
    ScreenEntry("status", "Merge & missing",
                "Which exposures have outputs, per night and filter; reprocessing", "4",
                "spectui.tui.screens.status:StatusScreen"),
    ScreenEntry("histograms", "Histograms",
                "Histograms, nightly series and cumulative counts of result columns", "5",
                "spectui.tui.screens.histogram:HistogramScreen"),
    ScreenEntry("compare", "Compare runs", "Two runs side by side: status changes and parameter shifts", "6",
                "spectui.tui.screens.compare:CompareScreen"),
)
SCREENS_BY_NAME = {entry.name: entry for entry in SCREENS}
