"""The monkey test's machinery: random keys drawn from what the screen on show declares, sent one at a time
or in bursts (posted together, as a paste or fast typing over SSH delivers them), and any crash reported with
the seed, screen, size and last keys that replay it."""

from __future__ import annotations

import random
import string
import threading
import traceback
import unicodedata
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pyarrow as pa
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.worker import Worker, WorkerState
from tui_support import screen_text

from spectui.core.butler import exposure_cache
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.errors import Cancelled, SpectuiError
from spectui.tui.app import SpectuiApp
from spectui.tui.cli.launch import SavedListReader

NEVER = frozenset({"ctrl+q"})
"""Keys never sent: they quit from anywhere (q, which quits from the first screen only, is handled apart)."""
QUITS = "q"
SPECIAL = ("enter", "escape", "up", "down", "left", "right", "tab", "shift+tab", "backspace", "delete",
           "home", "end", "pageup", "pagedown", "space")
PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " "
LAST_KEYS = 30


def as_key(character: str) -> str:
    """The key name Textual gives a typed character ('|' is vertical_line, 'a' is a)."""
    return character if character.isalnum() else _character_to_key(character)


def key_event(key: str) -> events.Key:
    """The Key event a terminal delivers for `key`, with its character (as Pilot.press makes it)."""
    original = REPLACED_KEYS.get(key, key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def typed(text: str) -> list[str]:
    """The keys that type `text`."""
    return [as_key(character) for character in text]


async def burst(pilot, *keys: str) -> None:
    """Post every key to the app at once, as a terminal delivers a paste, then let the app handle them all."""
    for key in keys:
        pilot.app.post_message(key_event(key))
    await pilot.pause()


def declared_keys(app) -> tuple[list[str], list[str], list[str]]:
    """The keys bound by the screen on show, by its focused widgets, and by the app (enabled or not)."""
    screen = set(app.screen._bindings.key_to_bindings) - NEVER
    own = set(app._bindings.key_to_bindings) - NEVER
    widgets = set(app.active_bindings) - screen - own - NEVER
    return sorted(screen), sorted(widgets), sorted(own)


class WorkerWatch:
    """Records every worker that ends in error with something other than a spectui error."""

    def __init__(self, monkeypatch) -> None:
        self.failed: list[Worker] = []
        run = Worker._run

        async def watched(worker: Worker, app) -> None:
            await run(worker, app)
            if worker.state == WorkerState.ERROR and not isinstance(worker.error, SpectuiError):
                self.failed.append(worker)

        monkeypatch.setattr(Worker, "_run", watched)


class MonkeyCrash(AssertionError):
    """The app crashed (or failed unexpectedly) under the monkey's keys."""


@dataclass
class Step:
    """Keys sent in one go: one key pressed (and waited for), or a burst posted together."""

    keys: list[str]
    burst: bool
    screen: str

    def text(self) -> str:
        """The step as the report shows it."""
        return f"[{' '.join(self.keys)}]" if self.burst else self.keys[0]


@dataclass
class Monkey:
    """Sends random keys to a running app, checking after each step that nothing went wrong."""

    seed: int
    case: str
    """The test's node id, to replay it."""
    size: tuple[int, int]
    watch: WorkerWatch
    steps: deque = field(default_factory=lambda: deque(maxlen=LAST_KEYS))

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.sent = 0
        self.relaunches = 0
        self.crash: MonkeyCrash | None = None

    # Choosing keys

    def _bound_key(self, app) -> str:
        """A key bound by the screen on show (most often), its focused widget or the app."""
        screen, widgets, own = declared_keys(app)
        roll = self.rng.random()
        choices = screen if roll < 0.7 else widgets if roll < 0.9 else own
        return self.rng.choice(choices or screen or own)

    def _any_key(self, app) -> str:
        """A bound key half the time, else a printable character or Enter, Escape, an arrow, Tab..."""
        roll = self.rng.random()
        if roll < 0.5:
            return self._bound_key(app)
        if roll < 0.8:
            return as_key(self.rng.choice(PRINTABLE))
        return self.rng.choice(SPECIAL)

    def _burst_keys(self, app) -> list[str]:
        """Often a key of the screen (opening a prompt or a screen) then text, sometimes Enter or Escape."""
        first = self._bound_key(app) if self.rng.random() < 0.6 else self._any_key(app)
        rest = [as_key(self.rng.choice(PRINTABLE)) if self.rng.random() < 0.6 else self._any_key(app)
                for _ in range(self.rng.randint(1, 7))]
        if self.rng.random() < 0.5:
            rest.append(self.rng.choice(("enter", "escape")))
        return [first, *rest]

    def _single_key(self, app) -> str:
        """A key to press alone: any key but a q that would quit."""
        while True:
            key = self._any_key(app)
            if key != QUITS or not self._q_quits(app):
                return key

    @staticmethod
    def _q_quits(app) -> bool:
        """Whether q would quit the app (it closes the first screen, or the last file)."""
        return len(app.screen_stack) == 1 and len(getattr(app, "files", "1")) == 1

    # Sending them

    def screen_name(self, app) -> str:
        """The screen on show, by class and title."""
        try:
            screen = app.screen
        except Exception:
            return "(no screen)"
        return f"{type(screen).__name__} '{screen.title}'"

    async def step(self, pilot) -> None:
        """One random step: a key pressed alone, a burst, or now and then a moment for the workers."""
        app = pilot.app
        roll = self.rng.random()
        if roll < 0.06:
            await pilot.pause(self.rng.choice((0.05, 0.2, 0.5)))
            return
        if roll < 0.4:
            step = Step(self._burst_keys(app), True, self.screen_name(app))
            self.steps.append(step)
            await burst(pilot, *step.keys)
        else:
            step = Step([self._single_key(app)], False, self.screen_name(app))
            self.steps.append(step)
            await pilot.press(*step.keys)
        self.sent += len(step.keys)

    async def run(self, pilot, count: int) -> bool:
        """`count` steps, checked one by one; False when a q quit the app (the caller starts it again)."""
        for _ in range(count):
            try:
                await self.step(pilot)
            except MonkeyCrash:
                raise
            except Exception as exc:
                self.fail(pilot.app, "".join(traceback.format_exception(exc)))
            self.check(pilot.app)
            if not pilot.app.is_running or pilot.app.return_code is not None:
                return self._quit(pilot.app)
        return True

    def _quit(self, app) -> bool:
        """A clean exit after a q of the last steps (a burst's keys may be handled during the next step)."""
        if app.return_code or not any(QUITS in step.keys for step in list(self.steps)[-3:]):
            self.fail(app, f"the app stopped (return code {app.return_code}) on keys that do not quit it")
        self.relaunches += 1
        return False

    # Checking

    def problems(self, app) -> list[str]:
        """What went wrong so far: the app's exception, failed workers, errors reported as unexpected."""
        found = []
        if app._exception is not None:
            found.append("".join(traceback.format_exception(app._exception)))
        for worker in self.watch.failed:
            found.append(f"worker {worker.description or worker.name!r} failed:\n"
                         + "".join(traceback.format_exception(worker.error)))
        found += [f"notified: {message}" for message in unexpected(app)]
        return found

    def check(self, app) -> None:
        """Fail with the report when anything went wrong."""
        found = self.problems(app)
        if found:
            self.fail(app, "\n".join(found))

    def fail(self, app, problem: str) -> None:
        """Stop with the report (the first crash found, however the app's shutdown re-raises it)."""
        if self.crash is None:
            self.crash = MonkeyCrash(self.report(app, problem))
        raise self.crash

    def last_keys(self) -> str:
        """The steps that sent the last LAST_KEYS keys, oldest first."""
        shown, count = [], 0
        for step in reversed(self.steps):
            shown.append(step.text())
            count += len(step.keys)
            if count >= LAST_KEYS:
                break
        return " · ".join(reversed(shown))

    def report(self, app, problem: str) -> str:
        """What it takes to replay the crash, the problem, and the screen."""
        width, height = self.size
        where = self.steps[-1].screen if self.steps else self.screen_name(app)
        try:
            shown = screen_text(app)
        except Exception:
            shown = "(not available)"
        return (f"monkey: seed {self.seed}, size {width}x{height}, last keys sent on {where}, now on "
                f"{self.screen_name(app)}, after {self.sent} keys and {self.relaunches} relaunches\n"
                f"last keys (a burst in [ ]): {self.last_keys()}\n"
                f"replay: SPECTUI_MONKEY_SEED={self.seed} .venv/bin/python -m pytest '{self.case}'\n"
                f"{problem}\nthe screen shows:\n{shown}")


def unexpected(app) -> list[str]:
    """Notifications of errors the app did not expect (anything but a spectui error)."""
    return [n.message for n in app._notifications if n.title == "Unexpected error"]


@dataclass
class Stop:
    """One place of a monkey's tour: how to get there (from anywhere), then random keys from there."""

    name: str
    arrive: Callable[[object], Awaitable[None]]


async def back_to_base(pilot) -> None:
    """Close every screen above the first one (of the current file, for spectui open)."""
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await pilot.pause()


class InProcessQuery:
    """The launch's exposure query answered as the query process answers (an Arrow stream, after a while,
    then the list saved for the next launch), from exposures already read, not by a process of its own."""

    def __init__(self, repo: str, frame, seconds: float) -> None:
        self.repo, self.frame, self.seconds = repo, frame, seconds
        self.answered = False
        self._cancelled = threading.Event()

    def answers(self, repo: str, selection) -> bool:
        return repo == self.repo and selection == ExposureSelection()

    def result(self):
        if self._cancelled.wait(self.seconds):
            raise Cancelled("the exposure query was cancelled.")
        table = pa.Table.from_pandas(self.frame, preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        self.answered = True
        exposure_cache.save(self.repo, ExposureSelection(), self.frame)
        return pa.ipc.open_stream(sink.getvalue()).read_all()

    def cancel(self) -> None:
        if not self.answered:
            self._cancelled.set()


def launched(repo: str, collection: str | None, query) -> SpectuiApp:
    """The app as `spectui --repo REPO [--collection C]` makes it (tui/launch.py): with a collection, the
    launch's query and the list saved last time, read in a thread."""
    if collection is None:
        return SpectuiApp(repo=repo)
    return SpectuiApp(repo=repo, collection=collection, launch_query=query(),
                      saved_list=SavedListReader(repo))
