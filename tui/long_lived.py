"""Keeping the cycle collector off the objects that live as long as the app."""

from __future__ import annotations

import gc


def freeze_long_lived_objects() -> None:
    """Take what is alive now out of the cycle collector's scans.

    Modules, the Butler and the loaded tables live as long as the app; scanning them on every full collection
    paused the screen for 100 ms and more.
    """
    gc.freeze()
