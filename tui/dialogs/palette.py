"""The command palette: Textual's, with its page keys made safe while the list of results is being replaced."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette


class SpectuiPalette(CommandPalette):
    """Page up and down do nothing while the results list is not laid out (Textual's raised KeyError there)."""

    def _action_command_list(self, action: str) -> None:
        if action.startswith("page_") and not self.query_one(CommandList).scrollable_content_region.height:
            return
        super()._action_command_list(action)
