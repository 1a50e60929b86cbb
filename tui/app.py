"""The spectui Textual application: the shell every screen lives in (keys, palette, themes, the Butler)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from functools import partial

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme

from spectui.core.errors import BadInput, SpectuiError, UnknownCollection
from spectui.core.settings import ANIMATION_LEVELS, Settings, read_settings
from spectui.themes.builtin import SPECTUI_THEMES, stylesheet_path
from spectui.themes.names import DEFAULT_THEME
from spectui.themes.user_themes import load_user_themes

from .long_lived import freeze_long_lived_objects
from .ordered_keys import OrderedKeysApp
from .screens.registry import SCREENS, SCREENS_BY_NAME
from .widgets.fastdatatable_version import warn_if_untested


def collection_commands():
    """The command palette's "Collection NAME" choices, imported when the palette first opens."""
    from .dialogs.collection_choice import CollectionCommands

    return CollectionCommands


class SpectuiApp(OrderedKeysApp):
    """The app: a header naming repo, collection and run, and the screens over them."""

    TITLE = "spectui"
    CSS_PATH = stylesheet_path()
    COMMANDS = OrderedKeysApp.COMMANDS | {collection_commands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        *(Binding(entry.key, f"show_screen('{entry.name}')", entry.title, show=False,
                  tooltip=entry.description, id=f"app.{entry.name}") for entry in SCREENS),
    ]

    repo: reactive[str] = reactive("")
    collection: reactive[str | None] = reactive(None)
    run_name: reactive[str | None] = reactive(None)
    activity: reactive[str] = reactive("")
    """Work going on in the background (an extraction), shown in the header of every screen."""

    def __init__(self, *, repo: str, collection: str | None = None, run_name: str | None = None,
                 theme_name: str | None = None, launch_query=None, saved_list=None) -> None:
        """`launch_query` and `saved_list`: the exposure query the launch started in a process of its own, and the
        list saved by the last launch being read, for Exposures to show."""
        super().__init__()
        self.set_reactive(SpectuiApp.repo, str(repo))
        self.set_reactive(SpectuiApp.collection, collection)
        self.set_reactive(SpectuiApp.run_name, run_name)
        self.startup_problems: list[str] = []
        self.settings = self._read_settings()
        self.user_keymap = dict(self.settings.keymap)
        self.animation_level = self._animation_level()
        self.theme = self._choose_theme(theme_name)
        self._saved_theme = self.settings.theme
        self._butler = None
        self._butler_lock = threading.Lock()
        self._screens: dict[str, Screen] = {}
        self._launch_query = launch_query
        self._saved_list = saved_list
        self._errors_shown: dict[str, float] = {}

    # Configuration

    def _read_settings(self) -> Settings:
        settings, problems = read_settings()
        self.startup_problems.extend(f"{problem} Using the defaults." for problem in problems)
        return settings

    def _animation_level(self) -> str:
        level = self.settings.animation or os.environ.get("TEXTUAL_ANIMATIONS") or "none"
        if level not in ANIMATION_LEVELS:
            choices = ", ".join(ANIMATION_LEVELS)
            self.startup_problems.append(f"TEXTUAL_ANIMATIONS must be one of {choices} (got {level!r}).")
            return "none"
        return level

    def _choose_theme(self, requested: str | None) -> str:
        from spectui.core.config import config_dir

        for theme in SPECTUI_THEMES:
            self.register_theme(theme)
        themes, problems = load_user_themes(config_dir() / "themes")
        for theme in themes:
            self.register_theme(theme)
        wanted = requested or self.settings.theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            problems.append(f"unknown theme {wanted!r}; themes: {', '.join(sorted(self.available_themes))}.")
            wanted = DEFAULT_THEME
        if problems:
            self.startup_problems.append("Theme problem: " + " ".join(problems) + f" Using {wanted}.")
        return wanted

    def _remember_theme(self, theme: Theme) -> None:
        from spectui.core.config import save_config_value

        if theme.name == self._saved_theme:
            return
        try:
            save_config_value("theme", theme.name)
            self._saved_theme = theme.name
        except SpectuiError as exc:
            self.report(exc)

    # Start-up

    def get_default_screen(self) -> Screen:
        return self._screen("collections")

    def on_mount(self) -> None:
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        for problem in self.startup_problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        if self.collection or self.run_name:
            self.show_screen("exposures")

    def on_ready(self) -> None:
        warn_if_untested(self)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if not (self.collection or self.run_name):
            self.warm_up()
        if self.user_keymap:
            self._check_keymap()

    def on_unmount(self) -> None:
        if self._launch_query is not None:
            self._launch_query.cancel()

    @work(thread=True, group="warm-up", exit_on_error=False, description="Opening the repository")
    def warm_up(self) -> None:
        """Open the Butler, run a small query and import the exposures screen, in the background.

        Run after the first paint on Collections, and on Exposures once the launch's query process has answered;
        otherwise the exposures query opens the Butler itself, and sooner alone.
        """
        import numpy as np

        from spectui.core.butler.collections import collection_exists
        from spectui.core.butler.exposure_choices import exposure_choices
        from spectui.core.butler.times import tai_ns_to_utc

        tai_ns_to_utc(np.zeros(1))
        SCREENS_BY_NAME["exposures"].load()
        try:
            with self.butler() as butler:
                exposure_choices(butler)
                unknown = self.collection and not collection_exists(butler, self.collection)
        except SpectuiError:
            return
        if unknown:
            self.call_from_thread(self._unknown_collection, self.collection)
        freeze_long_lived_objects()

    def _unknown_collection(self, name: str) -> None:
        """The collection asked for is not in the repository: say so and go to Collections to pick one."""
        self.report(UnknownCollection(f"no collection {name!r} in {self.repo}: pick one here (enter)."))
        self.collection = self.run_name = None
        self.show_screen("collections")

    @work(thread=True, group="keymap", exit_on_error=False, description="Checking the keymap")
    def _check_keymap(self) -> None:
        unknown = sorted(set(self.user_keymap) - known_binding_ids())
        if unknown:
            ids = ", ".join(unknown)
            self.notify(f"Unknown binding id{'s' if len(unknown) > 1 else ''} in [keymap]: {ids}. "
                        "The help screen (?) lists the ids.", severity="warning", timeout=10, markup=False)

    # Services for the screens

    def take_launch_query(self, selection):
        """The launch's exposure query process when it answers `selection` in this repository (once), else None."""
        query, self._launch_query = self._launch_query, None
        if query is not None and not query.answers(self.repo, selection):
            query.cancel()
            return None
        return query

    def take_saved_list(self, selection):
        """(table, saved at, display) of the list saved by the last launch for `selection` (once), else None."""
        from spectui.core.butler.exposures import ExposureSelection

        reader, self._saved_list = self._saved_list, None
        if reader is None or reader.repo != self.repo or selection != ExposureSelection():
            return None
        return reader.result()

    @contextlib.contextmanager
    def butler(self) -> Iterator:
        """The repository's read-only Butler, opened on first use, one worker at a time (not thread-safe)."""
        with self._butler_lock:
            if self._butler is None:
                from spectui.core.butler.repo import open_repo

                self._butler = open_repo(self.repo)
            yield self._butler

    def report(self, error: BaseException) -> None:
        """Show an error as a notification: spectui errors by their line, others by type and first line.

        A registry that went away is said as on the command line, and the same line already on screen is not
        shown twice (two screens meeting one broken registry).
        """
        from spectui.core.butler.repo import registry_unavailable

        error = registry_unavailable(error) or error
        if isinstance(error, SpectuiError):
            message, title, timeout = error.message, "Error", 8
        else:
            first = (str(error).strip().splitlines() or [""])[0]
            self.log.error(repr(error))
            message, title, timeout = f"{type(error).__name__}: {first}", "Unexpected error", 10
        now = time.monotonic()
        if self._errors_shown.get(message, 0.0) > now:
            return
        self._errors_shown = {shown: until for shown, until in self._errors_shown.items() if until > now}
        self._errors_shown[message] = now + timeout
        self.notify(message, severity="error", title=title, timeout=timeout, markup=False)

    def clear_errors(self) -> None:
        """Take down the error notifications: what they said no longer holds."""
        if self._errors_shown:
            self._errors_shown = {}
            self.clear_notifications()

    # Navigation

    def screen_modes(self) -> list[str]:
        """The modes whose screens are open (one here; one per file in the files app)."""
        return [self.current_mode]

    def holds_screen(self, screen: Screen) -> bool:
        """Whether `screen` is open: on the stack of any mode, or installed for later."""
        for mode in self.screen_modes():
            with contextlib.suppress(KeyError):
                if screen in self.get_screen_stack(mode):
                    return True
        return self.is_screen_installed(screen)

    def _screen(self, name: str) -> Screen:
        if name not in self._screens:
            screen = SCREENS_BY_NAME[name].load()()
            self._screens[name] = screen
            if name != "collections":
                self.install_screen(screen, name)
        return self._screens[name]

    def show_screen(self, name: str) -> None:
        """Bring a top-level screen forward: back down to it if it is open, else open it on top."""
        if name not in SCREENS_BY_NAME:
            self.report(BadInput(f"no screen named {name!r}."))
            return
        screen = self._screen(name)
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
        else:
            self.push_screen(screen)

    def action_show_screen(self, name: str) -> None:
        """Go to a top-level screen by name."""
        self.show_screen(name)

    def go_back(self) -> None:
        """Close the current screen unless it is the first one."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def close_screen(self) -> None:
        """Close the current screen; on the first screen, quit."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            self.exit()

    def action_command_palette(self) -> None:
        """Show the command palette (spectui's, see dialogs.palette)."""
        from .dialogs.palette import SpectuiPalette

        if self.use_command_palette and not SpectuiPalette.is_open(self):
            self.push_screen(SpectuiPalette(id="--command-palette"))

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from .dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for entry in SCREENS:
            yield SystemCommand(entry.title, entry.description, partial(self.show_screen, entry.name))
        yield SystemCommand("Help", "Every key of this screen, and its id for the [keymap]", self.action_help)
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            for title, help_text, callback in commands():
                yield SystemCommand(title, help_text, callback)
        yield from super().get_system_commands(screen)


def known_binding_ids() -> set[str]:
    """Every binding id of spectui's widgets and screens (the screens are imported first)."""
    from textual.dom import DOMNode

    for entry in SCREENS:
        entry.load()
    ids: set[str] = set()
    pending = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("spectui."):
            ids.update(b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id)
    return ids
