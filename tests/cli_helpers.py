"""Helpers for command-line tests: run `spectui` in-process and check the one-line error contract."""

from __future__ import annotations

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
