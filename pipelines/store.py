"""Last stage: batched, idempotent writes to MongoDB, and the run's record.

The pipeline buffers items and writes a batch every STORE_BATCH_SIZE items, every
STORE_FLUSH_INTERVAL seconds and at close. A batch is written in a worker thread while the crawl
goes on: batches are written one at a time, in order, and the pipeline only waits for the
database when STORE_MAX_PENDING batches are already waiting (so a slow database slows the crawl
instead of filling memory). If the database is
away, the batch goes to the on-disk spill (crawler.spill) and is counted; it is replayed as soon
as the database answers again, in this run or the next (crawler.durable: journal, spill, replay).
The run's document is crawler.runrecord's job (an extension); pages are
stamped with its run id.
"""

from __future__ import annotations

import asyncio
import logging
import time

from pymongo.errors import PyMongoError

from crawler import spill
from crawler.distributed import write_lock
from crawler.durable import DurableWriter
from crawler.items import Article, PageSnapshot, Teaser
from crawler.runrecord import run_counts, run_errors, run_id_for  # noqa: F401 (re-exported)
from crawler.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

# Signal sent after each batch is written (or spilled): `pages` = its PageSnapshots. Distributed
# mode (crawler/distributed.py) releases a page's lease on it.
store_flushed = object()


class StorePipeline:
    def __init__(self, crawler, batch_size: int = 500, flush_interval: float = 5.0,
                 max_pending: int = 2):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_pending = max(1, max_pending)
        self._last_flush = time.monotonic()
        self._writes: list[asyncio.Future] = []
        self.sightings: list[Article | Teaser] = []
        self.pages: list[PageSnapshot] = []
        self.store: Store | None = None
        self.run_id: str | None = None
        self.writer: DurableWriter | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.getint("STORE_BATCH_SIZE", 500),
                   settings.getfloat("STORE_FLUSH_INTERVAL", 5.0),
                   settings.getint("STORE_MAX_PENDING", 2))

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
        self.store.write_lock = write_lock(self.crawler.settings, spider.name)
        replayed = spill.replay(self.store)
        if replayed:
            log.info("replayed %d spilled items from earlier runs", replayed)
            self.stats.set_value("store/replayed", replayed)
        self.run_id = run_id_for(self.crawler)
        spider.run_id = self.run_id
        settings = self.crawler.settings
        self.writer = DurableWriter(
            self.store, self.stats, self.run_id,
            retry_interval=settings.getfloat("STORE_RETRY_INTERVAL", 2.0),
            probe_timeout=settings.getfloat("STORE_PROBE_TIMEOUT", 1.0),
            journal=settings.getbool("STORE_JOURNAL", True),
        )

    async def process_item(self, item, spider=None):
        if isinstance(item, PageSnapshot):
            item.run_id = self.run_id
            self.pages.append(item)
        elif isinstance(item, Article | Teaser):
            self.sightings.append(item)
        if self.writer is not None and isinstance(item, Article | Teaser | PageSnapshot):
            self.writer.accept(item)  # journaled before anything can lose it
        if (len(self.sightings) + len(self.pages) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_interval):
            await self.flush(wait=False)
        return item

    async def flush(self, wait: bool = True) -> None:
        """Hand the buffered items to a background write; with `wait`, until every write
        started so far has finished."""
        self._last_flush = time.monotonic()
        sightings, pages = self.sightings, self.pages
        self.sightings, self.pages = [], []
        batch = self.writer.seal() if self.writer is not None else None
        if sightings or pages:
            self._writes.append(asyncio.ensure_future(self._write_in_order(sightings, pages, batch)))
        self._writes = [w for w in self._writes if not w.done()]
        if wait:
            await asyncio.gather(*self._writes)
        elif len(self._writes) > self.max_pending:
            await self._writes[0]  # back-pressure: the database is behind

    async def _write_in_order(self, sightings: list, pages: list, batch) -> None:
        async with self._lock:  # FIFO: batches reach the database in the order they were made
            try:
                await asyncio.to_thread(self._write, sightings, pages, batch)
            except Exception:  # a bug, not an outage (those spill): say so, keep crawling
                log.exception("writing a batch of %d items failed", len(sightings) + len(pages))
                self.stats.inc_value("store/errors")
                return
        self.crawler.signals.send_catch_log(signal=store_flushed, pages=pages)

    def _write(self, sightings: list, pages: list, batch=None) -> None:
        if self.writer is not None:
            self.writer.write(sightings, pages, batch)
            return
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
            if self.writer is not None:
                async with self._lock:
                    await asyncio.to_thread(self.writer.finish)
            self.store.close()
