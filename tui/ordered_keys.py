"""Keys handled strictly one after another, so a burst (a paste, fast typing over SSH) lands where slow typing would.

Textual forwards each key to the widget focused when the key is read, before the previous key's action has run:
`|` then `C` in one burst sent `C` to the table (opening Columns) because the filter box was not focused yet.
Here each key and paste waits until everything the one before it set going (its action, the focus change, a
screen being mounted) has been handled.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator
from time import monotonic

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.message_pump import MessagePump
from textual.widgets import Input

SETTLE_LIMIT = 2.0
"""Seconds a key waits at most for the previous one to be handled (a handler may wait for the user)."""

POLL = 0.005
WAIT_POLL = 0.02
"""Seconds between looks at a screen that holds keys until its data is there."""
IN_ORDER = "_spectui_in_order"


def typed_key(character: str) -> events.Key:
    """The key event a terminal sends when `character` is typed."""
    if character in "\r\n":
        return events.Key("enter", "\r")
    if character == "\t":
        return events.Key("tab", "\t")
    return events.Key(_character_to_key(character), character)


def queued(pump: MessagePump) -> int:
    """How many messages wait in the pump's queue."""
    return pump._message_queue.qsize()


class OrderedKeysApp(App):
    """An App whose keys and pastes are handled in order, each once the previous one's effects are done."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_input: deque[events.Event] = deque()
        self._releasing: asyncio.Task | None = None
        self._handled = asyncio.Event()

    async def on_event(self, event: events.Event) -> None:
        """Hold keys and pastes to hand them on in order; Enter typed before the app took the terminal (which
        the terminal turned into ctrl+j) is Enter."""
        if not isinstance(event, (events.Key, events.Paste)):
            await super().on_event(event)
        elif not event.is_forwarded and not getattr(event, IN_ORDER, False):
            typed_ahead_enter = isinstance(event, events.Key) and event.key == "ctrl+j"
            self._held_input.append(typed_key("\r") if typed_ahead_enter else event)
            if self._releasing is None or self._releasing.done():
                self._releasing = asyncio.create_task(self._release_in_order())
        else:
            came_back = event.is_forwarded
            await super().on_event(event)
            if came_back or not event.is_forwarded:
                self._handled.set()

    async def _release_in_order(self) -> None:
        """Hand the held keys back to the app one at a time, each once the one before has been handled."""
        try:
            while self._held_input:
                event = self._next_input()
                if event is None:
                    await asyncio.sleep(WAIT_POLL)
                    continue
                setattr(event, IN_ORDER, True)
                self._handled.clear()
                self.post_message(event)
                await self._handling_of(event)
        except Exception as error:
            self._handle_exception(error)

    def _next_input(self) -> events.Event | None:
        """The next key or paste to hand on, or None while the first one waits for the screen to be ready.

        A key that quits goes before the others. A paste outside a text box becomes its keys, as if typed.
        """
        held = self._held_input
        quitting = self._quitting(held)
        if quitting is not None:
            held.clear()
            return quitting
        event = held[0]
        if isinstance(event, events.Paste) and not isinstance(self.focused, Input):
            held.popleft()
            held.extendleft(reversed([typed_key(character) for character in event.text]))
            return None if not held else self._next_input()
        waits = getattr(self.screen, "key_waits", None)
        if isinstance(event, events.Key) and waits is not None and waits(event.key):
            return None
        return held.popleft()

    def _quitting(self, held) -> events.Key | None:
        """The first held key bound to quitting the app, the screen's bindings read once for all keys."""
        keys = [event for event in held if isinstance(event, events.Key)]
        if not keys:
            return None
        active = self.screen.active_bindings
        return next((key for key in keys if (bound := active.get(key.key)) is not None
                     and bound.binding.action == "quit"), None)

    async def _handling_of(self, event: events.Event) -> None:
        """Wait until `event` was handled (by a binding, or stopped by a widget) and the screen is quiet."""
        deadline = monotonic() + SETTLE_LIMIT
        while not (self._handled.is_set() or event._stop_propagation) and monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._handled.wait(), POLL)
        quiet_scans = 0
        while quiet_scans < 2 and monotonic() < deadline:
            quiet_scans = 0 if any(queued(pump) for pump in self._pumps()) else quiet_scans + 1
            await asyncio.sleep(0 if quiet_scans else POLL)

    def _pumps(self) -> Iterator[MessagePump]:
        """The app, the current screen and every widget on it."""
        yield self
        try:
            screen = self.screen
        except Exception:
            return
        yield from screen.walk_children(with_self=True)

    async def _shutdown(self) -> None:
        if self._releasing is not None:
            self._releasing.cancel()
        await super()._shutdown()
