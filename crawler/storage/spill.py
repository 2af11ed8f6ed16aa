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
from collections.abc import Sequence
from dataclasses import dataclass, fields
from dataclasses import field as dc_field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson

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


def _encode(item: Article | Teaser | PageSnapshot) -> bytes:
    """One journal line, newline included. orjson writes the item's fields straight from the
    dataclass, times as ISO 8601 (what the decoder's fromisoformat reads), in a tenth of the
    standard library's time: the journal runs on the reactor thread, once per item. What
    orjson refuses (an integer beyond 64 bits, a string with a lone surrogate) takes the
    standard library's path, so nothing accepted fails to be journaled."""
    try:
        return orjson.dumps({"kind": _KIND_OF[type(item)], "item": item}, default=str,
                            option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (_encode_text(item) + "\n").encode("ascii")


def _encode_text(item: Article | Teaser | PageSnapshot) -> str:
    cls = type(item)
    # A shallow dict, not dataclasses.asdict: items hold no nested dataclasses.
    data: dict[str, Any] = {name: getattr(item, name) for name in _FIELD_NAMES[cls]}
    for key in _TIME_FIELDS & data.keys():
        if isinstance(data[key], datetime):
            data[key] = data[key].isoformat()
    # ASCII escapes: a lone surrogate is written as one, and read back as it was.
    return json.dumps({"kind": _KIND_OF[cls], "item": data}, default=str)


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
    data = b"".join(_encode(i) for i in items)
    with _open_locked_for_append(path) as fh:
        fd = fh.fileno()
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):  # no torn line left behind
                os.ftruncate(fd, start)
            raise
    return path


class JournalBatch:
    """One batch's journal file, locked by this process until it is committed or spilled.

    Items the disk refused (no space, no permission) are `held` in memory instead: they are not
    durable, and the writer keeps them until the database takes them or says they are lost."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._size = 0  # bytes in the file: only this process appends to it (it holds the lock)
        self.count = 0
        self.held: list = []

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._size = os.fstat(fd).st_size
            except OSError:
                os.close(fd)
                raise
            self._fd = fd
        return self._fd

    def append(self, item: Article | Teaser | PageSnapshot) -> None:
        self.append_many((item,))

    def append_many(self, items: Sequence[Article | Teaser | PageSnapshot]) -> None:
        """Write one line per item in one write (into the kernel: survives the process being
        killed), so a page's items are in the journal together or not at all. Raises OSError
        when the disk refuses them; partly written lines are cut off again, so the file never
        holds a torn line that is not a crash's."""
        fd = self._open()
        data = b"".join(_encode(item) for item in items)
        try:
            written = os.write(fd, data)
            if written < len(data):
                view = memoryview(data)[written:]
                while view:
                    view = view[os.write(fd, view):]
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._size)
            raise
        self._size += len(data)
        self.count += len(items)

    def sync(self) -> None:
        """On the disk, not only in the kernel: done once per batch, before it is written."""
        if self._fd is not None:
            os.fsync(self._fd)

    def commit(self) -> None:
        """The batch is in the database: forget it."""
        if self._fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        self.held = []
        self._close()

    def to_spill(self) -> Path | None:
        """The database refused the batch: make its file durable and hand it to replay (None
        when no line reached the file). Held items are the caller's to keep."""
        if self._fd is None:
            return None
        if not self.count:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self._close()
            return None
        os.fsync(self._fd)
        target = spill_dir() / self.path.name
        os.replace(self.path, target)
        _fsync_dir(target.parent)
        self._close()
        return target

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None


