"""Client/server repositories (a Butler server's URL or a label for one): one line for each way they refuse.

The server wants an access token (`BUTLER_RUBIN_ACCESS_TOKEN`), answers 401/403 to a missing or refused one,
429 when a user runs more than two queries at once (the client retries for two minutes first), 5xx when it
fails; the network may refuse the connection or time out. Each becomes a SpectuiError saying what to do.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import RegistryUnavailable, RepoNotFound, SpectuiError

TOKEN_VARIABLE = "BUTLER_RUBIN_ACCESS_TOKEN"
TOKEN_PAGES = ("https://usdf-rsp.slac.stanford.edu/auth/tokens at USDF, https://data.lsst.cloud/auth/tokens on the "
               "Rubin Science Platform")
URL_SHAPE = "https://HOST/api/butler/repo/NAME/butler.yaml"
NETWORK_MODULES = ("httpx", "httpx2", "requests", "urllib3", "httpcore", "builtins")
NO_CREDENTIALS = "no access credentials were found"


def is_remote(butler) -> bool:
    """True for a client/server Butler (its files come as presigned HTTPS URLs, one request each)."""
    return type(butler).__name__ == "RemoteButler"


def server_url(butler) -> str:
    """The repository's address on its Butler server."""
    connection = getattr(butler, "_connection", None)
    return str(getattr(connection, "server_url", None) or butler)


def not_found_url(name: str) -> RepoNotFound:
    """The error for a URL where no Butler repository answers."""
    return RepoNotFound(f"no Butler repository at {name} (the server answered 404 Not Found): check the URL, "
                        f"which looks like {URL_SHAPE}.")


def remote_problem(exc: BaseException, name: str | None = None) -> SpectuiError | None:
    """The one-line error for `exc` if it says the Butler server or the network refused; None otherwise."""
    chain = _chain(exc)
    if any(isinstance(e, RuntimeError) and NO_CREDENTIALS in str(e) for e in chain):
        return RepoNotFound(f"{_server(name, chain)} needs an access token: set {TOKEN_VARIABLE} to one "
                            f"(create it at {TOKEN_PAGES}).")
    for error in chain:
        status = getattr(getattr(error, "response", None), "status_code", None)
        if isinstance(status, int) and status >= 400:
            return _status_problem(status, _server(name, chain))
    for error in chain:
        if isinstance(error, ConnectionRefusedError) or _network_error(error, "Connect"):
            return RegistryUnavailable(f"cannot reach {_server(name, chain)} (connection refused, no route or no "
                                       "answer): check the URL and your network, or try again when the server is "
                                       "back.")
    for error in chain:
        if _network_error(error, "Timeout"):
            return RegistryUnavailable(f"{_server(name, chain)} did not answer in time ({_first_line(error)}); "
                                       "check your network, then try again.")
    return None


def _status_problem(status: int, server: str) -> SpectuiError:
    if status == 401:
        return RepoNotFound(f"{server} did not accept the access token (401 Unauthorized): set {TOKEN_VARIABLE} "
                            f"to a valid token (create one at {TOKEN_PAGES}).")
    if status == 403:
        return RepoNotFound(f"{server} refused access (403 Forbidden): the token in {TOKEN_VARIABLE} has expired "
                            f"or gives no access to this repository; create a new one at {TOKEN_PAGES}.")
    if status == 404:
        return RepoNotFound(f"{server} has no such repository (404 Not Found): check the URL, which looks like "
                            f"{URL_SHAPE}.")
    if status == 429:
        return RegistryUnavailable(f"{server} is still busy with your other queries after two minutes of retries "
                                   "(429 Too Many Requests: 2 at a time per user): let them finish or run fewer "
                                   "spectui commands at once, then try again.")
    if status >= 500:
        return RegistryUnavailable(f"{server} failed ({status}): check the repository name in the URL "
                                   f"({URL_SHAPE}), or try again later.")
    return RegistryUnavailable(f"{server} refused the request ({status}); try again, or check the URL.")


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _network_error(error: BaseException, kind: str) -> bool:
    return any(kind in cls.__name__ and cls.__module__.split(".")[0] in NETWORK_MODULES
               for cls in type(error).__mro__)


def _server(name: str | None, chain: list[BaseException]) -> str:
    """'the Butler server at HOST:PORT', from the URL given or the failed request's."""
    for error in chain:
        url = getattr(getattr(error, "request", None), "url", None)
        if url is not None:
            name = str(url)
            break
    netloc = urlsplit(name).netloc if name and "://" in name else ""
    return f"the Butler server at {netloc}" if netloc else "the Butler server"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
