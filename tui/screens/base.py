"""What every spectui screen shares: errors become notifications, actions are in the palette."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from spectui.core.errors import SpectuiError


def reports_errors(action: Callable) -> Callable:
    """Turn a SpectuiError raised by an action into a notification; the app keeps running."""

    @functools.wraps(action)
    def wrapper(self, *args, **kwargs):
        try:
            return action(self, *args, **kwargs)
        except SpectuiError as exc:
            self.app.report(exc)
            return None

    return wrapper


class SpectuiScreen(Screen):
    """A screen whose failed workers are reported and whose described bindings are in the command palette."""

    HELP = ""

    def key_waits(self, key: str) -> bool:
        """Whether `key`, typed ahead, must wait for data this screen is about to show (none by default)."""
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report(event.worker.error)

    def palette_commands(self) -> Iterator[tuple[str, str, Callable]]:
        """(title, help, callback) for each binding of this screen that has a tooltip."""
        for binding in _own_bindings(type(self)):
            if binding.tooltip:
                keys = self.app.get_key_display(Binding(self._current_keys(binding), binding.action))
                yield (binding.tooltip, f"{self.title}: key {keys}",
                       functools.partial(self.run_action, binding.action))

    def _current_keys(self, binding: Binding) -> str:
        remapped = self.app.user_keymap.get(binding.id, "") if binding.id else ""
        return (remapped or binding.key).split(",")[0]


def _own_bindings(cls: type) -> Iterator[Binding]:
    """The Binding objects declared by a screen class and its spectui parents, nearest first."""
    for klass in cls.__mro__:
        if not klass.__module__.startswith("spectui."):
            continue
        for binding in klass.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding):
                yield binding
