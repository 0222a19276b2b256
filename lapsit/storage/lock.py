"""One ingest at a time per data dir: a file lock beside the curated tables."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from lapsit.catalog import Catalog


@contextmanager
def ingest_lock(catalog: Catalog) -> Iterator[None]:
    """Hold the data dir's ingest lock; a second holder waits for the first to finish.

    The lock is a file in the local `curated/` folder even when the tables are on
    object storage: it guards one machine. Between machines the deployments'
    concurrency limit and Delta's conflict detection are the guard. Maintenance
    and the quality gate's read take it too.
    """
    catalog.ingest_lock.parent.mkdir(parents=True, exist_ok=True)
    with catalog.ingest_lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
