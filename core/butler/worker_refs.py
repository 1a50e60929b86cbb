"""What a worker process needs of the Butler: the repository, opened once, and dataset refs sent compactly.

A pickled DatasetRef re-validates its data ID when unpickled (~90 us a ref); sending each ref as plain values
and rebuilding it from its dataset type makes the same refs about fifteen times cheaper to receive.
"""

from __future__ import annotations

import pickle
import threading
import uuid


class RepoLink:
    """The repository as chunk readers see it: the caller's Butler here, a read-only copy in each worker.

    Pickled, it carries the Butler's own pickled form (a client/server Butler, which does not pickle, its URL);
    a worker opens that once per extraction, when a chunk first needs it, so a registry that cannot be opened
    fails that chunk rather than the worker process.
    """

    def __init__(self, butler) -> None:
        self._butler = butler
        self.key = uuid.uuid4().hex
        self._pickled: bytes | str | None = None

    @property
    def butler(self):
        """The Butler: the caller's, or this worker's copy for the same extraction."""
        if self._butler is None:
            self._butler = _worker_butler(self.key, self._pickled)
        return self._butler

    def __reduce__(self):
        if self._pickled is None:
            from .remote import is_remote, server_url

            remote = is_remote(self._butler)
            self._pickled = f"{server_url(self._butler)}butler.yaml" if remote else pickle.dumps(self._butler)
        return _received_link, (self.key, self._pickled)


def _received_link(key: str, pickled: bytes | str) -> RepoLink:
    link = RepoLink.__new__(RepoLink)
    link._butler, link.key, link._pickled = None, key, pickled
    return link


KEPT_BUTLERS = 4
_WORKER_BUTLERS: dict[str, object] = {}
_OPENING = threading.Lock()


def _worker_butler(key: str, pickled: bytes | str):
    """This process's Butler for extraction `key`, opened the first time a chunk of it asks (a Butler server's
    by its URL, with the token in this process's environment).

    A few Butlers are kept (the latest extractions'), as a dask worker may serve several extractions at once.
    """
    with _OPENING:
        butler = _WORKER_BUTLERS.get(key)
        if butler is None:
            from .repo import butler_errors, open_repo, quiet_butler_logs

            quiet_butler_logs()
            while len(_WORKER_BUTLERS) >= KEPT_BUTLERS:
                del _WORKER_BUTLERS[next(iter(_WORKER_BUTLERS))]
            with butler_errors("opening the repository in a worker"):
                butler = open_repo(pickled) if isinstance(pickled, str) else pickle.loads(pickled)
                _WORKER_BUTLERS[key] = butler
    return butler


class PackedRefs:
    """Visits with their refs by dataset type, as plain values that pickle and unpickle fast.

    Dataset types travel by name (a pickled one needs the Butler's dimension universe in the receiving process
    already): the receiver looks them up in its own Butler.
    """

    def __init__(self, units: list[tuple[int, dict]]) -> None:
        self.rows = [(visit, name, ref.id, ref.run, ref.dataId.required_values)
                     for visit, by_type in units for name, ref in by_type.items()]

    def units(self, butler) -> list[tuple[int, dict]]:
        """The visits again, in order, each with its refs by dataset type, rebuilt against `butler`."""
        from lsst.daf.butler import DataCoordinate, DatasetRef

        dataset_types: dict[str, object] = {}
        units: dict[int, dict] = {}
        for visit, name, ref_id, run, values in self.rows:
            dataset_type = dataset_types.get(name)
            if dataset_type is None:
                dataset_type = dataset_types[name] = butler.get_dataset_type(name)
            data_id = DataCoordinate.from_required_values(dataset_type.dimensions, values)
            units.setdefault(visit, {})[name] = DatasetRef(dataset_type, data_id, run=run, id=ref_id,
                                                            conform=False)
        return list(units.items())
