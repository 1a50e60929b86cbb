"""Crowd a demo repository with users' empty RUN and CHAINED collections, as USDF's repositories are crowded."""

from __future__ import annotations

from pathlib import Path


def crowd_collections(repo: Path, *, runs: int, chains: int, users: int = 300) -> int:
    """Add `runs` empty RUN collections `u/userNNN/run_N` and `chains` CHAINED ones over them; how many were added.

    They are written straight into the registry's tables in one transaction (registering them one by one through
    the Butler takes a millisecond each), so tens of thousands take seconds.
    """
    import sqlalchemy
    from lsst.daf.butler import ButlerConfig, CollectionType

    config = ButlerConfig(str(repo))
    namespace = config.get(("registry", "namespace"))
    engine = sqlalchemy.create_engine(config["registry", "db"].replace("<butlerRoot>", str(Path(repo).absolute())))
    try:
        tables = sqlalchemy.MetaData(schema=namespace)
        tables.reflect(engine, only=["collection", "run", "collection_chain"])
        collection, run, chain = (tables.tables[f"{namespace}.{name}" if namespace else name]
                                  for name in ("collection", "run", "collection_chain"))
        with engine.begin() as db:
            first = (db.execute(sqlalchemy.select(sqlalchemy.func.max(collection.c.collection_id))).scalar() or 0) + 1
            run_ids = range(first, first + runs)
            chain_ids = range(first + runs, first + runs + chains)
            db.execute(collection.insert(), [
                {"collection_id": key, "name": f"u/user{index % users:03d}/run_{index:06d}",
                 "type": CollectionType.RUN.value, "doc": None} for index, key in enumerate(run_ids)])
            db.execute(run.insert(), [{"collection_id": key, "host": None, "timespan_begin": None,
                                       "timespan_end": None} for key in run_ids])
            db.execute(collection.insert(), [
                {"collection_id": key, "name": f"u/user{index % users:03d}/chain_{index:06d}",
                 "type": CollectionType.CHAINED.value, "doc": None} for index, key in enumerate(chain_ids)])
            db.execute(chain.insert(), [
                {"parent": key, "position": position, "child": run_ids[(index * 2 + position) % runs]}
                for index, key in enumerate(chain_ids) for position in range(2)] if runs else [])
    finally:
        engine.dispose()
    return runs + chains
