"""Where the files of dataset refs are: plain paths for a local datastore, URIs otherwise.

`get_many_uris` builds several URI objects per ref, which costs about as much as reading the files; for the
common case (a local FileDatastore, one file per dataset) the paths are read straight from the datastore's
records table, at a quarter of the cost. Every other case, and every ref without a plain record, goes through
`get_many_uris`. That table is private to the Butler, so whatever goes wrong reading it (other than an
unavailable registry, which the public path would meet too) sends every ref through `get_many_uris`.

A Butler server has neither: each ref is one `getURI` request (a presigned HTTPS URL, valid for an hour), made
eight at a time, by the worker reading the chunk just before it reads it. These requests are not the streaming
queries the server limits per user, and eight at a time hides a distant server's latency (bench_remote).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from ..errors import BadInput
from .remote import is_remote
from .repo import butler_errors, private_shortcut

NO_COMPONENT = (None, "__NULL_STRING__")
SERVER_REQUESTS = 8


def locate(butler, units: list[tuple[int, dict]]) -> list[tuple[int, dict[str, str]]]:
    """Each visit's file location per dataset type ('' where the datastore has no file for the ref)."""
    refs = [ref for _, by_type in units for ref in by_type.values()]
    with butler_errors("file lookup"):
        if is_remote(butler):
            found = dict(zip((ref.id for ref in refs), _from_server(butler, refs)))
        else:
            found = private_shortcut(_read_records, butler, refs, failed={})
            rest = [ref for ref in refs if ref.id not in found]
            if rest:
                found.update(_from_uris(butler, rest))
    return [(visit, {name: found.get(ref.id, "") for name, ref in by_type.items()})
            for visit, by_type in units]


def _uri_location(uri) -> str:
    """A plain path for local files (fast to open), the full URI otherwise."""
    return uri.ospath if uri.isLocal else uri.geturl()


def _read_records(butler, refs: list) -> dict:
    """Paths of the refs a local FileDatastore records as one plain file each (the others are left out)."""
    datastore = butler._datastore
    if type(datastore).__name__ != "FileDatastore" or not datastore.root.isLocal:
        return {}
    rows: dict = {}
    for row in datastore._table.fetch(dataset_id=[ref.id for ref in refs]):
        rows.setdefault(row["dataset_id"], []).append(row)
    base = datastore.root.ospath
    return {dataset_id: os.path.join(base, found[0]["path"]) for dataset_id, found in rows.items()
            if len(found) == 1 and found[0]["component"] in NO_COMPONENT and "://" not in found[0]["path"]}


def _from_uris(butler, refs: list) -> dict:
    try:
        uris = butler.get_many_uris(refs, allow_missing=True)
    except ImportError as exc:
        raise BadInput(f"this repository's files need {exc.name or 'a module'}, which is not installed "
                       f"({exc}); e.g. pip install 'lsst-resources[s3,http]'.") from exc
    return {ref.id: _uri_location(located.primaryURI) for ref, located in uris.items()
            if located.primaryURI is not None}


def _from_server(butler, refs: list) -> list[str]:
    """Each ref's presigned URL from the Butler server, SERVER_REQUESTS at a time ('' for no file)."""
    with ThreadPoolExecutor(SERVER_REQUESTS) as pool:
        return list(pool.map(lambda ref: _server_location(butler, ref), refs))


def _server_location(butler, ref) -> str:
    try:
        return butler.getURI(ref).geturl()
    except FileNotFoundError:
        return ""
