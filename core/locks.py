"""Exclusive locks, so two spectui processes never write one output nor fill one checkpoint at once."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError
from .paths import user_path


def lock_path(path: str | os.PathLike) -> Path:
    """The hidden lock file that guards an output path."""
    target = user_path(path)
    return target.with_name(f".{target.name}.spectui-lock")


@contextlib.contextmanager
def output_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the output's lock for the block, or refuse at once when another process holds it."""
    with exclusive_lock(lock_path(path), f"writing {path}", f"cannot write {path}"):
        yield


@contextlib.contextmanager
def exclusive_lock(lock: Path, doing: str, failure: str) -> Iterator[None]:
    """Hold the lock file `lock` for the block, or refuse at once when another process holds it.

    A refusal says what the holder is `doing`; `failure` begins the error when the file cannot be opened.
    """
    fd = _acquire(lock, doing, failure)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(fd)


def _acquire(lock: Path, doing: str, failure: str) -> int:
    """A descriptor holding the lock on `lock`; tried again when the holder removed the file meanwhile."""
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{failure}: {exc.strerror or exc}.") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder else ""
            raise OutputError(f"another spectui{who} is {doing}; wait for it to finish or choose another "
                              "output.") from None
        if _still_in_place(fd, lock):
            return fd
        os.close(fd)


def _still_in_place(fd: int, lock: Path) -> bool:
    """True when `fd` is the file now at `lock`, not one its previous holder removed."""
    try:
        return os.fstat(fd).st_ino == os.stat(lock).st_ino
    except FileNotFoundError:
        return False
