"""Last stage: batched, idempotent writes to MongoDB, and the run's record.

The pipeline buffers items and seals a batch every STORE_BATCH_SIZE items, every
STORE_FLUSH_INTERVAL seconds and at close. A batch is written in a worker thread while the crawl
goes on, one at a time and in order. While one is being written, the batches sealed meanwhile are
merged into the one waiting (up to STORE_MAX_BATCH items): a story seen on several of those pages
then costs one statement instead of one per batch, so the slower the database, the less it is
asked to do per page. The crawl waits for the database only when STORE_MAX_PENDING batches are
waiting and the last is full (so a slow database slows the crawl instead of filling memory).
If the database is away, the batch goes to the on-disk spill (crawler.storage.spill) and is counted; it
is replayed as soon as the database answers again, in this run or the next (crawler.storage.durable:
journal, spill, replay). The run's document is crawler.extensions.runrecord's job (an extension); pages are
stamped with its run id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from pymongo.errors import PyMongoError

from crawler import settings as defaults
from crawler.extensions.runrecord import (  # noqa: F401 (re-exported)
    record_replay,
    run_counts,
    run_errors,
    run_id_for,
)
from crawler.items import Article, PageSnapshot, Teaser, stored_items
from crawler.redact import public_name
from crawler.signals import store_flushed
from crawler.storage import for_crawler, spill
from crawler.storage.durable import DurableWriter
from crawler.storage.store import StateCache, Store, StoreUnavailable

log = logging.getLogger(__name__)


class DataDirUnusable(RuntimeError):
    """The data directory cannot hold the journal: the crawl does not start."""


def _min_free(settings) -> int:
    return int(settings.getfloat("STORE_MIN_FREE_MB", 50) * 1_048_576)


class _Batch:
    """Items on their way to the database; grows until its write starts."""

    def __init__(self) -> None:
        self.sightings: list[Article | Teaser] = []
        self.pages: list[PageSnapshot] = []
        self.journal: list = []  # crawler.storage.spill.JournalBatch files holding these items
        self.started = False

    def __len__(self) -> int:
        return len(self.sightings) + len(self.pages)

    def add(self, sightings: list, pages: list, journal) -> None:
        self.sightings.extend(sightings)
        self.pages.extend(pages)
        if journal is not None:
            self.journal.append(journal)


class StorePipeline:
    def __init__(self, crawler, batch_size: int = 500, flush_interval: float = 5.0,
                 max_pending: int = 1, max_batch: int = 2000):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_pending = max(1, max_pending)
        self.max_batch = max(batch_size, max_batch)
        self._last_flush = time.monotonic()
        self._writes: list[asyncio.Future] = []
        self._waiting: _Batch | None = None  # the newest batch whose write has not started
        self.sightings: list[Article | Teaser] = []
        self.pages: list[PageSnapshot] = []
        self.store: Store | None = None
        self.run_id: str | None = None
        self.writer: DurableWriter | None = None
        self._lock = asyncio.Lock()
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.getint("STORE_BATCH_SIZE", defaults.STORE_BATCH_SIZE),
                   settings.getfloat("STORE_FLUSH_INTERVAL", defaults.STORE_FLUSH_INTERVAL),
                   settings.getint("STORE_MAX_PENDING", defaults.STORE_MAX_PENDING),
                   settings.getint("STORE_MAX_BATCH", defaults.STORE_MAX_BATCH))

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.store = for_crawler(self.crawler)
        try:
            self.store.ping()
        except StoreUnavailable as exc:
            log.error("%s", exc)
            self.stats.set_value("run/database_unreachable", True)
            raise
        self.store.ensure_indexes()
        settings = self.crawler.settings
        self.store.seen_resolution = timedelta(seconds=settings.getfloat("STORE_SEEN_RESOLUTION", 300.0))
        self.store.cache = StateCache(settings.getint("STORE_STATE_CACHE", defaults.STORE_STATE_CACHE),
                                      settings.getfloat("STORE_STATE_TTL", 600.0))
        report = spill.replay_report(self.store)
        record_replay(self.store, report, files_left=bool(spill.pending()))
        replayed = report.stored
        if replayed:
            log.info("replayed %d spilled items from earlier runs", replayed)
            self.stats.set_value("store/replayed", replayed)
        self.run_id = run_id_for(self.crawler)
        spider.run_id = self.run_id
        self.writer = DurableWriter(
            self.store, self.stats, self.run_id,
            retry_interval=settings.getfloat("STORE_RETRY_INTERVAL", defaults.STORE_RETRY_INTERVAL),
            probe_timeout=settings.getfloat("STORE_PROBE_TIMEOUT", defaults.STORE_PROBE_TIMEOUT),
            journal=settings.getbool("STORE_JOURNAL", defaults.STORE_JOURNAL),
            close_wait=settings.getfloat("STORE_CLOSE_WAIT", defaults.STORE_CLOSE_WAIT),
        )
        self._stopping = False
        if settings.getbool("STORE_JOURNAL", True):
            problem = spill.data_dir_problem(_min_free(settings))
            if problem:
                log.error("%s", problem)
                self.stats.set_value("run/data_dir_unusable", True)
                raise DataDirUnusable(problem)

    async def process_item(self, item, spider=None):
        # Back-pressure before accepting: while the database is behind, every item waits here,
        # so its response stays in Scrapy's scraper, which then stops taking new responses
        # (SCRAPER_SLOT_MAX_ACTIVE_SIZE) and the downloader stops fetching. Waiting only in the
        # call that sealed a batch would let every other item through and grow memory without
        # bound.
        while self._backlogged():
            await self._writes[0]
            self._prune()
        accepted = []
        for one in stored_items(item):
            if isinstance(one, PageSnapshot):
                one.run_id = self.run_id
                self.pages.append(one)
            elif isinstance(one, Article | Teaser):
                self.sightings.append(one)
            else:
                continue
            accepted.append(one)
        if self.writer is not None and accepted:
            # Journaled (a page's items in one write) before anything can lose them; when the
            # disk refuses, stop accepting.
            if not self.writer.accept_many(accepted) and not self._stopping:
                self._stop_for_disk()
        if (len(self.sightings) + len(self.pages) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_interval):
            self._seal()
        return item

    async def flush(self) -> None:
        """Hand the buffered items to a background write and wait until every write started
        so far has finished."""
        self._seal()
        await asyncio.gather(*self._writes)
        self._prune()

    def _seal(self) -> None:
        """The buffered items become a batch, or join the batch still waiting for the
        database (up to STORE_MAX_BATCH items)."""
        self._last_flush = time.monotonic()
        sightings, pages = self.sightings, self.pages
        self.sightings, self.pages = [], []
        journal = self.writer.seal() if self.writer is not None else None
        if sightings or pages:
            waiting = self._waiting
            if waiting is not None and not waiting.started and len(waiting) < self.max_batch:
                waiting.add(sightings, pages, journal)  # the database is behind: write together
                self.stats.inc_value("store/batches_merged")
            else:
                waiting = self._waiting = _Batch()
                waiting.add(sightings, pages, journal)
                self._writes.append(asyncio.ensure_future(self._write_in_order(waiting)))
        self._prune()

    def _stop_for_disk(self) -> None:
        """The journal cannot be written: no more fetching, and say once why and what to do."""
        self._stopping = True
        failure = self.writer.disk_failure
        self.stats.set_value("run/journal_unwritable", True)
        log.error("stopping the crawl: %s", spill.describe_disk_error(
            failure, spill.journal_dir(), _min_free(self.crawler.settings)))
        # Closing makes the engine take no new request from the scheduler at once; responses in
        # flight are still scraped, and their items held (DurableWriter).
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="journal_unwritable"))

    def _prune(self) -> None:
        self._writes = [w for w in self._writes if not w.done()]

    def _backlogged(self) -> bool:
        """One batch being written and STORE_MAX_PENDING waiting, the last of them full (or
        more queued than that): no more items until the oldest write ends."""
        queued = len(self._writes)
        full = self._waiting is not None and len(self._waiting) >= self.max_batch
        return queued > self.max_pending + 1 or (queued == self.max_pending + 1 and full)

    async def _write_in_order(self, batch: _Batch) -> None:
        async with self._lock:  # FIFO: batches reach the database in the order they were made
            batch.started = True
            try:
                await asyncio.to_thread(self._write, batch.sightings, batch.pages, batch.journal)
            except Exception:  # a bug, not an outage (those spill): say so, keep crawling
                log.exception("writing a batch of %d items failed", len(batch))
                self.stats.inc_value("store/errors")
                return
        self.stats.inc_value("store/batches")
        if self.store is not None and self.store.folds:
            self.stats.set_value("store/folds", self.store.folds)
            self.stats.set_value("store/folds_searched", self.store.folds_searched)
        self.crawler.signals.send_catch_log(signal=store_flushed, pages=batch.pages)

    def _write(self, sightings: list, pages: list, journal: list) -> None:
        if self.writer is not None:
            self.writer.write(sightings, pages, journal)
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
                public_name(exc), len(sightings) + len(pages), path,
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
