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

    Pickled, it carries the Butler's own pickled form, and a worker unpickles that once per extraction.
    """

    def __init__(self, butler) -> None:
        self.butler = butler
        self.key = uuid.uuid4().hex
        self._pickled: bytes | None = None

    def __reduce__(self):
        if self._pickled is None:
            self._pickled = pickle.dumps(self.butler)
        return _worker_link, (self.key, self._pickled)


KEPT_BUTLERS = 4
_WORKER_BUTLERS: dict[str, object] = {}
_OPENING = threading.Lock()


def _worker_link(key: str, pickled: bytes) -> RepoLink:
    """The link in a worker process, opening its Butler for the first chunk of an extraction only.

    A few Butlers are kept (the latest extractions'), as a dask worker may serve several extractions at once.
    """
    with _OPENING:
        butler = _WORKER_BUTLERS.get(key)
        if butler is None:
            from .repo import butler_errors, quiet_butler_logs

            quiet_butler_logs()
            while len(_WORKER_BUTLERS) >= KEPT_BUTLERS:
                del _WORKER_BUTLERS[next(iter(_WORKER_BUTLERS))]
            with butler_errors("opening the repository in a worker"):
                butler = _WORKER_BUTLERS[key] = pickle.loads(pickled)
    link = RepoLink.__new__(RepoLink)
    link.butler, link.key, link._pickled = butler, key, pickled
    return link


class PackedRefs:
    """Visits with their refs by dataset type, as plain values that pickle and unpickle fast."""

    def __init__(self, units: list[tuple[int, dict]]) -> None:
        self.dataset_types = {}
        self.rows = []
        for visit, by_type in units:
            for name, ref in by_type.items():
                self.dataset_types.setdefault(name, ref.datasetType)
                self.rows.append((visit, name, ref.id, ref.run, ref.dataId.required_values))

    def units(self) -> list[tuple[int, dict]]:
        """The visits again, in order, each with its refs by dataset type."""
        from lsst.daf.butler import DataCoordinate, DatasetRef

        units: dict[int, dict] = {}
        for visit, name, ref_id, run, values in self.rows:
            dataset_type = self.dataset_types[name]
            data_id = DataCoordinate.from_required_values(dataset_type.dimensions, values)
            units.setdefault(visit, {})[name] = DatasetRef(dataset_type, data_id, run=run, id=ref_id,
                                                            conform=False)
        return list(units.items())
