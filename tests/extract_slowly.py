"""The spectui command line with file reading slowed down, so a test can interrupt an extraction mid-run.

The slowdown is set when this module is imported, so worker processes (which import it as their main module)
read slowly too.
"""

from __future__ import annotations

import os
import sys
import time

from extract_support import HOLD_ENV

from spectui.core.extraction import extract as extract_module
from spectui.core.extraction.extract_rows import extract_chunk

SECONDS_PER_VISIT = 0.03
chunks_read = 0


def slow_extract_chunk(units, expected):
    """The real chunk reader, after a pause proportional to the chunk's size (and while the hold file exists)."""
    global chunks_read
    time.sleep(SECONDS_PER_VISIT * len(units))
    while chunks_read and os.path.exists(os.environ.get(HOLD_ENV, "")):
        time.sleep(0.05)
    chunks_read += 1
    return extract_chunk(units, expected)


extract_module.extract_chunk = slow_extract_chunk

if __name__ == "__main__":
    from spectui.tui.cli.main import main

    main(sys.argv[1:], prog_name="spectui")
