"""Distributed mode: many worker processes, on any number of machines, crawl one site together.

Built on scrapy-redis (one request queue and one duplicate filter in Redis), switched on by the
REDIS_URL setting (env REDIS_URL or CRAWLER_REDIS_URL, or `-s REDIS_URL=...`) through the
`DistributedMode` add-on; with REDIS_URL unset nothing here is loaded and a crawl is exactly the
single-process crawl.

scrapy-redis 0.9.1 is used as is, subclassed where its defaults fall into known traps:

* Fingerprints kept forever. Its dupefilter never forgets, so a scheduled run would never fetch
  the start page or a listing page again. `RunDupeFilter` keeps two sets: article fingerprints
  (kept across runs: a story page is fetched once), and a per-run set for listing pages (start
  URLs and every URL a worker found to be a listing: no lead story, several cards). The run key
  is shared by the workers of one run and dropped by the last worker to finish.
* Pickled requests. Requests travel through Redis as pickled dicts: callbacks must be spider
  methods and meta must pickle. `SafeQueue` drops meta values that do not pickle (a Playwright
  page, a lock) with a warning, and a request that cannot be shared at all (a lambda callback)
  is kept in a local queue of this worker, with a warning, rather than lost.
* Idle forever / close too early. A worker closes only when the shared queue is empty and every
  live worker is idle (nothing in flight), so no one leaves while another may still add links.
* Lost work on a crash. scrapy-redis pops a request and forgets it; a killed worker loses what it
  held. Here a pop moves the request into a per-worker lease hash in one Redis script; leases are
  released once the page's items reached the database (the store pipeline's `store_flushed`
  signal) and at a clean close. A worker whose heartbeat expires (CRAWLER_REDIS_WORKER_TTL) has
  its leases put back in the queue by any other worker.
* Politeness is per process: CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY apply to each
  worker, so N workers send up to N times the per-domain rate. docs/operations.md says how to
  set them; the worker logs the effective total at start.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import sys
import time
import uuid
from collections import deque
from typing import Any

from redis.exceptions import LockError
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import Settings
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

log = logging.getLogger(__name__)

LEASE = "_redis_lease"
# Meta keys known to hold live objects that must not (and cannot) cross processes.
LOCAL_META = ("playwright_page", "playwright_context_kwargs_obj", "download_slot_obj")

# Pop the best request and lease it to this worker, clearing its idle flag, atomically.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[1])
redis.call('DEL', KEYS[3])
return r[1]
"""
# Put a dead worker's leases back in the queue and forget the worker.
_RECOVER = """
local vals = redis.call('HVALS', KEYS[1])
for _, v in ipairs(vals) do redis.call('ZADD', KEYS[2], 0, v) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return #vals
"""


