"""A Butler query run by a child process started at launch: its answer comes back on stdout, a spectui error as one
line on stderr.

Importing the Butler takes about 1.5 s of one processor. In a separate process it runs beside the app's own
start-up (and the saved list it shows meanwhile) instead of taking turns with it for the interpreter lock.
This module imports nothing heavy: the launch starts the process before loading anything else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

ERROR_PREFIX = "spectui-error "
BACKGROUND_NICENESS = 5
"""How much a query yields the processor while the app draws the list saved last time (measured: the list
shows sooner on a busy machine, and the Butler's answer no later)."""


class ChildQuery:
    """`python -m MODULE ARGS...` in a child process, whose standard output is the answer."""

    what = "query"

    def __init__(self, module: str, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.cancelled = False
        self.answered = False

    def output(self) -> bytes:
        """The child's answer as soon as sent; the child's error if it failed, Cancelled once cancelled.

        The child may go on saving its answer for the next launch after sending it: only its output is awaited.
        """
        from .errors import Cancelled

        errors: list[bytes] = []
        drain = threading.Thread(target=lambda: errors.append(self.process.stderr.read()), daemon=True)
        drain.start()
        out = self.process.stdout.read()
        if self.cancelled:
            raise Cancelled(f"the {self.what} was cancelled.")
        if out:
            self.answered = True
            return out
        self.process.wait()
        drain.join()
        raise child_error(b"".join(errors).decode(errors="replace"), self.process.returncode, self.what)

    def cancel(self) -> None:
        """Stop the query if it has not answered yet (once it has, it is left to finish saving its answer)."""
        if not self.answered and self.process.poll() is None:
            self.cancelled = True
            self.process.kill()
            self.process.wait()


def child_error(stderr: str, returncode: int, what: str) -> Exception:
    """The error the child reported: a spectui error of the same kind and line, else its last line."""
    from . import errors

    lines = stderr.strip().splitlines()
    for line in reversed(lines):
        if line.startswith(ERROR_PREFIX):
            report = json.loads(line[len(ERROR_PREFIX):])
            kind = getattr(errors, report["kind"], errors.SpectuiError)
            if not (isinstance(kind, type) and issubclass(kind, errors.SpectuiError)):
                kind = errors.SpectuiError
            return kind(report["message"])
    last = lines[-1] if lines else f"exit status {returncode}"
    return RuntimeError(f"the {what} process failed: {last}")


def report_error(exc) -> int:
    """In the child: pass a spectui error to the parent (kind and line); its exit code."""
    print(ERROR_PREFIX + json.dumps({"kind": type(exc).__name__, "message": exc.message}), file=sys.stderr)
    return exc.exit_code


def answer(write: Callable[[BinaryIO], None]) -> None:
    """In the child: send the answer `write` puts on standard output, then let go of it so the parent reads it
    whole while the child goes on (saving the answer for next time)."""
    write(sys.stdout.buffer)
    sys.stdout.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
