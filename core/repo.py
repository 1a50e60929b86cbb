"""Open a Butler repository read-only and turn the Butler's exceptions into one-line spectui errors."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

from .errors import (
    BadQuery,
    RegistryUnavailable,
    RepoNotFound,
    SpectuiError,
    UnknownCollection,
    UnknownDatasetType,
)

INSTRUMENT = "LATISS"
# Logs "Failed to instantiate Butler" before raising; spectui reports the exception itself in one line.
BUTLER_CREATION_LOG = "lsst.daf.butler.direct_butler._direct_butler"


def quiet_butler_logs() -> None:
    """Silence the Butler's warnings that mean nothing to a spectui user (e.g. pandas storage-class notes)."""
    logging.getLogger("lsst").setLevel(logging.ERROR)
    logging.getLogger(BUTLER_CREATION_LOG).setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=FutureWarning, module="lsst.*")
    _wait_less_on_a_locked_registry()


REGISTRY_WAIT_MS = 20_000


def _wait_less_on_a_locked_registry() -> None:
    """Give up on a locked SQLite registry after 20 s, not the Butler's 5 minutes (Ctrl-C cannot stop a wait)."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    if not event.contains(Pool, "checkout", _short_busy_timeout):
        event.listen(Pool, "checkout", _short_busy_timeout)


def _short_busy_timeout(dbapi_connection, record, proxy) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA busy_timeout = {REGISTRY_WAIT_MS}")


def open_repo(repo: str | os.PathLike):
    """A read-only Butler on a repository path, URI or alias, with instrument LATISS as its default data ID."""
    quiet_butler_logs()
    from lsst.daf.butler import Butler

    name = str(repo)
    if not name:
        raise RepoNotFound("no repository given: pass --repo PATH or an alias.")
    try:
        return Butler.from_config(name, writeable=False, instrument=INSTRUMENT)
    except FileNotFoundError as exc:
        raise RepoNotFound(_not_found_message(name)) from exc
    except Exception as exc:
        if _registry_fault(exc):
            raise RegistryUnavailable(f"cannot open repository {name!r}: its registry cannot be read "
                                      f"({_first_line(exc.orig)}).") from exc
        raise RepoNotFound(f"cannot open repository {name!r}: {_first_line(exc)}") from exc


def _not_found_message(name: str) -> str:
    if os.sep in name or Path(name).exists():
        return f"no Butler repository at {name} (no butler.yaml there); check the path."
    known = _known_aliases()
    hint = f" Known aliases: {', '.join(known)}." if known else (
        " Set DAF_BUTLER_REPOSITORY_INDEX to use aliases such as 'main'.")
    return f"unknown repository {name!r}: not a path nor a known alias.{hint}"


def _known_aliases() -> list[str]:
    from lsst.daf.butler import Butler

    try:
        return sorted(Butler.get_known_repos())
    except Exception:
        return []


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


@contextlib.contextmanager
def butler_errors(what: str = "query") -> Iterator[None]:
    """Map the Butler exceptions a user can cause to spectui errors, naming where a where-clause failed.

    A registry database that stops answering (file removed, truncated or locked, server gone) is one of them.
    """
    from lsst.daf.butler import InvalidQueryError, MissingCollectionError, MissingDatasetTypeError
    from lsst.daf.butler.registry import NoDefaultCollectionError
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except SpectuiError:
        raise
    except MissingCollectionError as exc:
        raise UnknownCollection(f"{_first_line(exc)} List collections with `spectui collections`.") from exc
    except MissingDatasetTypeError as exc:
        raise UnknownDatasetType(_first_line(exc).strip("\"'")) from exc
    except NoDefaultCollectionError as exc:
        raise BadQuery("no collection given: pass --collection NAME.") from exc
    except InvalidQueryError as exc:
        cause = f": {exc.__cause__}" if exc.__cause__ else ""
        raise BadQuery(f"bad {what}: {_first_line(exc)}{cause}") from exc
    except LookupError as exc:
        raise BadQuery(f"{what} failed: {_first_line(exc)}") from exc
    except DBAPIError as exc:
        if not _registry_fault(exc):
            raise
        raise RegistryUnavailable(f"the repository's registry cannot be read ({what}: "
                                  f"{_first_line(exc.orig)}); check that it is in place and not locked by "
                                  "another program, then run the command again.") from exc


def _registry_fault(exc: Exception) -> bool:
    """True for database errors saying the registry is gone, damaged or locked, not that a query is wrong."""
    from sqlalchemy import exc as sql

    return (isinstance(exc, (sql.OperationalError, sql.InterfaceError, sql.InternalError))
            or type(exc) is sql.DatabaseError)