class DistributedMode:
    """Scrapy add-on: when REDIS_URL is set, switch scheduler and dupefilter to Redis."""

    def update_settings(self, settings: Settings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        prefix = settings.get("CRAWLER_REDIS_PREFIX", "newscrawler:%(spider)s")
        for name, value in (
            ("SCHEDULER", "crawler.distributed.DistributedScheduler"),
            ("DUPEFILTER_CLASS", "crawler.distributed.RunDupeFilter"),
            ("SCHEDULER_QUEUE_CLASS", "crawler.distributed.SafeQueue"),
            ("SCHEDULER_QUEUE_KEY", prefix + ":requests"),
            ("SCHEDULER_DUPEFILTER_KEY", prefix + ":dupefilter"),
            # Never flush the shared queue when one worker leaves: the others still use it.
            ("SCHEDULER_PERSIST", True),
        ):
            settings.set(name, value, priority="addon")


def _keys(prefix: str, spider_name: str) -> dict[str, str]:
    base = prefix % {"spider": spider_name}
    return {name: f"{base}:{name}" for name in
            ("run", "listings", "workers", "worker", "idle", "leases")}


class SafeQueue(PriorityQueue):
    """scrapy-redis's priority queue, with pops leased to a worker and unpicklable meta kept out."""

    worker_id = ""
    lease_key = ""
    idle_key = ""

    def _encode_request(self, request: Request) -> bytes:
        obj = request.to_dict(spider=self.spider)
        meta = obj.get("meta") or {}
        dropped = [k for k in LOCAL_META if k in meta]
        for key in list(meta):
            if key in dropped:
                continue
            try:
                pickle.dumps(meta[key], protocol=-1)
            except Exception:  # noqa: BLE001 (anything a __reduce__ may raise)
                dropped.append(key)
        if dropped:
            log.warning("request %s: meta %s cannot cross processes; sent to the shared queue "
                        "without it", request.url, ", ".join(sorted(dropped)))
            obj["meta"] = {k: v for k, v in meta.items() if k not in dropped}
        obj.get("meta", {}).pop(LEASE, None)
        return self.serializer.dumps(obj)

    def pop(self, timeout: int = 0) -> Request | None:
        lease = uuid.uuid4().hex
        data = self.server.eval(_POP, 3, self.key, self.lease_key, self.idle_key, lease)
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[LEASE] = lease
        return request


class RunDupeFilter(RFPDupeFilter):
    """Article fingerprints kept across runs; listing pages and start URLs only per run."""

    def __init__(self, server, key: str, debug: bool = False, run_key: str | None = None,
                 listings_key: str | None = None, start_urls: set[str] | None = None):
        super().__init__(server, key, debug)
        self.run_key = run_key or key + ":run"
        self.listings_key = listings_key
        self.start_urls = start_urls or set()

    def is_listing(self, request: Request) -> bool:
        if request.url in self.start_urls:
            return True
        return bool(self.listings_key and self.server.sismember(self.listings_key, request.url))

    def request_seen(self, request: Request) -> bool:
        key = self.run_key if self.is_listing(request) else self.key
        return self.server.sadd(key, self.request_fingerprint(request)) == 0

    def clear(self) -> None:
        """Never called on the shared sets by a worker that leaves (SCHEDULER_PERSIST)."""
        self.server.delete(self.key, self.run_key)


class DistributedScheduler(Scheduler):
    """scrapy-redis scheduler with leases, heartbeats, a shared run and a safe idle close."""

    def __init__(self, server, **kwargs):
        super().__init__(server, **kwargs)
        self.crawler = None
        self.local: deque[Request] = deque()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.inflight: dict[str, str] = {}  # response URL -> lease, until its items are stored
        self._last_recover = 0.0
        self._idle_since: float | None = None
        self._beat = None

    @classmethod
    def from_crawler(cls, crawler):
        instance = cls.from_settings(crawler.settings)
        instance.stats = crawler.stats
        instance.crawler = crawler
        s = crawler.settings
        instance.ttl = max(2, s.getint("CRAWLER_REDIS_WORKER_TTL", 15))
        instance.poll = max(0.1, s.getfloat("CRAWLER_REDIS_IDLE_POLL", 1.0))
        instance.max_idle = s.getfloat("CRAWLER_REDIS_MAX_IDLE", 0)
        instance.prefix = s.get("CRAWLER_REDIS_PREFIX", "newscrawler:%(spider)s")
        crawler.signals.connect(instance._response_received, signal=signals.response_received)
        crawler.signals.connect(instance._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(instance._spider_idle, signal=signals.spider_idle)
        from pipelines.store import store_flushed

        crawler.signals.connect(instance._store_flushed, signal=store_flushed)
        return instance

    # -- lifecycle -------------------------------------------------------------------------
    def open(self, spider) -> None:
        self.spider = spider
        k = _keys(self.prefix, spider.name)
        self.k = k
        self.lease_key = f"{k['leases']}:{self.worker_id}"
        self.idle_key = f"{k['idle']}:{self.worker_id}"
        self.heartbeat_key = f"{k['worker']}:{self.worker_id}"
        self._heartbeat()
        self.server.sadd(k["workers"], self.worker_id)
        # Join the current run, or start one: the first worker's id names it for everyone.
        self.server.set(k["run"], uuid.uuid4().hex, nx=True)
        self.run_id = (self.server.get(k["run"]) or b"").decode() or "run"
        starts = set(getattr(spider, "start_urls_list", None) or getattr(spider, "start_urls", []))
        self.df = RunDupeFilter(
            self.server, self.dupefilter_key % {"spider": spider.name},
            debug=spider.settings.getbool("DUPEFILTER_DEBUG"),
            run_key=f"{self.dupefilter_key % {'spider': spider.name}}:run:{self.run_id}",
            listings_key=k["listings"], start_urls=starts,
        )
        super().open(spider)
        self.queue.worker_id = self.worker_id
        self.queue.lease_key = self.lease_key
        self.queue.idle_key = self.idle_key
        self.stats.set_value("distributed/worker", self.worker_id)
        self._recover(force=True)
        if "twisted.internet.reactor" in sys.modules:  # never install one just for this
            from twisted.internet import task

            self._beat = task.LoopingCall(self._heartbeat)
            self._beat.start(max(1.0, self.ttl / 3), now=False)
        s = spider.settings
        log.info("distributed worker %s joined run %s; politeness is per worker: "
                 "CONCURRENT_REQUESTS_PER_DOMAIN=%s, DOWNLOAD_DELAY=%s in each of %d live workers",
                 self.worker_id, self.run_id, s.get("CONCURRENT_REQUESTS_PER_DOMAIN"),
                 s.get("DOWNLOAD_DELAY"), self.server.scard(k["workers"]))

    def close(self, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        k = self.k
        if reason == "finished":
            # Idle and flushed: everything this worker leased is stored.
            self.server.delete(self.lease_key)
        # Otherwise the leases stay; with the heartbeat gone another worker re-queues them.
        self.server.delete(self.heartbeat_key, self.idle_key)
        self.server.srem(k["workers"], self.worker_id)
        if reason == "finished" and self.server.scard(k["workers"]) == 0 \
                and len(self.queue) == 0:
            # The last worker of the run: the next run starts afresh (listing pages again).
            self.server.delete(k["run"], self.df.run_key)

    def _heartbeat(self) -> None:
        try:
            self.server.set(self.heartbeat_key, b"1", ex=self.ttl)
            if self.server.exists(self.idle_key):
                self.server.expire(self.idle_key, self.ttl)
        except Exception as exc:  # noqa: BLE001 (a missed beat must not stop the crawl)
            log.warning("redis heartbeat failed: %s", exc)

    # -- queue -----------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        try:
            self.queue.push(request)
        except (ValueError, TypeError, AttributeError, pickle.PicklingError) as exc:
            log.warning("request %s cannot be shared through Redis (%s); this worker keeps it",
                        request.url, exc)
            self.local.append(request)
            self.stats.inc_value("distributed/local_requests")
            return True
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        request = self.queue.pop()
        if request is not None:
            self._idle_since = None
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or len(self.queue) > 0

    def __len__(self) -> int:
        return len(self.local) + len(self.queue)

    # -- leases ----------------------------------------------------------------------------
    def _response_received(self, response, request, spider=None) -> None:
        lease = request.meta.get(LEASE)
        if lease:
            self.inflight[response.url] = lease

    def _store_flushed(self, pages: list, **_: Any) -> None:
        leases = [self.inflight.pop(p.url) for p in pages if p.url in self.inflight]
        if leases:
            self.server.hdel(self.lease_key, *leases)

    def _item_scraped(self, item, response=None, spider=None) -> None:
        # A page with cards and no lead story is a listing: re-fetched on every run.
        if type(item).__name__ == "PageSnapshot" and not item.lead_url \
                and len(item.related_urls) >= 3:
            self.server.sadd(self.k["listings"], item.url)

    def _recover(self, force: bool = False) -> int:
        now = time.monotonic()
        if not force and now - self._last_recover < self.poll:
            return 0
        self._last_recover = now
        k, moved = self.k, 0
        for raw in self.server.smembers(k["workers"]):
            worker = raw.decode()
            if worker == self.worker_id or self.server.exists(f"{k['worker']}:{worker}"):
                continue
            n = self.server.eval(_RECOVER, 4, f"{k['leases']}:{worker}", self.queue.key,
                                 k["workers"], f"{k['idle']}:{worker}", worker)
            if n:
                log.warning("worker %s is gone; %d of its requests are back in the queue",
                            worker, n)
                self.stats.inc_value("distributed/recovered", n)
            moved += n
        return moved

    # -- closing ---------------------------------------------------------------------------
    def _others_busy(self) -> bool:
        k = self.k
        for raw in self.server.smembers(k["workers"]):
            worker = raw.decode()
            if worker != self.worker_id and not self.server.exists(f"{k['idle']}:{worker}"):
                return True
        return False

    def _spider_idle(self, spider=None) -> None:
        """Close only when the shared queue is drained and no live worker is still busy."""
        self.server.set(self.idle_key, b"1", ex=self.ttl)
        self._recover(force=True)
        now = time.monotonic()
        self._idle_since = self._idle_since or now
        if self.has_pending_requests() or self._others_busy():
            if self.max_idle and now - self._idle_since > self.max_idle:
                log.warning("idle for %.0fs while other workers are busy: closing (CRAWLER_"
                            "REDIS_MAX_IDLE)", now - self._idle_since)
                return
            self._poll_soon()
            raise DontCloseSpider

    def _poll_soon(self) -> None:
        """Look at the queue again in CRAWLER_REDIS_IDLE_POLL seconds, not the engine's 5 s."""
        from twisted.internet import reactor

        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            reactor.callLater(self.poll, slot.nextcall.schedule)


def redis_client(url: str):
    """A client for REDIS_URL, configured as scrapy-redis configures its own."""
    return connection.from_settings(Settings({"REDIS_URL": url}))


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
    base = settings.get("CRAWLER_REDIS_PREFIX", "newscrawler:%(spider)s") % {"spider": spider_name}
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


__all__ = ["DistributedMode", "write_lock", "DistributedScheduler", "RunDupeFilter", "SafeQueue", "redis_client"]
