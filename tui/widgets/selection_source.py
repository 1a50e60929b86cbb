"""The exposure selection of the analysis screens: the Exposures screen's, else the default one."""

from __future__ import annotations


def current_selection(app):
    """The Exposures screen's selection when that screen exists, else every night's hologram exposures."""
    from spectui.core.butler.exposures import ExposureSelection

    if app.is_screen_installed("exposures"):
        return getattr(app.get_screen("exposures"), "selection", ExposureSelection())
    return ExposureSelection()
