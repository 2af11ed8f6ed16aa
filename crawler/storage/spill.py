"""Items the database has not taken yet, kept on disk until it does.

Two kinds of file live under <data dir>/spill/, one JSON line per item:

* ``journal/<run>-<writer>-<batch>.jsonl``: the write-ahead journal. Every item the store pipeline
  accepts is appended (and flushed to the kernel) before it is buffered, so a crawler killed
  with SIGKILL loses nothing it had accepted. The running process holds an exclusive lock on
  its open journal files; when a batch reaches the database its file is deleted.
* ``<run>-<writer>-<batch>.jsonl`` (and ``<run>.jsonl`` from :func:`write`): spills. A batch the
  database refused is fsynced and moved here from the journal, whole.

:func:`replay` sends every spill, and every journal whose owner is gone (its lock is free), to
the database. Writes are idempotent upserts and page snapshots have deterministic ids, so a
batch replayed twice (a crash between the write and the delete, two replayers at once) changes
nothing. A spill is never appended to after it is written, and a replayer locks a file before it
reads it, so nothing written is deleted unread.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import uuid
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from crawler import config
from crawler.items import Article, PageSnapshot, Teaser

log = logging.getLogger(__name__)

KINDS: dict[str, type] = {"article": Article, "teaser": Teaser, "page": PageSnapshot}
_TIME_FIELDS = {"seen_at", "published_at", "fetched_at"}


def spill_dir() -> Path:
    return config.data_dir() / "spill"


def journal_dir() -> Path:
    return spill_dir() / "journal"


_KIND_OF = {cls: kind for kind, cls in KINDS.items()}
_FIELD_NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in _KIND_OF}


def _encode(item: Article | Teaser | PageSnapshot) -> str:
    cls = type(item)
    # A shallow dict, not dataclasses.asdict: items hold no nested dataclasses, and asdict's
    # deep copy was most of the journal's cost (3 s of 4.3 s per 18,000 items).
    data: dict[str, Any] = {name: getattr(item, name) for name in _FIELD_NAMES[cls]}
    for key in _TIME_FIELDS & data.keys():
        if isinstance(data[key], datetime):
            data[key] = data[key].isoformat()
    return json.dumps({"kind": _KIND_OF[cls], "item": data}, ensure_ascii=False, default=str)


def _decode(line: str) -> Article | Teaser | PageSnapshot:
    raw = json.loads(line)
    cls = KINDS[raw["kind"]]
    data = raw["item"]
    names = {f.name for f in fields(cls)}
    data = {k: v for k, v in data.items() if k in names}
    for key in _TIME_FIELDS & data.keys():
        if data[key]:
            data[key] = datetime.fromisoformat(data[key])
    return cls(**data)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _open_locked_for_append(path: Path) -> IO[str]:
    """An append handle on `path` under an exclusive lock, re-opened if a replayer removed the
    file between our open and our lock (appending to a deleted file would lose the lines)."""
    while True:
        fh = open(path, "a", encoding="utf-8")
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            if os.fstat(fh.fileno()).st_ino == os.stat(path).st_ino:
                return fh
        except FileNotFoundError:
            pass
        fh.close()


def write(items: list, run_id: str) -> Path:
    """Append `items` to this run's spill, fsynced before returning."""
    directory = spill_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{run_id}.jsonl"
    with _open_locked_for_append(path) as fh:
        fh.write("".join(_encode(i) + "\n" for i in items))
        fh.flush()
        os.fsync(fh.fileno())
    return path


class JournalBatch:
    """One batch's journal file, locked by this process until it is committed or spilled."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[str] | None = open(path, "a", encoding="utf-8")
        fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.count = 0

    def append(self, item: Article | Teaser | PageSnapshot) -> None:
        assert self._fh is not None
        self._fh.write(_encode(item) + "\n")
        self._fh.flush()  # in the kernel: survives the process being killed
        self.count += 1

    def sync(self) -> None:
        """On the disk, not only in the kernel: done once per batch, before it is written."""
        if self._fh is not None:
            os.fsync(self._fh.fileno())

    def commit(self) -> None:
        """The batch is in the database: forget it."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._close()

    def to_spill(self) -> Path:
        """The database refused the batch: make it durable and hand it to replay."""
        assert self._fh is not None
        os.fsync(self._fh.fileno())
        target = spill_dir() / self.path.name
        os.replace(self.path, target)
        _fsync_dir(target.parent)
        self._close()
        return target

    def _close(self) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the lock
            self._fh = None


