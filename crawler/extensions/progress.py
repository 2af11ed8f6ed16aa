"""A progress line every few seconds for long crawls: pages, items, stored, rate.

Scrapy's own LogStats speaks once a minute and knows nothing of the store; an operator watching
a scheduled crawl (or its log file) wants to see it move. CRAWLER_PROGRESS_INTERVAL seconds
between lines (0 turns it off).
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

log = logging.getLogger(__name__)


def progress_line(stats: dict, elapsed: float, last: tuple[float, int] | None) -> str:
    """One human line; the rate is pages per minute over the last interval."""
    pages = int(stats.get("response_received_count", 0))
    items = int(stats.get("items/scraped", 0))
    new = int(stats.get("store/new", 0))
    updated = int(stats.get("store/updated", 0))
    errors = int(stats.get("log_count/ERROR", 0))
    if last is not None and elapsed > last[0]:
        rate = (pages - last[1]) * 60.0 / (elapsed - last[0])
    else:
        rate = pages * 60.0 / elapsed if elapsed > 0 else 0.0
    return (f"progress: {pages} pages, {items} items ({new} new, {updated} updated), "
            f"{rate:.0f} pages/min, {errors} errors, {elapsed:.0f}s elapsed")


class ProgressLog:
    """Scrapy extension (EXTENSIONS): logs progress_line() every interval seconds."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = 0.0
        self.last: tuple[float, int] | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("CRAWLER_PROGRESS_INTERVAL", 10.0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log_progress)
        self.loop.start(self.interval, now=False)

    def log_progress(self) -> None:
        elapsed = time.monotonic() - self.started
        stats = self.crawler.stats.get_stats()
        log.info("%s", progress_line(stats, elapsed, self.last))
        self.last = (elapsed, int(stats.get("response_received_count", 0)))

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
