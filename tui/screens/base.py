"""What every spectui screen shares: errors become notifications, worker results come back as messages."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

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


class Delivered(Message, bubble=False):
    """A worker's result on its way to the screen that started it (a newer worker of its group wins)."""

    def __init__(self, worker: Worker, callback: Callable, args: tuple, cancelled_too: bool = False) -> None:
        super().__init__()
        self.worker, self.callback, self.args, self.cancelled_too = worker, callback, args, cancelled_too


class SpectuiScreen(Screen):
    """A screen whose failed workers are reported and whose described bindings are in the command palette."""

    HELP = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._newest: dict[str, Worker] = {}

    def run_worker(self, work, *args, **kwargs) -> Worker:
        """Start a worker, which becomes the newest of its group (its kind of result)."""
        worker = super().run_worker(work, *args, **kwargs)
        self._newest[worker.group] = worker
        return worker

    def deliver(self, callback: Callable, *args, cancelled_too: bool = False) -> None:
        """From a worker: have this screen run `callback(*args)` while open and nothing newer is asked (even once
        the worker is cancelled, with `cancelled_too`)."""
        self.post_message(Delivered(get_current_worker(), callback, args, cancelled_too))

    def is_newest(self, worker: Worker, cancelled_too: bool = False) -> bool:
        """Whether `worker` is the latest of its group and (unless `cancelled_too`) was not cancelled."""
        return self._newest.get(worker.group) is worker and (cancelled_too or not worker.is_cancelled)

    @property
    def is_open(self) -> bool:
        """Whether the screen is on a stack (of any open mode) or installed for later (a closed one loses its
        widgets)."""
        return self.is_mounted and self.app.holds_screen(self)

    def on_delivered(self, message: Delivered) -> None:
        if self.is_open and self.is_newest(message.worker, message.cancelled_too):
            message.callback(*message.args)

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
