"""One lock per job: a file under <data dir>/schedule/locks/, held with flock(2).

The same file is what the crontab lines guard with `flock -n`, so the daemon and cron never run
the same job twice at once, even side by side. The daemon passes the locked descriptor to the
crawl it starts: the lock is held while either lives, so a crawl left behind by a killed daemon
still blocks the next one. The holder writes who it is into the file (pid, run id, start) for
`crawler schedule list`; a lock held by cron's flock shows as held with no details.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

from crawler import config


def locks_dir() -> Path:
    return config.data_dir() / "schedule" / "locks"


def lock_path(job_name: str) -> Path:
    return locks_dir() / f"{job_name}.lock"


class JobLock:
    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self, info: dict, wait: float = 1.0) -> bool:
        """True when locked. Retries briefly: a status probe may hold a shared lock a moment."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.05)
        self.fd = fd
        self.describe(info)
        return True

    def describe(self, info: dict) -> None:
        """Who holds the lock, for `crawler schedule list`."""
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, json.dumps(info).encode(), 0)

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = None


def describe(held: dict | None, running: str = "running") -> str:
    """One phrase for a job's lock as `holder` read it, for `schedule list` and the web page."""
    if held is None:
        return "idle"
    if not held:
        return "held (crontab flock)"
    return f"{running} pid {held.get('pid', '?')} since {str(held.get('started_at', '?'))[:19]}"


def holder(path: Path) -> dict | None:
    """None when the lock is free, else what the holder wrote ({} when it wrote nothing)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = os.pread(fd, 4096, 0)
            try:
                info = json.loads(raw.decode() or "{}")
            except ValueError:
                info = {}
            return info if isinstance(info, dict) else {}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