class Journal:
    """The write-ahead journal of one run: a new file per batch. Once the disk refused a line
    (`failure`), later items are held in memory without trying it again: the crawl is stopping."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        # Workers of one distributed run share its run id: each journal gets its own prefix.
        self.prefix = f"{run_id}-{uuid.uuid4().hex[:8]}"
        self.seq = 0
        self.current: JournalBatch | None = None
        self.failure: OSError | None = None

    def append(self, item: Article | Teaser | PageSnapshot) -> bool:
        """True when the item is in the journal; False when it is only held in memory."""
        return self.append_many((item,))

    def append_many(self, items: Sequence[Article | Teaser | PageSnapshot]) -> bool:
        """True when all the items are in the journal; False when they are only held in
        memory (all of them: a page is accepted whole)."""
        if self.current is None:
            self.seq += 1
            self.current = JournalBatch(journal_dir() / f"{self.prefix}-{self.seq:06d}.jsonl")
        if self.failure is None:
            try:
                self.current.append_many(items)
                return True
            except OSError as exc:
                self.failure = exc
        self.current.held.extend(items)
        return False

    def seal(self) -> JournalBatch | None:
        """The items appended since the last seal, as one batch; the next append starts a new
        file."""
        batch, self.current = self.current, None
        return batch


def free_bytes(directory: Path) -> int | None:
    """Free space for this user in `directory` (or its nearest existing parent)."""
    for candidate in (directory, *directory.parents):
        try:
            st = os.statvfs(candidate)
        except OSError:
            continue
        return st.f_bavail * st.f_frsize
    return None


def data_dir_problem(min_free_bytes: int = 0) -> str | None:
    """None when the journal directory can be written (a line written, fsynced and removed)
    and has `min_free_bytes` free; otherwise one line naming the directory and what it needs."""
    directory = journal_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".probe-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, b"{}\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                probe.unlink()
    except OSError as exc:
        return (f"the data directory {directory} cannot be written ({exc.strerror}): crash-safe "
                f"storage needs it writable with at least {_mb(min_free_bytes)} free "
                "(CRAWLER_DATA_DIR, STORE_MIN_FREE_MB)")
    free = free_bytes(directory)
    if free is not None and free < min_free_bytes:
        return (f"the data directory {directory} has {_mb(free)} free; crash-safe storage needs "
                f"at least {_mb(min_free_bytes)} (STORE_MIN_FREE_MB): free some space or set "
                "CRAWLER_DATA_DIR elsewhere")
    return None


def _mb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1_048_576:.1f} MB"


def describe_disk_error(exc: OSError, directory: Path, min_free_bytes: int) -> str:
    """One line for a journal the disk refused: what, where, how much room it needs."""
    free = free_bytes(directory)
    return (f"cannot write the journal in {directory} ({exc.strerror or exc}; {_mb(free)} free): "
            f"free at least {_mb(max(min_free_bytes, 1_048_576))} there (STORE_MIN_FREE_MB) or "
            "make it writable")


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
    return read_counted(path)[0]


def read_counted(path: Path) -> tuple[list, int]:
    """(items, unreadable lines) of one spill file."""
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
        log.warning("%s: %d unreadable line(s) skipped (a crash while writing it?)", path, bad)
    return items, bad


@dataclass
class ReplayReport:
    """What one replay did: items stored, lines that could not be read, files left."""

    stored: int = 0
    unreadable: int = 0
    files_done: int = 0
    runs: dict = dc_field(default_factory=dict)  # run id -> items of that run stored


def replay(store, batch_size: int = 500) -> int:
    """Send every pending spill to `store` (see replay_report); the number of items stored."""
    return replay_report(store, batch_size).stored


def replay_report(store, batch_size: int = 500) -> ReplayReport:
    """Send every pending spill to `store`; files are removed once their items are written.

    Small spill files (one per batch) are gathered into writes of about `batch_size` items, as
    one bulk write costs much less than many small ones. Raises the store's error when the
    database goes away again; what was not yet removed stays for the next try (the report
    passed in `partial` of the exception holds what was stored before). A file another
    replayer holds is left to it."""
    report = ReplayReport()
    try:
        with contextlib.ExitStack() as held:
            group: list[tuple[Path, int]] = []
            items: list = []
            for path in pending():
                fh = _lock_for_replay(path)
                if fh is None:
                    continue
                held.enter_context(fh)
                got, bad = read_counted(path)
                group.append((path, len(got)))
                items.extend(got)
                report.unreadable += bad
                if len(items) >= batch_size:
                    _store_into(report, store, group, items, batch_size)
                    group, items = [], []
            if group:
                _store_into(report, store, group, items, batch_size)
    except Exception as exc:
        exc.partial = report  # type: ignore[attr-defined]
        raise
    return report


def _store_into(report: ReplayReport, store, group: list[Path], items: list,
                batch_size: int) -> None:
    """Store one group of files and count what each run got back."""
    per_file = [(run_of(p), n) for p, n in group]
    report.stored += _store_group(store, [p for p, _ in group], items, batch_size)
    report.files_done += len(group)
    for run, n in per_file:
        report.runs[run] = report.runs.get(run, 0) + n


def run_of(path: Path) -> str:
    """The run id a spill or journal file belongs to (its name starts with it)."""
    return path.name.split("-", 1)[0].removesuffix(".jsonl")


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
