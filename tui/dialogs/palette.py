"""The command palette: Textual's, made safe while its list of results is being replaced or taken down."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette


class SpectuiPalette(CommandPalette):
    """Page up and down do nothing while the results list is not laid out (Textual's raised KeyError there), and
    results found once the list is gone are dropped (Textual's search worker failed with NoMatches)."""

    def _watch__list_visible(self) -> None:
        if self.query(CommandList):
            super()._watch__list_visible()

    def _action_command_list(self, action: str) -> None:
        if action.startswith("page_") and not self.query_one(CommandList).scrollable_content_region.height:
            return
        super()._action_command_list(action)
