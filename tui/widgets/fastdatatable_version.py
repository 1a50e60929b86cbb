"""Whether the installed textual-fastdatatable is the release whose private parts FastTable was tested on."""

from __future__ import annotations

PACKAGE = "textual-fastdatatable"
TESTED_VERSION = "0.19.5"


def installed_version() -> str | None:
    """The installed version of textual-fastdatatable, None when it cannot be told."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return None


def version_notice() -> str | None:
    """What to tell the user when the installed version is not the tested one; None when it is."""
    installed = installed_version()
    if installed == TESTED_VERSION:
        return None
    return (f"{PACKAGE} {installed or 'of unknown version'} is installed, but spectui's tables were tested "
            f"with {TESTED_VERSION}: they may be drawn wrongly or fail. "
            f"Install {PACKAGE}=={TESTED_VERSION} to be sure.")


def warn_if_untested(app) -> None:
    """Check the version in a thread (reading package metadata takes a while); warn in `app` if it differs."""
    app.run_worker(lambda: _warn(app), thread=True, group="versions", exit_on_error=False,
                   description=f"Checking the version of {PACKAGE}")


def _warn(app) -> None:
    notice = version_notice()
    if notice:
        app.notify(notice, title="Untested table library", severity="warning", timeout=15, markup=False)
