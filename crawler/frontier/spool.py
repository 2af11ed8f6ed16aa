"""Private, self-cleaning folders for a crawl's pending requests.

A crawl without JOBDIR still writes its frontier to disk (crawler.frontier.scheduler), into a
folder of its own under <data dir>/frontier. The folder is removed when the crawl closes; one
left by a crawl that was killed is removed by the next crawl that starts. A folder's owner holds
an exclusive lock (flock) on a file inside it for as long as it runs, so a folder is stale
exactly when that lock can be taken: the kernel drops a dead process's locks, and unlike a pid
this stays true across containers sharing the data directory and after a reboot.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = "owner.lock"
GRACE = 60.0


class Spool:
    """A folder owned by this process until close()."""

    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
        self._lock = os.open(self.path / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def close(self) -> None:
        """Remove the folder and what is in it (the crawl is over: nothing in it is wanted)."""
        if self._lock < 0:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._lock)
        self._lock = -1


def sweep(root: Path) -> list[Path]:
    """Remove the folders under `root` whose owner is gone; the folders removed."""
    removed: list[Path] = []
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except FileNotFoundError:
        return removed
    for folder in folders:
        if _owned(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _owned(folder: Path) -> bool:
    """Whether a live process may own the folder: its lock is held, or the folder is younger
    than GRACE seconds (a crawl creates the folder, then its lock file, then locks it: a sweep
    in between must not take the folder away)."""
    try:
        if folder.stat().st_mtime > time.time() - GRACE:
            return True
        fd = os.open(folder / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the lock taken to test it
    return False
