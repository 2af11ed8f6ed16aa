"""Extraction beside the reactor: pages are read in worker processes while the crawl goes on.

The crawl's Scrapy engine, pipelines and store all share one Python thread; reading a page
(crawler.extract, pure CPU) in that thread stops everything else for as long as it takes, so
a crawl is bounded by one core however many the machine has. Here the extraction of each page
runs in a small pool of processes (CRAWLER_EXTRACT_PROCESSES; 0 reads pages in the reactor
thread as before) and the reactor awaits the result, fetching and storing meanwhile.

A worker that dies (killed, out of memory, a crash in a C library) takes the pages it held
with it: a new pool reads the pages to come, and each of those pages is tried once more on its
own in a pool of one; a page that kills that worker too fails with ExtractionWorkerDied, which
the spider reports as that page's failure, and the crawl goes on.

A worker is also replaced, on purpose, after it has read CRAWLER_EXTRACT_RECYCLE_AFTER pages:
parsing leaves memory behind that no bound in this project reaches (lxml's and libxml2's global
dictionaries, trafilatura's and our own memo caches filling with a site's URLs and texts, and
glibc heap fragments from a page's HTML and result crossing the pipe), so a worker that lived
for the whole crawl grew with it. The old worker finishes the pages it holds and exits, then a
fresh one starts from what the imports cost (pages wait for it meanwhile, a fraction of a
second: never two workers' memory at once); no page is read twice or lost. (Not
ProcessPoolExecutor's max_tasks_per_child: on Python 3.11-3.13 a pool that replaces a worker
that way can stop scheduling and hang.)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from crawler.extract import PageExtraction, extract
from crawler.processes import pid_alive

log = logging.getLogger(__name__)

# "auto": one process per core beyond the reactor's own, at most this many (the reactor thread
# feeds only so many before it is the limit again).
MAX_AUTO_PROCESSES = 4


# Pages between two counts of the crawl processes sharing the machine ("auto" only).
RESIZE_EVERY = 200


class ExtractionWorkerDied(RuntimeError):
    """A page whose extraction took down a worker process twice."""


def is_auto(value: Any) -> bool:
    return str(value if value is not None else "auto").strip().lower() in ("", "auto")


def processes_for(value: Any, cores: int | None = None, crawls: int = 1) -> int:
    """The CRAWLER_EXTRACT_PROCESSES setting as a count: "auto" (or empty) is this crawl's
    share of the machine's usable cores (split between the `crawls` crawl processes running
    on it) less its reactor's own core, at most MAX_AUTO_PROCESSES; a number is taken as it is
    (0: extract in the reactor thread). ValueError in words an operator reads."""
    if is_auto(value):
        cores = cores if cores is not None else _usable_cores()
        return max(0, min(cores // max(1, crawls) - 1, MAX_AUTO_PROCESSES))
    text = str(value).strip().lower()
    try:
        count = int(text)
    except ValueError:
        raise ValueError(f"CRAWLER_EXTRACT_PROCESSES must be 'auto' or a whole number >= 0, "
                         f"not {value!r}") from None
    if count < 0:
        raise ValueError(f"CRAWLER_EXTRACT_PROCESSES must be 'auto' or a whole number >= 0, "
                         f"not {value!r}")
    return count


def recycle_after_for(value: Any) -> int:
    """The CRAWLER_EXTRACT_RECYCLE_AFTER setting as pages per worker (0: never replaced);
    ValueError in words an operator reads."""
    text = str(value if value is not None else 0).strip()
    try:
        count = int(text or 0)
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(f"CRAWLER_EXTRACT_RECYCLE_AFTER must be a whole number of pages >= 0 "
                         f"(0: never replace a worker), not {value!r}")
    return count


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # a container's or taskset's share, not the host's
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _worker_start(crawl_pid: int) -> None:
    """Ctrl-C reaches the whole process group: the crawl decides how to stop, not its workers.
    And a worker outlives no crawl: one killed with SIGKILL runs no shutdown code, and its
    workers (children of the forkserver, each holding its own end of the task queue) would
    wait for work forever, keeping the forkserver alive too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(crawl_pid,), daemon=True,
                     name="exit-with-crawl").start()


def _exit_with(crawl_pid: int) -> None:
    try:
        handle = os.pidfd_open(crawl_pid)  # readable once that process has ended
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:  # no pidfd (old kernel): look every second
        while pid_alive(crawl_pid):
            time.sleep(1.0)
    os._exit(0)


def _ready() -> int:
    """A worker's first job when the crawl starts: unpickling it imports this module and with
    it crawler.extract, which is most of a worker's start."""
    return os.getpid()


