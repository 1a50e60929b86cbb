"""An exposure query run in a process of its own, started at launch, its answer sent back as an Arrow stream.

Importing the Butler takes about 1.5 s of one processor. In a separate process it runs beside the app's own
start-up (and the saved list it shows meanwhile) instead of taking turns with it for the interpreter lock.
This module imports nothing heavy at the top: the launch starts the process before loading anything else.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading

ERROR_PREFIX = "spectui-error "
BACKGROUND_NICENESS = 5
"""How much the query yields the processor while the app draws the list saved last time (measured: the list
shows sooner on a busy machine, and the Butler's answer no later)."""


class ExposureQueryProcess:
    """The exposures of a selection (the default one unless given), queried by a child process."""

    def __init__(self, repo: str, selection=None) -> None:
        self.repo = repo
        fields = dataclasses.asdict(selection) if selection is not None else {}
        self._fields = fields
        self.process = subprocess.Popen(
            [sys.executable, "-m", "spectui.core.butler.exposure_process", repo, json.dumps(fields)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.cancelled = False
        self.answered = False

    def answers(self, repo: str, selection) -> bool:
        """Whether this process queries `selection` in `repo`."""
        from .exposures import ExposureSelection

        return repo == self.repo and selection == selection_from(self._fields, ExposureSelection)

    def result(self):
        """The exposures as an Arrow table (with the pandas types), as soon as sent; the child's error if it failed.

        The child goes on saving the list for the next launch after sending it, so only its output is awaited.
        """
        import pyarrow as pa

        from ..errors import Cancelled

        errors: list[bytes] = []
        drain = threading.Thread(target=lambda: errors.append(self.process.stderr.read()), daemon=True)
        drain.start()
        out = self.process.stdout.read()
        if self.cancelled:
            raise Cancelled("the exposure query was cancelled.")
        if out:
            self.answered = True
            return pa.ipc.open_stream(out).read_all()
        self.process.wait()
        drain.join()
        raise child_error(b"".join(errors).decode(errors="replace"), self.process.returncode)

    def cancel(self) -> None:
        """Stop the query if it has not answered yet (once it has, it is left to finish saving the list)."""
        if not self.answered and self.process.poll() is None:
            self.cancelled = True
            self.process.kill()
            self.process.wait()


def selection_from(fields: dict, selection_type):
    """An ExposureSelection from its fields as JSON gives them back (lists become tuples)."""
    return selection_type(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})


def child_error(stderr: str, returncode: int) -> Exception:
    """The error the child reported: a spectui error of the same kind and line, else its last line."""
    from .. import errors

    lines = stderr.strip().splitlines()
    for line in reversed(lines):
        if line.startswith(ERROR_PREFIX):
            report = json.loads(line[len(ERROR_PREFIX):])
            kind = getattr(errors, report["kind"], errors.SpectuiError)
            if not (isinstance(kind, type) and issubclass(kind, errors.SpectuiError)):
                kind = errors.SpectuiError
            return kind(report["message"])
    last = lines[-1] if lines else f"exit status {returncode}"
    return RuntimeError(f"the exposure query process failed: {last}")


def main(argv: list[str]) -> int:
    """Query, write the table to stdout as an Arrow stream, then save the list for the next launch.

    When a list saved earlier exists, the app is drawing it meanwhile: the query then runs at a lower priority.
    """
    import pyarrow as pa

    from ..errors import SpectuiError
    from . import exposure_cache
    from .exposures import ExposureSelection, query_exposures
    from .repo import open_repo

    repo, fields = argv[0], json.loads(argv[1])
    selection = selection_from(fields, ExposureSelection)
    if exposure_cache.cache_file(repo, selection).exists():
        os.nice(BACKGROUND_NICENESS)
    try:
        frame = query_exposures(open_repo(repo), selection)
    except SpectuiError as exc:
        report = {"kind": type(exc).__name__, "message": exc.message}
        print(ERROR_PREFIX + json.dumps(report), file=sys.stderr)
        return exc.exit_code
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
        writer.write_table(table)
    sys.stdout.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    try:
        exposure_cache.save(repo, selection, frame)
    except (SpectuiError, OSError) as exc:
        print(f"the exposure list was not saved for next time: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
