"""A real terminal for the benchmarks: programs run in a tmux window of their own, timed by what it shows."""

from __future__ import annotations

import shlex
import subprocess
import time

TIMEOUT = 60.0
SESSION = "run"


class Terminal:
    """One tmux server of the benchmark's own; one program at a time runs in its window of `size`."""

    def __init__(self, socket: str, size: tuple[int, int] = (120, 40)) -> None:
        self.socket = ["tmux", "-L", socket]
        self.size = size
        self.tmux("kill-server")
        subprocess.run([*self.socket, "new-session", "-d", "-s", "keep"], check=True)

    def tmux(self, *args: str) -> str:
        return subprocess.run([*self.socket, *args], capture_output=True, text=True).stdout

    def start(self, command: list[str], env: dict[str, str] | None = None) -> float:
        """Start `command` in a fresh window (COLUMNS and LINES unset, `env` added); when it started."""
        self.stop()
        settings = " ".join(f"{name}={shlex.quote(value)}" for name, value in (env or {}).items())
        line = f"env -u COLUMNS -u LINES {settings} {shlex.join(command)}"
        start = time.perf_counter()
        self.tmux("new-session", "-d", "-s", SESSION, "-x", str(self.size[0]), "-y", str(self.size[1]), line)
        return start

    def screen(self) -> str:
        """The text the window shows now."""
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def send(self, *keys: str) -> None:
        """Type `keys` (tmux key names, or `-l` then literal text)."""
        self.tmux("send-keys", "-t", SESSION, *keys)

    def wait_until(self, condition, since: float, what: str, timeout: float = TIMEOUT) -> float:
        """Seconds from `since` until `condition(screen text)` holds, polling the window."""
        while True:
            text = self.screen()
            if condition(text):
                return time.perf_counter() - since
            if time.perf_counter() - since > timeout:
                raise TimeoutError(f"{what} never showed; the screen was:\n{text}")

    def settle(self, pause: float = 0.3) -> None:
        """Wait until the window has not changed for `pause` seconds."""
        before, still = self.screen(), time.perf_counter()
        while time.perf_counter() - still < pause:
            time.sleep(0.05)
            now = self.screen()
            if now != before:
                before, still = now, time.perf_counter()

    def stop(self) -> None:
        """Close the window and whatever runs in it."""
        self.tmux("kill-session", "-t", SESSION)

    def close(self) -> None:
        """Stop the tmux server."""
        self.tmux("kill-server")
