"""A lock around database writes shared by every worker of a distributed crawl."""

from __future__ import annotations

import logging

from redis.exceptions import LockError

from crawler.distributed.connection import redis_client
from crawler.distributed.keys import prefix

log = logging.getLogger(__name__)


def write_lock(settings, spider_name: str):
    """A lock shared by every worker around database writes, or None.

    FerretDB's SQLite handler does not apply an update to one document atomically: two workers
    updating the same story at once can lose one of the updates (seen as a full page left
    "teaser"). Serialising the writers through Redis avoids that; on real MongoDB, whose
    single-document updates are atomic, set CRAWLER_REDIS_WRITE_LOCK=false for more throughput.
    """
    url = settings.get("REDIS_URL")
    if not url or not settings.getbool("CRAWLER_REDIS_WRITE_LOCK", True):
        return None
    base = prefix(settings) % {"spider": spider_name}
    # Expires on its own when a worker dies holding it (a batch write takes seconds).
    return _TolerantLock(redis_client(url).lock(f"{base}:write-lock", timeout=20))


class _TolerantLock:
    """A Redis lock whose release after expiry (a write slower than the lock's timeout) is
    logged, not raised: the write itself succeeded and must not be reported as failed."""

    def __init__(self, lock):
        self.lock = lock

    def __enter__(self):
        self.lock.acquire()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.lock.release()
        except LockError:
            log.warning("the shared write lock expired during a write; raise its timeout")
