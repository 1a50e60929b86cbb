"""A real terminal for the tests and the benchmarks: a program in a tmux window, read by what the window shows."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

SESSION = "main"
POLL = 0.02


class Terminal:
    """A tmux server of its own (private socket); one program at a time runs in its window of `width` x `height`."""

    def __init__(self, name: str, width: int = 120, height: int = 40) -> None:
        self.socket = f"spectui-{os.getpid()}-{name}"
        self.size = (width, height)
        self.tmux("kill-server", check=False)
        self.tmux("new-session", "-d", "-s", "keep")
        self.tmux("set-option", "-g", "remain-on-exit", "on")

    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        if check and done.returncode:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str | list[str], env: dict[str, str] | None = None) -> float:
        """Run `command` (a shell line, or a list run with COLUMNS and LINES unset and `env` added) in a fresh window;
        the time it started."""
        self.stop()
        if not isinstance(command, str):
            settings = " ".join(f"{name}={shlex.quote(value)}" for name, value in (env or {}).items())
            command = f"env -u COLUMNS -u LINES {settings} {shlex.join(command)}"
        width, height = self.size
        start = time.perf_counter()
        self.tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height), command)
        return start

    def keys(self, *keys: str) -> None:
        """Press tmux key names."""
        self.tmux("send-keys", "-t", SESSION, *keys)

    def type(self, text: str) -> None:
        """Type `text` literally."""
        self.tmux("send-keys", "-t", SESSION, "-l", text)

    def burst(self, before: tuple[str, ...] = (), text: str = "", after: tuple[str, ...] = ()) -> None:
        """Press `before`, type `text`, press `after` in one tmux command: the program reads them at once."""
        commands = [["send-keys", "-t", SESSION, *before]] if before else []
        if text:
            commands.append(["send-keys", "-t", SESSION, "-l", text])
        if after:
            commands.append(["send-keys", "-t", SESSION, *after])
        self.tmux(*[arg for index, command in enumerate(commands) for arg in [";"][:index] + command])

    def screen(self) -> str:
        """The text the window shows now."""
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        return self.wait_until(lambda shown: text in shown, f"{text!r} appears", timeout)

    def wait_until(self, condition, what: str, timeout: float = 60) -> str:
        """The screen once `condition(screen text)` holds; fails saying `what` was awaited after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if condition(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw: {what}; the terminal shows:\n{shown}")
            time.sleep(POLL)

    def seconds_until(self, condition, since: float, what: str, timeout: float = 60) -> float:
        """Seconds from `since` (a `time.perf_counter()`) until `condition(screen text)` holds."""
        self.wait_until(condition, what, timeout)
        return time.perf_counter() - since

    def settle(self, pause: float = 0.3) -> None:
        """Wait until the window has not changed for `pause` seconds."""
        before, still = self.screen(), time.perf_counter()
        while time.perf_counter() - still < pause:
            time.sleep(0.05)
            now = self.screen()
            if now != before:
                before, still = now, time.perf_counter()

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "-t", SESSION, "#{pane_dead}").strip() == "1"

    def stop(self) -> None:
        """Close the window and whatever runs in it."""
        self.tmux("kill-session", "-t", SESSION, check=False)

    def close(self) -> None:
        """Stop the tmux server."""
        self.tmux("kill-server", check=False)


def spectui_command(folder: Path, *args: str) -> str:
    """A shell command running this environment's `spectui` in `folder` with a configuration of its own there.

    COLUMNS and LINES are dropped: set by the test process, they would override the terminal's real size.
    """
    spectui = Path(sys.executable).parent / "spectui"
    config = folder / "config"
    config.mkdir(exist_ok=True)
    command = " ".join(shlex.quote(part) for part in (str(spectui), *args))
    return (f"cd {shlex.quote(str(folder))} && "
            f"env -u COLUMNS -u LINES SPECTUI_CONFIG_DIR={shlex.quote(str(config))} {command}")