class ExtractionWorkers:
    """Runs crawler.extract.extract (or any picklable function) in `processes` worker
    processes; with 0 it runs in the calling thread. With `recycle_after` > 0 the workers
    are replaced by fresh ones each time they have read about that many pages each (see the
    module docstring)."""

    def __init__(self, processes: int = 0, recycle_after: int = 0,
                 crawls_here: Callable[[], int] | None = None):
        self.processes = max(0, processes)
        self.recycle_after = max(0, recycle_after)
        # For "auto": how many crawl processes share this machine (the distributed mode knows);
        # asked every RESIZE_EVERY pages, the workers then resized to this crawl's share.
        self.crawls_here = crawls_here
        self._until_resize = 0
        self._pool: ProcessPoolExecutor | None = None
        self._retry_pool: ProcessPoolExecutor | None = None
        self._retry_lock = asyncio.Lock()
        self._sent = 0  # jobs given to the current pool
        # A retired pool finishing its pages (see _retire); the next pool starts after it.
        self._draining: concurrent.futures.Future | None = None
        self.restarts = 0  # pools replaced because a worker died
        self.recycled = 0  # pools replaced because their workers had read recycle_after pages

    @classmethod
    def from_settings(cls, settings, crawls_here: Callable[[], int] | None = None
                      ) -> ExtractionWorkers:
        """`crawls_here` is used only when the setting is "auto"."""
        value = settings.get("CRAWLER_EXTRACT_PROCESSES", "auto")
        return cls(processes_for(value),
                   recycle_after_for(settings.get("CRAWLER_EXTRACT_RECYCLE_AFTER", 0)),
                   crawls_here if is_auto(value) else None)

    def _resize(self) -> None:
        """With several crawl processes on one machine, each takes its share of the cores:
        two crawls on two cores read their pages in their own threads (a worker beside each
        reactor would only time-slice the same cores). The count is asked at the start and
        every RESIZE_EVERY pages, as crawl workers come and go; a pool of another size is
        retired like a recycled one (its pages finish first)."""
        if self.crawls_here is None:
            return
        if self._until_resize > 0:
            self._until_resize -= 1
            return
        self._until_resize = RESIZE_EVERY
        try:
            crawls = self.crawls_here()
        except Exception as exc:  # the count is advice: never fail a page for it
            log.debug("could not count the crawls on this machine: %s", exc)
            return
        wanted = processes_for("auto", crawls=crawls)
        if wanted == self.processes:
            return
        log.info("extraction processes: %d (was %d) for %d crawl processes on this machine",
                 wanted, self.processes, crawls)
        self._retire()
        self.processes = wanted

    def _retire(self) -> None:
        """The current pool takes no more pages: its workers finish the pages they hold, then
        exit, and the next pool's workers start only then (call waits for it). Started at once,
        a new worker would be importing and warming up beside an old one at its largest: two
        workers' memory at each replacement, for the fraction of a second it saves."""
        retired, self._pool = self._pool, None
        if retired is not None:
            done: concurrent.futures.Future = concurrent.futures.Future()

            def drain() -> None:
                try:
                    retired.shutdown(wait=True, cancel_futures=False)
                finally:
                    done.set_result(None)

            # shutdown(wait=True) blocks until the workers exit: not in the reactor thread.
            threading.Thread(target=drain, name="extraction-retire", daemon=True).start()
            self._draining = done

    def _executor(self, processes: int | None = None) -> ProcessPoolExecutor:
        # forkserver: workers start from a clean server process, not a fork of the reactor with
        # its threads and sockets. Nothing is preloaded there: the server does not get the
        # crawl's sys.path, so it could import another copy of the project (an installed one
        # beside the egg Scrapyd runs); each worker imports extraction itself, from the crawl's
        # sys.path, once.
        context = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(processes or self.processes, mp_context=context,
                                   initializer=_worker_start, initargs=(os.getpid(),))

    def warm_up(self) -> None:
        """Start the workers now, while the crawl fetches robots.txt and its first pages, so
        the first page read does not wait for a worker to start and import extraction."""
        self._resize()
        if self.processes == 0:
            return
        if self._pool is None:
            self._pool, self._sent = self._executor(), 0
        for _ in range(self.processes):
            self._pool.submit(_ready)

    async def extract(self, html: str | bytes, **kwargs) -> PageExtraction:
        """crawler.extract.extract(html, **kwargs), in a worker when there are any."""
        return await self.call(extract, html, **kwargs)

    async def call(self, function: Callable, *args, **kwargs):
        self._resize()
        if self.processes == 0:
            return function(*args, **kwargs)
        job = functools.partial(function, *args, **kwargs)
        loop = asyncio.get_running_loop()
        pool = await self._current_pool()
        try:
            return await loop.run_in_executor(pool, job)
        except BrokenProcessPool:
            self._replace(pool)
        # Which of the pages in the dead worker killed it is not known: each is tried again on
        # its own, one at a time, in a pool of one, so only the culprit fails a second time.
        async with self._retry_lock:
            if self._retry_pool is None:
                self._retry_pool = self._executor(1)
            retry = self._retry_pool
            try:
                return await loop.run_in_executor(retry, job)
            except BrokenProcessPool:
                self._retry_pool = None
                self.restarts += 1
                retry.shutdown(wait=False, cancel_futures=True)
                raise ExtractionWorkerDied(
                    "an extraction worker process died twice while reading this page "
                    "(killed, out of memory, or a crash in a C library)") from None

    async def _current_pool(self) -> ProcessPoolExecutor:
        """The pool for the next job: a new one once the current one's workers have read
        recycle_after pages each (the old one retired, see _retire), started when the retired
        one has finished. Nothing awaits between choosing the pool and the caller's submit, so
        the pool chosen is never one retired meanwhile."""
        while True:
            if self._pool is not None and self.recycle_after and \
                    self._sent >= self.recycle_after * self.processes:
                self._retire()
                self.recycled += 1
                log.debug("extraction workers replaced by fresh ones after %d pages each",
                          self.recycle_after)
            draining = self._draining
            if draining is None or draining.done():
                self._draining = None
                break
            await asyncio.wrap_future(draining)
        if self._pool is None:
            self._pool, self._sent = self._executor(), 0
        self._sent += 1
        return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A broken pool is shut down once and a new one started for the pages to come."""
        if self._pool is broken:
            self._pool, self._sent = self._executor(), 0
            self.restarts += 1
            log.warning("an extraction worker process died; its pages are tried again one at "
                        "a time, and a new worker reads the pages to come")
            broken.shutdown(wait=False, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """The pids of the running workers (for memory accounting and tests)."""
        pool = self._pool
        processes = getattr(pool, "_processes", None) or {}
        return [p.pid for p in list(processes.values()) if p.pid]

    def close(self) -> None:
        pools = (self._pool, self._retry_pool)
        self._pool = self._retry_pool = None
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
