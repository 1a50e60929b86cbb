"""The app over results files instead of a repository: a table view per file, the number keys switch files."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from spectui.core.errors import BadInput
from spectui.core.tables.table_files import TableFile

from .app import SpectuiApp
from .screens.file import FileScreen
from .screens.registry import SCREENS
from .widgets.context_header import ContextHeader
from .widgets.header_text import MAX_FILE_KEYS, file_fields

REPOSITORY_SCREENS = frozenset(entry.title for entry in SCREENS)


def file_mode(number: int) -> str:
    """The name of the mode (screen stack) showing file `number`."""
    return f"file-{number}"


class FilesApp(SpectuiApp):
    """Each opened file has a stack of screens of its own; no Butler repository is opened or needed."""

    DEFAULT_MODE = file_mode(1)
    BINDINGS = [Binding(str(number), f"show_file({number})", f"File {number}", show=False,
                        id=f"files.file_{number}") for number in range(1, MAX_FILE_KEYS + 1)]

    def __init__(self, files: list[TableFile], *, theme_name: str | None = None, first_frame=None) -> None:
        """`first_frame`: the terminal holding the frame drawn before the app started, handed over on mount."""
        super().__init__(repo="", theme_name=theme_name)
        self.first_frame = first_frame
        self.files = {number: opened for number, opened in enumerate(files, start=1)}
        for number, opened in self.files.items():
            self.add_mode(file_mode(number), partial(FileScreen, opened))

    def on_mount(self) -> None:
        if self.first_frame is not None:
            self.first_frame.hand_over()

    def warm_up(self) -> None:
        """Nothing to open ahead: each file's screen reads its own file."""

    def screen_modes(self) -> list[str]:
        """Every open file's mode: a file shown again later finds what its screens were doing meanwhile."""
        return [file_mode(number) for number in self.files]

    @property
    def file_number(self) -> int:
        """The number of the file shown now."""
        return int(self.current_mode.removeprefix("file-"))

    def header_fields(self) -> list[tuple[str, str]]:
        """The header's fields instead of repository, collection and run: this file, and the keys of all."""
        return file_fields({number: opened.path for number, opened in self.files.items()}, self.file_number)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_screen":
            return False
        if action == "show_file":
            return len(self.files) > 1 and parameters[0] in self.files
        return True

    def action_show_file(self, number: int) -> None:
        """Show file `number` as it was left."""
        self.show_file(number)

    def show_file(self, number: int) -> None:
        """Switch to the screens of file `number`."""
        if number not in self.files:
            self.report(BadInput(f"no file {number} is open."))
            return
        self.switch_mode(file_mode(number))

    def close_screen(self) -> None:
        """Close the current screen; on a file's own view, close that file (and quit after the last one)."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
            return
        closing = self.file_number
        del self.files[closing]
        if not self.files:
            self.exit()
            return
        later = [number for number in self.files if number > closing]
        self.switch_mode(file_mode(later[0] if later else max(self.files)))
        self.remove_mode(file_mode(closing))
        for header in self.screen.query(ContextHeader):
            header.refresh()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for number, opened in self.files.items():
            yield SystemCommand(f"File {number}: {opened.name}", f"Show {opened.path}",
                                partial(self.show_file, number))
        for command in super().get_system_commands(screen):
            if command.title not in REPOSITORY_SCREENS:
                yield command
