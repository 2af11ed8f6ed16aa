"""The run record: one document in `runs` per crawl, written by a Scrapy extension.

Why an extension and not the store pipeline: the record is about the whole crawl (arguments,
pages, renders, errors by kind, finish reason), not about items, and it must be finished after
the pipelines have flushed. The document is inserted as "running" when the spider opens and
completed at spider_closed (after every pipeline closed); `run/status` in the stats is what
`scrapy crawl` turns into the exit status.

The run id is chosen before the crawl starts: the setting CRAWLER_RUN_ID when the scheduler
passes one (so it can mark the run failed if the process dies), else a fresh one. Components
that stamp items with it (pages.run_id) call run_id_for(crawler).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
import weakref
from datetime import UTC, datetime

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.extensions.run_status import (
    DEFAULT_MAX_FAILED_SHARE,
    failure_counts,
    policy_counts,
    run_status,
)
from crawler.storage import for_crawler

log = logging.getLogger(__name__)

_RUN_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def run_id_for(crawler) -> str:
    """This crawl's run id: CRAWLER_RUN_ID when given, else one generated once per crawler."""
    run_id = _RUN_IDS.get(crawler)
    if run_id is None:
        run_id = str(crawler.settings.get("CRAWLER_RUN_ID") or "") or uuid.uuid4().hex
        _RUN_IDS[crawler] = run_id
    return run_id


# Run-document count name -> stats key. A missing stat counts 0.
COUNT_KEYS = {
    "pages": "response_received_count",
    "leads": "pages/lead",
    "listings": "pages/listing",
    "teasers": "items/teaser",
    "no_lead": "pages/no_lead",
    "pages_failed": "pages/failed",
    "items": "item_scraped_count",
    "dropped": "item_dropped_count",
    "new": "store/new",
    "updated": "store/updated",
    "unchanged": "store/unchanged",
    "duplicates_folded": "dedup/folded",
    "spilled": "store/spilled",
    "replayed": "store/replayed",
    "requests": "downloader/request_count",
}
# Browser renders: the render capability's own counter when it keeps one, else scrapy-playwright's.
RENDER_KEYS = ("render/rendered", "playwright/page_count")


def run_counts(stats: dict) -> dict[str, int]:
    counts = {name: int(stats.get(key, 0) or 0) for name, key in COUNT_KEYS.items()}
    counts["renders"] = next((int(stats[k]) for k in RENDER_KEYS if stats.get(k)), 0)
    return counts


def run_errors(stats: dict) -> dict[str, int]:
    """Failures by kind (crawler.extensions.run_status.failure_counts): never policy outcomes
    such as fresh pages, robots.txt rules or a site's 404 for a withdrawn story."""
    return failure_counts(stats)


def run_policy(stats: dict) -> dict[str, int]:
    """Policy outcomes by kind: pages not fetched by choice or answered with a fact about the
    page (gone, refused, robots, fresh, not_modified...)."""
    return policy_counts(stats)


class RunRecorder:
    """Scrapy extension (EXTENSIONS) that writes the run's document."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run_id = run_id_for(crawler)
        self.store = None
        self.started_at: datetime | None = None
        self.job = crawler.settings.get("CRAWLER_RUN_JOB") or None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.started_at = datetime.now(UTC)
        spider.run_id = self.run_id
        stats = self.crawler.stats
        stats.set_value("run/id", self.run_id)
        args = dict(getattr(spider, "spider_args", {}) or {})
        try:
            self.store = for_crawler(self.crawler)
            self.store.start_run(
                spider.name, args, started_at=self.started_at, run_id=self.run_id,
                job=self.job, trigger="schedule" if self.job else "manual",
                host=socket.gethostname(), pid=os.getpid(),
                settings=_overrides(self.crawler.settings),
            )
        except PyMongoError as exc:
            log.error("could not record the run's start (%s)", type(exc).__name__)
        except Exception as exc:  # embedded database could not start: the pipeline says why
            log.error("could not record the run's start: %s", exc)
            self.store = None

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        share = self.crawler.settings.getfloat("CRAWLER_MAX_FAILED_SHARE", DEFAULT_MAX_FAILED_SHARE)
        status = run_status(stats, reason, share)
        self.crawler.stats.set_value("run/status", status)
        if self.store is None:
            return
        finished = datetime.now(UTC)
        try:
            self.store.finish_run(
                self.run_id,
                finished_at=finished,
                duration_s=round((finished - self.started_at).total_seconds(), 3)
                if self.started_at else None,
                status=status,
                finish_reason=reason,
                counts=run_counts(stats),
                errors=run_errors(stats),
                policy=run_policy(stats),
            )
        except PyMongoError as exc:
            log.error("could not record the run's end (%s)", type(exc).__name__)


def _overrides(settings) -> dict[str, str]:
    """Settings given on the command line (-s): part of how the run was asked for."""
    floor = SETTINGS_PRIORITIES["cmdline"]
    return {name: str(value) for name, value in settings.items()
            if (settings.getpriority(name) or 0) >= floor and name != "CRAWLER_RUN_ID"}
