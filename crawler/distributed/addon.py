"""The add-on that switches a crawl to distributed mode when REDIS_URL is set."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler.distributed.keys import prefix
from crawler.distributed.lock import write_lock
from crawler.signals import store_opened


class DistributedMode:
    """Scrapy add-on: when REDIS_URL is set, switch scheduler and dupefilter to Redis, and hand
    the shared write lock to the crawl's store when it is built (the store never asks for it)."""

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        base = prefix(settings)
        for name, value in (
            ("SCHEDULER", "crawler.distributed.scheduler.DistributedScheduler"),
            ("DUPEFILTER_CLASS", "crawler.distributed.dupefilter.RunDupeFilter"),
            ("SCHEDULER_QUEUE_CLASS", "crawler.distributed.queue.SafeQueue"),
            ("SCHEDULER_QUEUE_KEY", base + ":requests"),
            ("SCHEDULER_DUPEFILTER_KEY", base + ":dupefilter"),
            # Never flush the shared queue when one worker leaves: the others still use it.
            ("SCHEDULER_PERSIST", True),
        ):
            settings.set(name, value, priority="addon")
        if self.crawler is not None:
            # The add-on lives as long as its crawler (Scrapy keeps it), so a bound method may
            # be connected: signals hold their receivers weakly.
            self.crawler.signals.connect(self._store_opened, signal=store_opened)

    def _store_opened(self, store, **_) -> None:
        store.write_lock = write_lock(self.crawler.settings, self.crawler.spidercls.name)
        store.shared_writers = True  # other workers write sightings of the stories it inserts
