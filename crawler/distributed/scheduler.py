"""The shared scheduler: leases, heartbeats, recovery of dead workers' requests, idle close."""

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

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.dupefilter import RunDupeFilter
from crawler.distributed.keys import LEASE, prefix, run_keys
from crawler.items import snapshot_of
from crawler.signals import store_flushed

log = logging.getLogger(__name__)

# Put a dead worker's leases back in the queue and forget the worker.
_RECOVER = """
local vals = redis.call('HVALS', KEYS[1])
for _, v in ipairs(vals) do redis.call('ZADD', KEYS[2], 0, v) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return #vals
"""


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
        instance.prefix = prefix(s)
        crawler.signals.connect(instance._response_received, signal=signals.response_received)
        crawler.signals.connect(instance._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(instance._spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance._store_flushed, signal=store_flushed)
        return instance

    # -- lifecycle -------------------------------------------------------------------------
    def open(self, spider) -> None:
        self.spider = spider
        k = run_keys(self.prefix, spider.name)
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
        spider.crawls_here = self.crawls_on_this_host  # sizes its extraction workers ("auto")
        self._recover(force=True)
        if "twisted.internet.reactor" in sys.modules:  # never install one just for this
            from twisted.internet import task  # only where a reactor runs (not in unit use)

            self._beat = task.LoopingCall(self._heartbeat)
            self._beat.start(max(1.0, self.ttl / 3), now=False)
        s = spider.settings
        log.info("distributed worker %s joined run %s; politeness is per worker: "
                 "CONCURRENT_REQUESTS_PER_DOMAIN=%s, DOWNLOAD_DELAY=%s in each of %d live workers",
                 self.worker_id, self.run_id, s.get("CONCURRENT_REQUESTS_PER_DOMAIN"),
                 s.get("DOWNLOAD_DELAY"), self.server.scard(k["workers"]))

    def crawls_on_this_host(self) -> int:
        """How many live workers of this run share this machine (this one included): the
        workers' ids start with their host name, and a live one keeps its heartbeat key."""
        host = self.worker_id.split(":", 1)[0] + ":"
        mine = [raw.decode() for raw in self.server.smembers(self.k["workers"])
                if raw.decode().startswith(host)]
        if not mine:
            return 1
        with self.server.pipeline(transaction=False) as pipe:
            for worker in mine:
                pipe.exists(f"{self.k['worker']}:{worker}")
            alive = pipe.execute()
        return max(1, sum(1 for found in alive if found))

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
        """Into the shared queue, marked seen in the same step (a worker killed in between
        must not leave a page marked seen and queued nowhere); a request that cannot be
        pickled stays with this worker."""
        try:
            if request.dont_filter:
                self.queue.push(request)
            elif not self.queue.push_unseen(request, self.df.seen_key(request),
                                            self.df.request_fingerprint(request)):
                self.df.log(request, self.spider)
                return False
        except (ValueError, TypeError, AttributeError, pickle.PicklingError) as exc:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
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
        snapshot = snapshot_of(item)
        if snapshot is not None and not snapshot.lead_url and len(snapshot.related_urls) >= 3:
            self.server.sadd(self.k["listings"], snapshot.url)

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
        from twisted.internet import reactor  # imported late: importing it installs one

        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            reactor.callLater(self.poll, slot.nextcall.schedule)