class Journal:
    """The write-ahead journal of one run: a new file per batch."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        # Workers of one distributed run share its run id: each journal gets its own prefix.
        self.prefix = f"{run_id}-{uuid.uuid4().hex[:8]}"
        self.seq = 0
        self.current: JournalBatch | None = None

    def append(self, item: Article | Teaser | PageSnapshot) -> None:
        if self.current is None:
            self.seq += 1
            self.current = JournalBatch(journal_dir() / f"{self.prefix}-{self.seq:06d}.jsonl")
        self.current.append(item)

    def seal(self) -> JournalBatch | None:
        """The items appended since the last seal, as one batch; the next append starts a new
        file."""
        batch, self.current = self.current, None
        return batch


def _adopt_orphans() -> int:
    """Move journals whose process is gone (their lock is free) into the spill directory."""
    directory = journal_dir()
    if not directory.exists():
        return 0
    adopted = 0
    for path in sorted(directory.glob("*.jsonl")):
        try:
            fh = open(path, "a", encoding="utf-8")
        except OSError:
            continue
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its crawler is still running
            with contextlib.suppress(FileNotFoundError):
                os.replace(path, spill_dir() / path.name)
                adopted += 1
    if adopted:
        log.warning("found %d journal file(s) of crawls that were killed; replaying them", adopted)
    return adopted


def pending() -> list[Path]:
    """Spill files waiting for the database (journals of dead crawls included)."""
    _adopt_orphans()
    directory = spill_dir()
    return sorted(directory.glob("*.jsonl")) if directory.exists() else []


def read(path: Path) -> list:
    """Items of one spill file; a torn last line (a crash mid-write) is skipped and said."""
    items = []
    bad = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                bad += 1
                break
            try:
                items.append(_decode(line))
            except (ValueError, KeyError, TypeError):
                bad += 1
    if bad:
        log.warning("%s: %d unreadable line(s) skipped (torn by a crash?)", path, bad)
    return items


def replay(store, batch_size: int = 500) -> int:
    """Send every pending spill to `store`; files are removed once their items are written.

    Small spill files (one per batch) are gathered into writes of about `batch_size` items, as
    one bulk write costs much less than many small ones. Raises the store's error when the
    database goes away again; what was not yet removed stays for the next try. A file another
    replayer holds is left to it."""
    total = 0
    with contextlib.ExitStack() as held:
        group: list[Path] = []
        items: list = []
        for path in pending():
            fh = _lock_for_replay(path)
            if fh is None:
                continue
            held.enter_context(fh)
            group.append(path)
            items.extend(read(path))
            if len(items) >= batch_size:
                total += _store_group(store, group, items, batch_size)
                group, items = [], []
        if group:
            total += _store_group(store, group, items, batch_size)
    return total


def _lock_for_replay(path: Path) -> IO[str] | None:
    """The file opened and exclusively locked, or None if another process holds it or it is
    gone."""
    try:
        fh = open(path, "a", encoding="utf-8")
    except OSError:
        return None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    if not path.exists() or os.fstat(fh.fileno()).st_ino != os.stat(path).st_ino:
        fh.close()  # another replayer finished it
        return None
    return fh


def _store_group(store, paths: list[Path], items: list, batch_size: int) -> int:
    sightings = [i for i in items if isinstance(i, Article | Teaser)]
    pages = [i for i in items if isinstance(i, PageSnapshot)]
    for start in range(0, len(sightings), batch_size):
        store.write_sightings(sightings[start : start + batch_size])
    store.insert_pages(pages)
    for path in paths:
        path.unlink(missing_ok=True)
    return len(items)
