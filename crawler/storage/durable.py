"""Store writes that survive a database outage and a killed crawler.

The store pipeline hands every accepted item to :meth:`DurableWriter.accept` (it goes to the
write-ahead journal, crawler.storage.spill.Journal) and every batch to :meth:`DurableWriter.write`:

* the database takes the batch: its journal file is deleted;
* the database is away: the batch's journal file becomes a spill (fsynced, whole), the outage is
  noted, and for STORE_RETRY_INTERVAL seconds later batches are spilled at once instead of each
  waiting for the driver's server-selection timeout, so the crawl is never held up for long;
* every STORE_RETRY_INTERVAL seconds a ping bounded by STORE_PROBE_TIMEOUT, in a background
  thread so no batch waits for it, asks whether the database is back; once it answered, the
  next batch first replays every pending spill (idempotent upserts, page snapshots with
  deterministic ids), then is written.

So an outage in the middle of a run costs nothing when the database returns before the run ends;
otherwise the next run (or ``crawler db replay``) replays what is left.

When the disk refuses the journal (no space, no permission), an item is no longer crash-safe:
:meth:`accept` says so (the pipeline stops the crawl), and such items are held in memory until
the database takes them. At close the writer waits up to STORE_CLOSE_WAIT seconds for an absent
database before it gives up on them; whatever is then neither stored nor on disk is counted
(``store/lost``) and said in one line, never reported as kept.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import pymongo
from pymongo.errors import PyMongoError

from crawler.items import Article, PageSnapshot, Teaser
from crawler.redact import public_name
from crawler.storage import spill

log = logging.getLogger(__name__)


class DurableWriter:
    """Journal, spill and replay around one Store, for one run. `write` runs in worker
    threads (serialised by the caller); `accept` and `seal` on the reactor thread."""

    def __init__(self, store, stats, run_id: str, retry_interval: float = 2.0,
                 probe_timeout: float = 1.0, journal: bool = True, close_wait: float = 30.0):
        self.store = store
        self.stats = stats
        self.run_id = run_id
        self.retry_interval = retry_interval
        self.probe_timeout = probe_timeout
        self.journal = spill.Journal(run_id) if journal else None
        self.down = False
        self.back = threading.Event()  # set by a probe that reached the database
        self.next_probe = 0.0
        self._probing: threading.Thread | None = None
        self.pending = bool(spill.pending())
        self._lock = threading.Lock()
        self.close_wait = close_wait
        self.memory: list = []  # items neither in the database nor on disk (the disk refused)

    # -- reactor thread ----------------------------------------------------------------------
    def accept(self, item: Article | Teaser | PageSnapshot) -> bool:
        """Journal an accepted item before it is buffered. False when the disk refused it: the
        item is held in memory only, and the caller must stop accepting more."""
        return self.accept_many((item,))

    def accept_many(self, items: Sequence[Article | Teaser | PageSnapshot]) -> bool:
        """Journal a page's items together (one write), so a killed crawl leaves all of them
        or none; False as for accept."""
        if self.journal is None or self.journal.append_many(items):
            return True
        self.stats.inc_value("store/unjournaled")
        return False

    @property
    def disk_failure(self) -> OSError | None:
        return self.journal.failure if self.journal is not None else None

    def seal(self) -> spill.JournalBatch | None:
        return self.journal.seal() if self.journal is not None else None

    # -- worker thread -----------------------------------------------------------------------
    def write(self, sightings: list, pages: list, journal: list[spill.JournalBatch]) -> None:
        """Write one batch; `journal` = the journal files holding its items (several when the
        pipeline merged batches that waited for the database)."""
        with self._lock:
            self._write(sightings, pages, journal)

    def _write(self, sightings: list, pages: list, journal: list[spill.JournalBatch]) -> None:
        for batch in journal:
            try:
                batch.sync()
            except OSError:
                pass  # the database may still take the batch; a spill says what was kept
        if self.down and not self.back.is_set():
            self._probe_later()
            self._spill(sightings, pages, journal, reason="database still away")
            return
        try:
            if self.down or self.pending:
                if not self.down:
                    self._probe()
                self._replay()
            counts = self.store.write_sightings(sightings)
            self.store.insert_pages(pages)
            if self.memory:
                self._write_memory()
        except PyMongoError as exc:
            self._went_away(exc)
            self._spill(sightings, pages, journal, reason=public_name(exc))
            return
        for batch in journal:
            batch.commit()
        self.stats.inc_value("store/new", counts.new)
        self.stats.inc_value("store/updated", counts.updated)
        self.stats.inc_value("store/unchanged", counts.unchanged)
        self.stats.inc_value("store/pages", len(pages))

    def finish(self) -> None:
        """At close: one last replay if spills wait and the database answers; then record how
        many of this run's items are still only on disk (the run is partial if any are)."""
        with self._lock:
            if self.pending:
                try:
                    self._probe()
                    self._replay()
                except PyMongoError as exc:
                    self._went_away(exc)
            if self.memory:
                self._keep_memory_at_close()
            mine = self.journal.prefix if self.journal is not None else self.run_id
            left = sum(len(spill.read(p)) for p in spill.pending() if p.name.startswith(mine))
            self.stats.set_value("store/unstored", left + len(self.memory))
            if self.memory:
                self.stats.set_value("store/lost", len(self.memory))
                self.stats.set_value("store/errors", left + len(self.memory))
                log.error(
                    "%d items were lost: the disk refused them (%s) and the database did not "
                    "answer within STORE_CLOSE_WAIT=%.0fs; their pages are fetched again next run",
                    len(self.memory), self._disk_reason(), self.close_wait)
                if left:
                    log.error("%d other items of this run are kept in %s; `crawler db replay` "
                              "stores them", left, spill.spill_dir())
            elif left:
                self.stats.set_value("store/errors", left)
                log.error(
                    "%d items of this run are kept in %s: the database did not come back before "
                    "the run ended; the next run or `crawler db replay` stores them",
                    left, spill.spill_dir(),
                )
            else:
                # Items spilled during an outage were all stored again: nothing is missing.
                self.stats.set_value("store/errors", 0)

    # -- items the disk refused -----------------------------------------------------------------
    def _write_memory(self) -> None:
        items, self.memory = self.memory, []
        try:
            self.store.write_sightings([i for i in items if isinstance(i, Article | Teaser)])
            self.store.insert_pages([i for i in items if isinstance(i, PageSnapshot)])
        except PyMongoError:
            self.memory = items + self.memory
            raise
        self.stats.inc_value("store/from_memory", len(items))

    def _keep_memory_at_close(self) -> None:
        """The database gets STORE_CLOSE_WAIT seconds to take the held items; else the disk
        gets one more try (space may have been freed)."""
        deadline = time.monotonic() + self.close_wait
        log.warning("%d items are held in memory only (%s): waiting up to %.0fs for the "
                    "database", len(self.memory), self._disk_reason(), self.close_wait)
        while self.memory:
            try:
                self._probe()
                if self.pending:
                    self._replay()
                self._write_memory()
                return
            except PyMongoError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(min(self.retry_interval, max(0.0, deadline - time.monotonic())))
        try:
            spill.write(self.memory, self.run_id)
        except OSError:
            return
        self.stats.inc_value("store/spilled", len(self.memory))
        self.memory = []

    def _disk_reason(self) -> str:
        failure = self.disk_failure
        return f"{failure.strerror or failure} in {spill.journal_dir()}" if failure else "disk"

    # -- helpers -----------------------------------------------------------------------------
    def _probe(self) -> None:
        with pymongo.timeout(self.probe_timeout):
            self.store.client.admin.command("ping")

    def _probe_later(self) -> None:
        """Ask in the background, at most every retry interval, whether the database is back."""
        if time.monotonic() < self.next_probe or (self._probing and self._probing.is_alive()):
            return
        self.next_probe = time.monotonic() + self.retry_interval

        def probe() -> None:
            try:
                self._probe()
            except PyMongoError:
                return
            self.back.set()

        self._probing = threading.Thread(target=probe, name="store-probe", daemon=True)
        self._probing.start()

    def _replay(self) -> None:
        replayed = spill.replay(self.store)
        self.pending = False
        self.back.clear()
        if self.down:
            log.warning("database is back: replayed %d spilled items", replayed)
            self.down = False
        elif replayed:
            log.info("replayed %d spilled items", replayed)
        if replayed:
            self.stats.inc_value("store/replayed", replayed)

    def _went_away(self, exc: Exception) -> None:
        if not self.down:
            self.stats.inc_value("store/outages")
            log.error("database unreachable (%s): spilling batches to %s and retrying every %.1fs",
                      public_name(exc), spill.spill_dir(), self.retry_interval)
        self.down = True
        self.pending = True
        self.back.clear()
        self.next_probe = time.monotonic() + self.retry_interval

    def _spill(self, sightings: list, pages: list, journal: list[spill.JournalBatch],
               reason: str) -> None:
        items = sightings + pages
        if not items:
            return
        if journal:
            held = [i for batch in journal for i in batch.held]
            paths = [p for p in (batch.to_spill() for batch in journal) if p is not None]
        else:
            held, paths = items, []
        in_memory = 0
        if held:
            try:
                paths.append(spill.write(held, self.run_id))
            except OSError:
                self.memory.extend(held)  # neither stored nor on disk: retried, or counted lost
                in_memory = len(held)
        kept = len(items) - in_memory
        self.pending = True
        self.stats.inc_value("store/spilled", kept)
        self.stats.inc_value("store/errors")
        if paths:
            path = paths[0] if len(paths) == 1 else f"{len(paths)} files in {paths[0].parent}"
            log.warning("%s: %d items kept in %s for replay", reason, kept, path)
        if in_memory:
            log.warning("%s: %d items held in memory only (%s)", reason, in_memory,
                        self._disk_reason())
