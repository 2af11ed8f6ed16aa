"""`/metrics`: the Prometheus text exposition, computed from the database at scrape time.

Counters are sums over the recorded runs (so they only drop if runs are deleted); gauges are the
state now. Store latency is the round trip of a ping and the time of this application's own
reads; the queue depth is read from Redis when REDIS_URL is set (distributed mode).
"""

from __future__ import annotations

import logging
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from crawler.web import queries
from crawler.web.storyindex import StoryIndex

log = logging.getLogger(__name__)
RUN_STATUSES = ("ok", "partial", "failed", "running")


def _num(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


class CrawlerCollector:
    def __init__(self, db, index: StoryIndex, redis_url: str | None = None,
                 redis_prefix: str = "newscrawler:%(spider)s",
                 redis_factory: Callable | None = None):
        self.db = db
        self.index = index
        self.redis_url = redis_url
        self.redis_prefix = redis_prefix
        self.redis_factory = redis_factory

    def collect(self):
        runs = queries.all_runs_summary(self.db)
        yield from self._runs(runs)
        yield from self._store()
        yield from self._index()
        yield from self._queue(sorted({str(r.get("spider")) for r in runs if r.get("spider")}))

    def _runs(self, runs: list[dict]):
        by_status = GaugeMetricFamily("crawler_runs", "Recorded crawl runs by status",
                                      labels=["status"])
        counts = Counter(str(r.get("status") or "unknown") for r in runs)
        for status in sorted(set(RUN_STATUSES) | set(counts)):
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        pages = CounterMetricFamily("crawler_pages", "Pages fetched, summed over runs",
                                    labels=["spider"])
        items = CounterMetricFamily("crawler_items", "Items scraped, summed over runs",
                                    labels=["spider"])
        stored = CounterMetricFamily("crawler_stories_stored",
                                     "Stories stored (new or updated), summed over runs",
                                     labels=["spider", "kind"])
        fails = CounterMetricFamily("crawler_failures", "Failures by kind, summed over runs",
                                    labels=["spider", "kind"])
        last = GaugeMetricFamily("crawler_last_run_timestamp_seconds",
                                 "Start of the latest run (POSIX time)", labels=["spider"])
        last_ok = GaugeMetricFamily("crawler_last_success_timestamp_seconds",
                                    "End of the latest run with status ok (POSIX time)",
                                    labels=["spider"])
        per_spider: dict[str, Counter] = defaultdict(Counter)
        failures: dict[tuple[str, str], float] = defaultdict(float)
        latest: dict[str, datetime] = {}
        latest_ok: dict[str, datetime] = {}
        for run in runs:
            spider = str(run.get("spider") or "unknown")
            c = run.get("counts") or {}
            for key in ("pages", "items", "new", "updated"):
                per_spider[spider][key] += _num(c.get(key))
            for kind, n in (run.get("errors") or {}).items():
                failures[(spider, str(kind))] += _num(n)
            if run.get("status") == "failed" and not run.get("errors"):
                failures[(spider, "crashed" if run.get("error") else "failed_run")] += 1
            started = run.get("started_at")
            if isinstance(started, datetime) and (spider not in latest or started > latest[spider]):
                latest[spider] = started
            ended = run.get("finished_at")
            if run.get("status") == "ok" and isinstance(ended, datetime) and (
                    spider not in latest_ok or ended > latest_ok[spider]):
                latest_ok[spider] = ended
        for spider, c in sorted(per_spider.items()):
            pages.add_metric([spider], c["pages"])
            items.add_metric([spider], c["items"])
            stored.add_metric([spider, "new"], c["new"])
            stored.add_metric([spider, "updated"], c["updated"])
        for (spider, kind), n in sorted(failures.items()):
            fails.add_metric([spider, kind], n)
        for spider, t in sorted(latest.items()):
            last.add_metric([spider], t.timestamp())
        for spider, t in sorted(latest_ok.items()):
            last_ok.add_metric([spider], t.timestamp())
        yield from (pages, items, stored, fails, last, last_ok)

    def _store(self):
        up = GaugeMetricFamily("crawler_store_up", "1 when the database answers a ping")
        ping = GaugeMetricFamily("crawler_store_ping_seconds",
                                 "Round trip of a ping to the database")
        try:
            seconds = queries.ping_seconds(self.db)
            up.add_metric([], 1)
            ping.add_metric([], seconds)
        except Exception as exc:  # the scrape still answers: the database being away is news
            log.warning("metrics: database ping failed: %s", type(exc).__name__)
            up.add_metric([], 0)
        yield up
        yield ping
        count = CounterMetricFamily("crawler_store_queries", "Reads made by the status application",
                                    labels=["query"])
        total = CounterMetricFamily("crawler_store_query_seconds",
                                    "Time spent in those reads", labels=["query"])
        for name, (n, secs) in sorted(queries.QUERY_TIMES.items()):
            count.add_metric([name], n)
            total.add_metric([name], secs)
        yield count
        yield total

    def _index(self):
        snap = self.index.snapshot
        stories = GaugeMetricFamily("crawler_stories", "Stories in the database by completeness",
                                    labels=["completeness"])
        loaded = GaugeMetricFamily("crawler_web_index_loaded_timestamp_seconds",
                                   "When the story index was last loaded (POSIX time)")
        load = GaugeMetricFamily("crawler_web_index_load_seconds",
                                 "How long the last story index load took")
        if snap is not None:
            full = sum(1 for s in snap.stories if s.full)
            stories.add_metric(["full"], full)
            stories.add_metric(["teaser"], len(snap.stories) - full)
            loaded.add_metric([], snap.loaded_at.timestamp())
            load.add_metric([], snap.load_seconds)
        yield from (stories, loaded, load)

    def _queue(self, spiders: list[str]):
        if not self.redis_url:
            return
        depth = GaugeMetricFamily("crawler_queue_depth",
                                  "Requests waiting in the shared queue (distributed mode)",
                                  labels=["spider"])
        leased = GaugeMetricFamily("crawler_queue_leased",
                                   "Requests taken by a worker and not yet stored",
                                   labels=["spider"])
        try:
            client = (self.redis_factory or _redis)(self.redis_url)
            for spider in spiders:
                base = self.redis_prefix % {"spider": spider}
                depth.add_metric([spider], client.zcard(f"{base}:requests"))
                workers = client.smembers(f"{base}:workers")
                leased.add_metric([spider], sum(
                    client.hlen(f"{base}:leases:{w.decode() if isinstance(w, bytes) else w}")
                    for w in workers))
        except Exception as exc:
            log.warning("metrics: queue depth unavailable: %s", type(exc).__name__)
            return
        yield depth
        yield leased


def _redis(url: str):
    # optional/heavy, loaded on the request that needs it (start-up cost)
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def exposition(collector: CrawlerCollector) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry)


def redis_settings() -> tuple[str | None, str]:
    """REDIS_URL and the key prefix as the crawler's settings resolve them."""
    url = os.environ.get("REDIS_URL") or os.environ.get("CRAWLER_REDIS_URL") or None
    prefix = os.environ.get("CRAWLER_REDIS_PREFIX") or "newscrawler:%(spider)s"
    return url, prefix


__all__ = ["CrawlerCollector", "exposition", "Metric"]
