"""A one-line notice that work is under way, with the seconds elapsed (redrawn each second, not animated)."""

from __future__ import annotations

from time import monotonic

from textual.widgets import Label


class BusyLine(Label):
    """Shows 'message · N s · escape cancels' while work runs, and nothing otherwise."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id, classes="busy-line", markup=False)
        self.message = ""
        self._started = 0.0
        self._timer = None

    def on_mount(self) -> None:
        self.display = False

    def start(self, message: str) -> None:
        """Show the notice for new work."""
        self.message, self._started = message, monotonic()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(1.0, self._tick)
        self._tick()
        self.display = True

    def stop(self) -> None:
        """Hide the notice."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.display = False

    @property
    def running(self) -> bool:
        """True while the notice is shown."""
        return self._timer is not None

    def _tick(self) -> None:
        self.update(f" ⧗ {self.message} · {int(monotonic() - self._started)} s · escape cancels")
