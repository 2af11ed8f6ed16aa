"""Scrapy's JOBDIR, made safe against a crawler that is killed.

JOBDIR lets a crawl pause and resume: the duplicate filter appends every request it sees to
``requests.seen``, and the scheduler's disk queues record what is left. But the queues' read
positions (``requests.queue/active.json``, queuelib's ``info.json``) are written only when the
crawl closes cleanly. After SIGKILL, ``requests.seen`` says the pending pages were seen while the
queue that held them is gone, so a resumed crawl would skip them: pages lost.

This extension keeps a marker file in JOBDIR while a crawl runs:

* at start, a marker left behind means the last crawl with this JOBDIR died; its scheduler state
  cannot be trusted, so it is removed (with a warning) and the crawl starts again from its start
  URLs. Nothing is stored twice: the store's writes are idempotent upserts, and items the dead
  crawl had accepted are replayed from its journal (crawler.storage.spill);
* a crawl that closes cleanly removes the marker. If it finished, the whole job state goes too,
  so the next scheduled run of the same spider starts fresh; if it was stopped (Ctrl-C, SIGTERM,
  CLOSESPIDER_*), the state stays and the next run resumes where it stopped.

With CRAWLER_RESUMABLE true and no JOBDIR given, JOBDIR is <data dir>/jobs/<spider name>.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals

from crawler import config

log = logging.getLogger(__name__)

MARKER = "crawl.running"
# Files and folders Scrapy keeps in JOBDIR for the scheduler and the duplicate filter.
SCHEDULER_STATE = ("requests.seen", "requests.queue")


class CrashSafeJobdir:
    def __init__(self, crawler, jobdir: Path):
        self.crawler = crawler
        self.jobdir = jobdir

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        jobdir = settings.get("JOBDIR")
        if not jobdir and settings.getbool("CRAWLER_RESUMABLE"):
            name = getattr(crawler.spidercls, "name", None) or "spider"
            jobdir = str(config.data_dir() / "jobs" / name)
            settings.set("JOBDIR", jobdir, priority="spider")  # not frozen yet
        ext = cls(crawler, Path(jobdir) if jobdir else None)
        if ext.jobdir is not None:
            ext.prepare()
            crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def prepare(self) -> None:
        self.jobdir.mkdir(parents=True, exist_ok=True)
        marker = self.jobdir / MARKER
        if marker.exists():
            log.warning(
                "the last crawl with JOBDIR %s did not close (killed or crashed): its queue "
                "cannot be trusted after a kill, so it is discarded and this crawl starts from "
                "its start URLs; stored items are not duplicated", self.jobdir,
            )
            self.crawler.stats.set_value("jobdir/discarded_after_crash", 1)
            clear_scheduler_state(self.jobdir)
        elif (self.jobdir / "requests.seen").exists():
            log.info("resuming the crawl paused in JOBDIR %s", self.jobdir)
            self.crawler.stats.set_value("jobdir/resumed", 1)
        marker.write_text(str(os.getpid()))

    def spider_closed(self, spider, reason: str) -> None:
        if reason == "finished":
            clear_scheduler_state(self.jobdir)
        (self.jobdir / MARKER).unlink(missing_ok=True)


def clear_scheduler_state(jobdir: Path) -> None:
    for name in SCHEDULER_STATE:
        path = jobdir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
