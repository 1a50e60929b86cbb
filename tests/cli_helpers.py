"""Helpers for command-line tests: run `spectui` in-process or on a terminal, and check the one-line error
contract."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from spectui.tui.cli.main import main


def run(*args: str):
    """Invoke `spectui ARGS...` in-process; exceptions other than exit codes propagate."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_one_line_error(result, pattern: str) -> None:
    """Exit status 2 and exactly one line on stderr, starting 'spectui: error: ' and containing `pattern`."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("spectui: error: ") and pattern in lines[0], lines[0]


def run_on_terminal(*args: str) -> tuple[int, list[str]]:
    """Run the installed `spectui ARGS...` with a terminal as its stderr: its exit status and the lines shown there
    (progress redraws stay in their line, after each carriage return)."""
    spectui = str(Path(sys.executable).with_name("spectui"))
    leader, follower = pty.openpty()
    process = subprocess.Popen([spectui, *args], stderr=follower, stdout=subprocess.PIPE)
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        shown += data
    status = process.wait(timeout=300)
    os.close(leader)
    return status, shown.decode().replace("\r\n", "\n").split("\n")
