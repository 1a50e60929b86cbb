"""Open a Butler repository read-only and turn the Butler's exceptions into one-line spectui errors."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

from ..errors import (
    BadQuery,
    OutputError,
    RegistryUnavailable,
    RepoNotFound,
    SpectuiError,
    UnknownCollection,
    UnknownDatasetType,
)
from ..paths import user_path
from .remote import is_remote, not_found_url, remote_problem, server_url

INSTRUMENT = "LATISS"
# Logs "Failed to instantiate Butler" before raising; spectui reports the exception itself in one line.
BUTLER_CREATION_LOG = "lsst.daf.butler.direct_butler._direct_butler"
WHERE_HINT = "a Butler where expression looks like `exposure.zenith_angle < 40`"
POSTGRES_DRIVERS = ("psycopg", "psycopg2")
DRIVER_FAULTS = ("OperationalError", "InterfaceError")
POSTGRES_EXTRA = "spectui[postgres]"


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
    """A read-only Butler on a repository path, alias or Butler server URL, with instrument LATISS as its
    default data ID."""
    quiet_butler_logs()
    from lsst.daf.butler import Butler

    name = str(repo)
    if not name:
        raise RepoNotFound("no repository given: pass --repo PATH or an alias.")
    try:
        return Butler.from_config(name, writeable=False, instrument=INSTRUMENT)
    except FileNotFoundError as exc:
        raise (not_found_url(name) if "://" in name else RepoNotFound(_not_found_message(name))) from exc
    except Exception as exc:
        unavailable = remote_problem(exc, name) or _unavailable(
            exc, f"cannot open repository {name!r}: its registry", "")
        if unavailable is not None:
            raise unavailable from exc
        raise RepoNotFound(f"cannot open repository {name!r}: {_first_line(exc)}") from exc


def local_repo_problem(name: str) -> str | None:
    """Why `name`, written as a local path, cannot be a repository; None when it may be one (or an alias).

    Needs no Butler import, so that a mistyped path stops the app before it starts.
    """
    if "://" in name or os.sep not in name:
        return None
    path = user_path(name)
    if path.is_dir() and not (path / "butler.yaml").exists() or \
            not path.exists() and not os.environ.get("DAF_BUTLER_REPOSITORY_INDEX"):
        return _path_message(name)
    return None


def _path_message(name: str) -> str:
    return f"no Butler repository at {name} (no butler.yaml there); check the path."


def _not_found_message(name: str) -> str:
    if os.sep in name or Path(name).exists():
        return _path_message(name)
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
def butler_errors(what: str = "query", hint: str = WHERE_HINT) -> Iterator[None]:
    """Map the Butler, SQLAlchemy and database-driver exceptions a user can cause to spectui errors.

    A query the Butler or the database refuses is a BadQuery saying why, with `hint` (an example of what
    works); a registry that cannot be read or reached (file removed, truncated or locked, server gone, no
    driver) is a RegistryUnavailable.
    """
    from lsst.daf.butler import (
        ButlerUserError,
        InvalidQueryError,
        MissingCollectionError,
        MissingDatasetTypeError,
    )
    from lsst.daf.butler.registry import NoDefaultCollectionError
    from sqlalchemy.exc import StatementError

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
        raise bad_query(what, f"{_first_line(exc)}{cause}", hint) from exc
    except LookupError as exc:
        raise BadQuery(f"{what} failed: {_first_line(exc)}") from exc
    except OverflowError as exc:
        raise bad_query(what, f"a number is out of the database's range ({_first_line(exc)})", hint) from exc
    except (ButlerUserError, ValueError, TypeError) as exc:
        raise bad_query(what, _first_line(exc), hint) from exc
    except Exception as exc:
        unavailable = remote_problem(exc) or _unavailable(exc, "the repository's registry", f"{what}: ")
        if unavailable is not None:
            raise unavailable from exc
        if not isinstance(exc, StatementError):
            raise
        raise bad_query(what, f"the database refused it ({_first_line(exc.orig or exc)})", hint) from exc


def datastore_roots(butler) -> list[str]:
    """Where the repository keeps its files (its datastores' roots); for a Butler server, its URL."""
    if is_remote(butler):
        return [server_url(butler)]
    return sorted(str(root) for root in butler.get_datastore_roots().values() if root is not None)


def refuse_inside_repository(outputs, roots: list[str]) -> None:
    """Refuse any output inside the Butler repository (`-` and None are not files): spectui only reads there."""
    from lsst.resources import ResourcePath

    for output in outputs:
        if output is None or str(output) == "-":
            continue
        target = user_path(output).absolute()
        for root in map(ResourcePath, roots):
            repository = Path(root.ospath).absolute() if root.isLocal else None
            if repository is not None and (target == repository or repository in target.parents):
                raise OutputError(f"{target} is inside the Butler repository {repository}; spectui never "
                                  "writes there: choose another output path.")


def registry_unavailable(exc: BaseException) -> RegistryUnavailable | None:
    """The one-line error for an exception met anywhere that says the registry cannot be read or reached."""
    return _unavailable(exc, "the repository's registry", "")


def private_shortcut(read, *args, failed):
    """`read(*args)`, a shortcut through tables private to the Butler; `failed` when it fails for any reason but an
    unavailable registry, which the public way would meet too."""
    try:
        return read(*args)
    except Exception as exc:
        if registry_unavailable(exc) is not None:
            raise
        return failed


def bad_query(what: str, reason: str, hint: str = WHERE_HINT) -> BadQuery:
    """A BadQuery saying what failed and why, with an example of what works."""
    return BadQuery(f"bad {what}: {reason.rstrip('.')}; {hint}.")


def _unavailable(exc: BaseException, registry: str, context: str) -> RegistryUnavailable | None:
    """The one-line error for a registry that cannot be read or reached, or None when `exc` says otherwise."""
    driver = _missing_driver(exc)
    if driver:
        return RegistryUnavailable(f"{registry} is a PostgreSQL database and its driver ({driver}) is not "
                                   f"installed: pip install '{POSTGRES_EXTRA}'.")
    if not _registry_fault(exc):
        return None
    reason = context + _first_line(getattr(exc, "orig", None) or exc)
    if _is_sqlite(exc):
        return RegistryUnavailable(f"{registry} cannot be read ({reason}); check that it is in place and not "
                                   "locked by another program, then run the command again.")
    return RegistryUnavailable(f"{registry} cannot be reached ({reason}); check the database is up and try "
                               "again.")


def _missing_driver(exc: BaseException) -> str | None:
    """The PostgreSQL driver whose absence `exc` reports, if it does."""
    name = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
    return name if name and name.split(".")[0] in POSTGRES_DRIVERS else None


def _registry_fault(exc: BaseException) -> bool:
    """True for database errors saying the registry is gone, damaged, locked or unreachable, not that a query
    is wrong; the driver's own connection errors count too."""
    from sqlalchemy import exc as sql

    if type(exc) is sql.DatabaseError or isinstance(exc, (sql.OperationalError, sql.InterfaceError,
                                                          sql.InternalError)):
        return True
    return any(cls.__module__.split(".")[0] in POSTGRES_DRIVERS and cls.__name__ in DRIVER_FAULTS
               for cls in type(exc).__mro__)


def _is_sqlite(exc: BaseException) -> bool:
    """True when the error comes from a SQLite registry (a local file), not a database server."""
    return type(getattr(exc, "orig", None) or exc).__module__.split(".")[0] == "sqlite3"
