"""Last stage: batched, idempotent writes to MongoDB, and the run's record.

The pipeline buffers items and writes a batch every STORE_BATCH_SIZE items and at close, off
the reactor thread so the crawl keeps fetching while the database writes. If the database is
away, the batch goes to the on-disk spill (crawler.spill) and is counted; it is replayed at the
start of the next run. The run document is written at open and completed when the spider closes.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from pymongo.errors import PyMongoError
from scrapy import signals

from crawler import spill
from crawler.items import Article, PageSnapshot, Teaser
from crawler.run_status import run_status
from crawler.store import Store, StoreUnavailable

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler, batch_size: int = 200):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.sightings: list[Article | Teaser] = []
        self.pages: list[PageSnapshot] = []
        self.store: Store | None = None
        self.run_id: str | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls(crawler, crawler.settings.getint("STORE_BATCH_SIZE", 200))
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.store = Store()
        try:
            self.store.ping()
        except StoreUnavailable as exc:
            log.error("%s", exc)
            self.stats.set_value("run/database_unreachable", True)
            raise
        self.store.ensure_indexes()
        replayed = spill.replay(self.store)
        if replayed:
            log.info("replayed %d spilled items from earlier runs", replayed)
            self.stats.set_value("store/replayed", replayed)
        args = dict(getattr(spider, "spider_args", {}) or {})
        self.run_id = self.store.start_run(spider.name, args, started_at=datetime.now(UTC))
        spider.run_id = self.run_id
        self.stats.set_value("run/id", self.run_id)

    async def process_item(self, item, spider=None):
        if isinstance(item, PageSnapshot):
            item.run_id = self.run_id
            self.pages.append(item)
        elif isinstance(item, Article | Teaser):
            self.sightings.append(item)
        if len(self.sightings) + len(self.pages) >= self.batch_size:
            await self.flush()
        return item

    async def flush(self) -> None:
        sightings, pages = self.sightings, self.pages
        self.sightings, self.pages = [], []
        if not sightings and not pages:
            return
        async with self._lock:
            await asyncio.to_thread(self._write, sightings, pages)

    def _write(self, sightings: list, pages: list) -> None:
        try:
            counts = self.store.write_sightings(sightings)
            self.store.insert_pages(pages)
        except PyMongoError as exc:
            path = spill.write(sightings + pages, self.run_id or "no-run")
            self.stats.inc_value("store/spilled", len(sightings) + len(pages))
            self.stats.inc_value("store/errors")
            log.error(
                "database write failed (%s); %d items kept in %s for replay",
                type(exc).__name__, len(sightings) + len(pages), path,
            )
            return
        self.stats.inc_value("store/new", counts.new)
        self.stats.inc_value("store/updated", counts.updated)
        self.stats.inc_value("store/unchanged", counts.unchanged)
        self.stats.inc_value("store/pages", len(pages))

    async def close_spider(self, spider=None):
        if self.store is not None:
            await self.flush()

    def spider_closed(self, spider, reason):
        if self.store is None or self.run_id is None:
            return
        stats = self.stats.get_stats()
        status = run_status(stats, reason)
        self.stats.set_value("run/status", status)
        try:
            self.store.finish_run(
                self.run_id,
                finished_at=datetime.now(UTC),
                status=status,
                finish_reason=reason,
                counts=run_counts(stats),
                errors=run_errors(stats),
            )
        except PyMongoError as exc:
            log.error("could not record the run's end (%s)", type(exc).__name__)
        finally:
            self.store.close()


def run_counts(stats: dict) -> dict[str, int]:
    keys = {
        "pages": "response_received_count",
        "leads": "pages/lead",
        "teasers": "items/teaser",
        "no_lead": "pages/no_lead",
        "new": "store/new",
        "updated": "store/updated",
        "unchanged": "store/unchanged",
        "duplicates_folded": "dedup/folded",
        "spilled": "store/spilled",
    }
    return {name: int(stats.get(key, 0)) for name, key in keys.items()}


def run_errors(stats: dict) -> dict[str, int]:
    errors = {}
    for key, value in stats.items():
        if key.startswith(("spider_exceptions/", "downloader/exception_type_count/")):
            errors[key.split("/", 1)[1].replace(".", "_")] = int(value)
        elif key.startswith("log_count/ERROR"):
            errors["logged_errors"] = int(value)
    return errors
