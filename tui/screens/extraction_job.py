"""One extraction started from the TUI: what it extracts, its cancel switch, failures seen, its messages."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from textual.message import Message

from spectui.core.extraction.extract import Progress


def duration(seconds: float | None) -> str:
    """'2m05s' or '45s' ('?' when unknown)."""
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


@dataclass
class ExtractionJob:
    """An extraction the screen started; its worker thread records here the failures progress names."""

    collection: str
    output: Path
    workers: int
    resume: bool
    cancel: threading.Event = field(default_factory=threading.Event)
    progress: Progress | None = None
    ended: bool = False
    _failures: dict[int, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, progress: Progress) -> None:
        """Keep the latest progress and every failure it names (called from the worker thread)."""
        with self._lock:
            self.progress = progress
            for visit, reason in progress.new_failures:
                self._failures.setdefault(int(visit), reason)

    def failures(self) -> list[tuple[int, str]]:
        """The failures seen so far, in the order they were seen."""
        with self._lock:
            return list(self._failures.items())

    def summary(self) -> str:
        """A short line for the header: 'extracting 45% · ETA 1m05s'."""
        p = self.progress
        if self.cancel.is_set():
            return "stopping the extraction…"
        if p is None or p.phase == "query":
            return "extraction: finding datasets…"
        if p.phase == "write":
            return "extraction: writing the table…"
        share = p.done / p.total if p.total else 1.0
        return f"extracting {share:.0%} · ETA {duration(p.eta)}"


@dataclass
class ExtractionProgressed(Message):
    """The extraction moved on; a newer one replaces any still waiting so redraws stay few."""

    job: ExtractionJob

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ExtractionProgressed)


@dataclass
class ExtractionEnded(Message):
    """The extraction finished (`result`), was stopped (`stopped`), or failed (`error`)."""

    job: ExtractionJob
    result: object = None
    stopped: str = ""
    error: BaseException | None = None
