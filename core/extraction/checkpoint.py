"""Checkpoints of a running extraction: finished chunks saved as Arrow files in a directory beside the output.

Each part is written to a temporary name and renamed, so a part is either whole or absent whatever kills the
process (Ctrl-C, kill -9, a full disk); a resumed extraction reads the parts back and skips their visits.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from ..errors import BadInput, OutputError
from ..locks import exclusive_lock
from ..paths import user_path
from ..tables.table_io import atomic_path

IDENTITY = "extraction.json"
LOCK = ".spectui-lock"
"""Held by the extraction filling the checkpoint; inside it, so a killed extraction leaves nothing else."""
PART_GLOB = "part-*.arrow"
PARTIAL_GLOB = ".*.part"
"""The temporary files of a save cut short (atomic_path's names), removed when the checkpoint is opened."""


def checkpoint_dir(output: str | os.PathLike) -> Path:
    """Where the checkpoint of an extraction writing `output` lives: a hidden directory beside it."""
    target = user_path(output).absolute()
    return target.parent / f".{target.name}.checkpoint"


class Checkpoint:
    """The saved chunks of one extraction, tied to what is extracted (repository, collection, selection)."""

    def __init__(self, output: str | os.PathLike, identity: dict) -> None:
        self.directory = checkpoint_dir(output)
        self.identity = json.loads(json.dumps(identity))
        self._next_part = 0
        self._lock = contextlib.ExitStack()

    def exists(self) -> bool:
        """True when an earlier run left saved chunks here."""
        return (self.directory / IDENTITY).is_file()

    def open(self, *, resume: bool) -> list:
        """Start saving; with `resume`, return the chunks an earlier run of the same extraction saved."""
        self._hold_lock()
        if self.exists() and not resume:
            raise BadInput(f"an interrupted extraction left a checkpoint in {self.directory}: pass --resume "
                           "to finish it, or delete that directory to start over.")
        saved = []
        if self.exists():
            recorded = json.loads((self.directory / IDENTITY).read_text())
            if recorded != self.identity:
                raise BadInput(f"the checkpoint in {self.directory} belongs to another extraction "
                               f"({_difference(recorded, self.identity)}); delete it or change the output "
                               "file.")
            saved = self._read_parts()
        else:
            self._write_identity()
        return saved

    def save(self, table) -> None:
        """Add one finished chunk; it is on disk, whole, when this returns."""
        import pyarrow as pa

        final = self.directory / f"part-{self._next_part:06d}.arrow"
        try:
            with atomic_path(final) as partial, open(partial, "wb") as handle:
                with pa.ipc.new_file(handle, table.schema) as writer:
                    writer.write_table(table)
        except (OSError, OutputError) as exc:
            detail = exc.message.rstrip(".") if isinstance(exc, OutputError) else exc.strerror or exc
            raise OutputError(f"cannot save progress in {self.directory} ({detail}); the chunks saved so far "
                              "are kept, free some space and run again with --resume.") from exc
        self._next_part += 1

    def remove(self) -> None:
        """Delete the checkpoint once the output file is complete."""
        shutil.rmtree(self.directory, ignore_errors=True)
        self.close()

    def close(self) -> None:
        """Let another extraction use this checkpoint (the kernel also does it when the process dies)."""
        self._lock.close()

    def _hold_lock(self) -> None:
        """Lock the checkpoint so that two extractions never add parts to it."""
        failure = f"cannot create the checkpoint {self.directory}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{failure}: {exc.strerror or exc}.") from exc
        doing = f"extracting to the output of {self.directory.name}"
        self._lock.enter_context(exclusive_lock(self.directory / LOCK, doing, failure))

    def _write_identity(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for leftover in [*self.directory.glob("part-*"), *self.directory.glob(PARTIAL_GLOB)]:
                leftover.unlink()
            with atomic_path(self.directory / IDENTITY) as temporary:
                temporary.write_text(json.dumps(self.identity, indent=1))
        except (OSError, OutputError) as exc:
            detail = exc.message if isinstance(exc, OutputError) else exc.strerror or exc
            raise OutputError(f"cannot create the checkpoint {self.directory}: {detail}.") from exc

    def _read_parts(self) -> list:
        import pyarrow as pa

        for leftover in self.directory.glob(PARTIAL_GLOB):
            leftover.unlink()
        parts = sorted(self.directory.glob(PART_GLOB))
        tables = []
        for path in parts:
            try:
                with pa.OSFile(str(path), "rb") as handle:
                    tables.append(pa.ipc.open_file(handle).read_all())
            except (OSError, ValueError, pa.ArrowInvalid) as exc:
                raise BadInput(f"the checkpoint part {path} is unreadable ({exc}); delete {self.directory} "
                               "to start over.") from exc
        self._next_part = 1 + max((int(p.stem.split("-")[1]) for p in parts), default=-1)
        return tables


def _difference(recorded: dict, wanted: dict) -> str:
    keys = [k for k in sorted(set(recorded) | set(wanted)) if recorded.get(k) != wanted.get(k)]
    return ", ".join(f"{k}: {recorded.get(k)!r} there, {wanted.get(k)!r} now" for k in keys[:2])
