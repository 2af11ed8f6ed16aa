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

import asyncio
import json
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
from crawler.items import stored_items
from crawler.redact import mask_setting, public_name
from crawler.storage import for_crawler, spill

log = logging.getLogger(__name__)

_RUN_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def run_id_for(crawler) -> str:
    """This crawl's run id: CRAWLER_RUN_ID when given, else one generated once per crawler."""
    run_id = _RUN_IDS.get(crawler)
    if run_id is None:
        run_id = str(crawler.settings.get("CRAWLER_RUN_ID") or "") or uuid.uuid4().hex
        _RUN_IDS[crawler] = run_id
    return run_id


# Stored items (stories' sightings and page snapshots) that came through the pipelines: Scrapy's
# item_scraped_count counts what spiders yield, which is one PageItems per page.
ITEMS_SCRAPED = "items/scraped"

# Run-document count name -> stats key. A missing stat counts 0.
COUNT_KEYS = {
    "pages": "response_received_count",
    "leads": "pages/lead",
    "listings": "pages/listing",
    "teasers": "items/teaser",
    "no_lead": "pages/no_lead",
    "pages_failed": "pages/failed",
    "items": ITEMS_SCRAPED,
    "dropped": "item_dropped_count",
    "new": "store/new",
    "updated": "store/updated",
    "unchanged": "store/unchanged",
    "duplicates_folded": "dedup/folded",
    "spilled": "store/spilled",
    "replayed": "store/replayed",
    "unstored": "store/unstored",
    "lost": "store/lost",
    "requests": "downloader/request_count",
}
# Browser renders: the render capability's own counter when it keeps one, else scrapy-playwright's.
RENDER_KEYS = ("render/rendered", "playwright/page_count")


def run_counts(stats: dict) -> dict[str, int]:
    counts = {name: int(stats.get(key, 0) or 0) for name, key in COUNT_KEYS.items()}
    counts["renders"] = next((int(stats[k]) for k in RENDER_KEYS if stats.get(k)), 0)
    return counts


def numeric_stats(stats: dict) -> dict[str, int | float]:
    """Every numeric stat, for diagnosis and for tests, which read a run's counters here rather
    than from the log. Keys become plain field names (a dotted exception path must not read as
    a sub-document path)."""
    return {key.replace(".", "\uff0e").replace("$", "\uff04"): value
            for key, value in stats.items()
            if isinstance(value, int | float) and not isinstance(value, bool)}


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
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item, response=None, spider=None) -> None:
        self.crawler.stats.inc_value(ITEMS_SCRAPED, len(stored_items(item)))

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
            apply_pending_ends(self.store)
            mark_dead_runs(self.store)
        except PyMongoError as exc:
            log.error("could not record the run's start (%s)", public_name(exc))
        except Exception as exc:  # embedded database could not start: the pipeline says why
            log.error("could not record the run's start: %s", exc)
            self.store = None

    async def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        share = self.crawler.settings.getfloat("CRAWLER_MAX_FAILED_SHARE", DEFAULT_MAX_FAILED_SHARE)
        status = run_status(stats, reason, share)
        self.crawler.stats.set_value("run/status", status)
        if self.store is None:
            return
        finished = datetime.now(UTC)
        fields = {
            "finished_at": finished,
            "duration_s": round((finished - self.started_at).total_seconds(), 3)
            if self.started_at else None,
            "status": status,
            "finish_reason": reason,
            "counts": run_counts(stats),
            "errors": run_errors(stats),
            "policy": run_policy(stats),
            "stats": numeric_stats(stats),
        }
        try:
            # In a thread: an absent database makes the driver wait for its timeout, and the
            # reactor must not stand still meanwhile (its timers would fire late, together).
            await asyncio.to_thread(self.store.finish_run, self.run_id, **fields)
        except PyMongoError as exc:
            # The database is away at the end: the record waits on disk with the spills, and
            # the next replay (in the next run, or `crawler db replay`) completes it.
            where = save_pending_end(self.run_id, fields)
            log.error("could not record the run's end (%s); %s", public_name(exc),
                      f"kept in {where} for replay" if where else "and the disk refused it too")


def _overrides(settings) -> dict[str, str]:
    """Settings given on the command line (-s): part of how the run was asked for."""
    floor = SETTINGS_PRIORITIES["cmdline"]
    return {name: mask_setting(name, value) for name, value in settings.items()
            if (settings.getpriority(name) or 0) >= floor and name != "CRAWLER_RUN_ID"}


# -- runs whose process is gone, and runs completed by a replay --------------------------------
def _pending_dir():
    return spill.spill_dir() / "runs"


def save_pending_end(run_id: str, fields: dict) -> str | None:
    """Write a run's final fields next to the spills (fsynced); the path, or None."""
    directory = _pending_dir()
    path = directory / f"{run_id}.json"
    data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items()}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        return None
    return str(path)


def apply_pending_ends(store) -> int:
    """Complete the records whose end could not be written (the database was away)."""
    directory = _pending_dir()
    if not directory.is_dir():
        return 0
    done = 0
    for path in sorted(directory.glob("*.json")):
        try:
            fields = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(fields.get("finished_at"), str):
            fields["finished_at"] = datetime.fromisoformat(fields["finished_at"])
        store.runs.update_one({"_id": path.stem, "finished_at": None}, {"$set": fields})
        path.unlink(missing_ok=True)
        done += 1
    return done


def record_replay(store, report, files_left: bool) -> None:
    """After a replay: complete pending run ends, then note on each run what was stored for
    it later (`replay`: when, how many items, whether nothing of it is left on disk)."""
    apply_pending_ends(store)
    now = datetime.now(UTC)
    for run_id, stored in report.runs.items():
        update: dict = {"$set": {"replay.at": now, "replay.complete": not files_left},
                        "$inc": {"replay.stored": stored}}
        if not files_left:
            update["$set"]["counts.unstored"] = 0
        store.runs.update_one({"_id": run_id}, update)


def _process_is_a_crawl(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            raw = fh.read()
    except OSError:
        return False
    text = raw.replace(b"\0", b" ").decode(errors="replace")
    return "crawl" in text or "scrapy" in text or "pytest" in text


def mark_dead_runs(store) -> int:
    """Mark failed every `running` run of this host whose process is gone (killed by
    `timeout -k`, the OOM killer, a reboot): with the reason and the counts that exist (pages
    it stored). Runs of other hosts cannot be checked from here and are left as they are."""
    host = socket.gethostname()
    marked = 0
    for run in store.runs.find({"status": "running", "host": host, "pid": {"$exists": True}},
                               {"pid": 1, "started_at": 1}):
        pid = run.get("pid")
        if not isinstance(pid, int) or pid == os.getpid() or _process_is_a_crawl(pid):
            continue
        pages = store.pages.count_documents({"run_id": run["_id"]})
        result = store.runs.update_one(
            {"_id": run["_id"], "status": "running"},
            {"$set": {"status": "failed", "finished_at": datetime.now(UTC),
                      "finish_reason": "process_gone",
                      "error": f"the crawl process (pid {pid} on {host}) is gone: killed or "
                               "crashed before it recorded its end",
                      "counts.pages_stored": pages}})
        marked += result.modified_count
    return marked
