"""No shell and no evaluated code anywhere in spectui: user values never reach a shell or Python's eval."""

from __future__ import annotations

import re
from pathlib import Path

import spectui.core
import spectui.themes
import spectui.tui

FORBIDDEN = re.compile(r"shell\s*=\s*True|os\.system\(|os\.popen\(|(?<![\w.])eval\(|(?<![\w.])exec\(|\.eval\(")


def test_no_shell_invocation_and_no_eval_in_the_package():
    sources = [path for package in (spectui.core, spectui.tui, spectui.themes)
               for folder in package.__path__ for path in Path(folder).rglob("*.py")]
    assert len(sources) > 50
    offending = [f"{path}:{number}: {line.strip()}" for path in sources
                 for number, line in enumerate(path.read_text().splitlines(), 1) if FORBIDDEN.search(line)]
    assert offending == []
