"""A stop signal that arrives while a crawl is still starting up ends the crawl cleanly.

Scrapy's graceful stop (SIGTERM, Ctrl-C) does nothing until the engine is running, which here
is after the spider is opened and its start-up work is done (the run document written, the
near-duplicate index rebuilt from the database). A signal in that window stopped the reactor
with the spider open and never closed: the process exited 1 and its run stayed without an end.
This extension closes a spider still open when the reactor shuts down, with reason "shutdown",
as Scrapy's own graceful stop would have, so the pipelines flush and the run is recorded.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

log = logging.getLogger(__name__)


class EarlyStop:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.open = False
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)
        # the reactor Scrapy installed for this crawl: imported at module level it would install
        # Twisted's default one first
        from twisted.internet import reactor

        reactor.addSystemEventTrigger("before", "shutdown", self._close_if_open)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EarlyStop:
        return cls(crawler)

    def _opened(self, spider) -> None:
        self.open = True

    def _closed(self, spider, reason) -> None:
        self.open = False

    def _close_if_open(self):
        """The reactor waits for the Deferred returned here before it stops."""
        engine = getattr(self.crawler, "engine", None)
        if not self.open or engine is None or engine.spider is None:
            return None
        log.info("stopping while the crawl was starting up: closing the spider (shutdown)")
        return deferred_from_coro(engine.close_spider_async(reason="shutdown"))
