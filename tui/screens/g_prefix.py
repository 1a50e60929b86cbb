"""VisiData's g prefix for table screens: g then a key runs that key's "every row" variant."""

from __future__ import annotations

from functools import partial

from textual import events

G_PREFIX_SECONDS = 2.0
G_VARIANTS = {
    "select_row": ("select_all(True)", "Select every row of the view"),
    "unselect_row": ("select_all(False)", "Unselect every row of the view"),
    "hide_column": ("show_all_columns", "Show every hidden column"),
    "g_prefix": ("first_row", "Go to the first row"),
}


class GPrefix:
    """Mixed into a table screen (which sets `g_pending` and `_g_timer` and has `update_status`): the prefix,
    its hints in the status line, the help screen and the palette."""

    def action_g_prefix(self) -> None:
        """Arm the g prefix for the next key."""
        self.g_pending = True
        if self._g_timer is not None:
            self._g_timer.stop()
        self._g_timer = self.set_timer(G_PREFIX_SECONDS, self._disarm_g)
        self.update_status()

    def _disarm_g(self) -> None:
        self.g_pending = False
        self.update_status()

    def _g_hints(self) -> list[tuple[str, str]]:
        keys = self._keys_by_action()
        return [(keys.get(action, "?"), what) for action, (_, what) in G_VARIANTS.items()]

    def _keys_by_action(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for key, active in self.active_bindings.items():
            name = active.binding.action.split("(")[0]
            keys.setdefault(name, self.app.get_key_display(active.binding.with_key(key)))
        return keys

    @property
    def HELP_EXTRA(self) -> list[tuple[str, str]]:
        """The g-prefixed keys, as the help screen lists them."""
        g_key = self._keys_by_action().get("g_prefix", "g")
        return [(f"{g_key} {key}", what) for key, what in self._g_hints()]

    async def on_key(self, event: events.Key) -> None:
        if not self.g_pending:
            return
        self.g_pending = False
        active = self.active_bindings.get(event.key)
        name = active.binding.action.split("(")[0] if active else ""
        if name in G_VARIANTS or name == "back":
            event.stop()
            event.prevent_default()
        if name in G_VARIANTS:
            await self.run_action(G_VARIANTS[name][0])
        self.update_status()

    def palette_commands(self):
        yield from super().palette_commands()
        g_key = self._keys_by_action().get("g_prefix", "g")
        for (key, what), (action, _) in zip(self._g_hints(), G_VARIANTS.values()):
            yield what, f"{self.title}: keys {g_key} {key}", partial(self.run_action, action)
