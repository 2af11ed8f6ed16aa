"""Scrapy's scheduler with the pending requests on disk even when there is no JOBDIR.

On an aggregator every page links to many pages not fetched yet, so the frontier grows with the
site, and a Request waiting in Scrapy's memory queue costs kilobytes (its headers and meta, the
fingerprint and URL-parse caches keyed by it): the crawl's memory grew with the site's size
rather than staying flat (docs/operations.md has the figures). Scrapy keeps pending requests on
disk only with JOBDIR (pause/resume); this scheduler does the same in a private folder when
JOBDIR is unset (crawler.frontier.spool), removed when the crawl closes. Order and priorities
are Scrapy's own: the same priority queue over SCHEDULER_DISK_QUEUE. The folder is private to
its user (mode 0700): a retried request carries the headers it was sent with, proxy
credentials included, as in JOBDIR.

A request that cannot be serialised (a callback that is not a spider method) waits in memory,
as with JOBDIR. A write that fails (a full disk) sends it and every later request to memory,
with a warning and the stat scheduler/disk_failed; the queue's writes go straight to the file
(crawler.frontier.queues), so a full disk is met at the push that needs the room, never later
on a pop. No folder at all (an unwritable data directory) leaves the whole frontier in memory,
with a warning. Either way no request is dropped and the crawl goes on. A frontier file that
cannot be read back (an I/O error) is the one loss: one error line counts the requests it held,
as the stat scheduler/disk_lost, and the crawl goes on with the rest. With
CRAWLER_FRONTIER_ON_DISK false, or with JOBDIR, this is Scrapy's scheduler.
"""

from __future__ import annotations

import logging

from scrapy.core.scheduler import Scheduler
from scrapy.http import Request

from crawler import config
from crawler.frontier import spool

log = logging.getLogger(__name__)


class DiskFrontierScheduler(Scheduler):
    _spool: spool.Spool | None = None
    _disk_failed = False
    _disk_lost = False

    def open(self, spider):
        assert self.crawler is not None
        settings = self.crawler.settings
        if self.dqdir is None and settings.getbool("CRAWLER_FRONTIER_ON_DISK", True):
            root = config.data_dir() / "frontier"
            try:
                for folder in spool.sweep(root):
                    log.info("removed the frontier folder of a crawl that did not close: %s",
                             folder)
                self._spool = spool.Spool(root)
            except OSError as exc:
                log.warning("pending requests wait in memory: no frontier folder under %s (%s)",
                            root, exc)
            else:
                self.dqdir = str(self._spool.path)
        return super().open(spider)

    def close(self, reason: str):
        if self._spool is None:
            return super().close(reason)
        # A private folder is removed next, so there is no state to save for a resume; a disk
        # full at close must not stop the crawl from closing.
        try:
            if self.dqs is not None:
                self.dqs.close()
        except OSError as exc:
            log.warning("could not close the frontier on disk (%s); its folder is removed", exc)
        finally:
            self._spool.close()
            self._spool = None
            self.dqdir = None
        return self.df.close(reason)

    def __len__(self) -> int:
        if self._disk_lost or self.dqs is None:
            return len(self.mqs)
        return len(self.dqs) + len(self.mqs)

    def _dqpush(self, request: Request) -> bool:
        """After a failed write the disk queues get nothing more: a record cut short could
        spoil what follows it, and the disk is likely full anyway."""
        if self._disk_failed:
            return False
        try:
            return super()._dqpush(request)
        except OSError as exc:
            log.warning("could not write a pending request to the frontier on disk (%s): "
                        "from now on pending requests wait in memory", exc)
            self._disk_failed = True
            assert self.stats is not None
            self.stats.set_value("scheduler/disk_failed", 1)
            return False

    def _dqpop(self) -> Request | None:
        if self._disk_lost:
            return None
        try:
            return super()._dqpop()
        except OSError as exc:
            self._disk_lost = True
            lost = len(self.dqs) if self.dqs is not None else 0
            log.error("could not read pending requests back from the frontier on disk (%s): "
                      "%d pending requests there are lost; the crawl goes on with the rest",
                      exc, lost)
            assert self.stats is not None
            self.stats.set_value("scheduler/disk_lost", lost)
            return None
