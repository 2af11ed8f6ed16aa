"""A run's log lines, for its page.

Scheduled runs append to <data dir>/logs/<job>.log, each run starting with a line
`=== run <id> job <job> started <time>`; that run's section is found there. A manual run's log
went to its terminal unless it was started with -s LOG_FILE=..., in which case that file is
read, but only inside the data directory: a path stored in the database never makes this
application read an arbitrary file. Connection-string passwords are masked in every line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from crawler.redact import mask_uri

JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
READ_BYTES = 2_000_000
TAIL_LINES = 60


def _read_end(path: Path, limit: int = READ_BYTES) -> str:
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - limit))
        return fh.read().decode("utf-8", "replace")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def run_log(run: dict, data_dir: Path, lines: int = TAIL_LINES) -> tuple[str | None, list[str]]:
    """(where the lines come from, the last lines of this run's log); (None, []) when no log
    of this run is kept where this application may read it."""
    job = run.get("job")
    if isinstance(job, str) and JOB_NAME.match(job):
        path = data_dir / "logs" / f"{job}.log"
        if path.is_file():
            text = _read_end(path)
            marker = f"=== run {run.get('_id')} "
            start = text.find(marker)
            if start >= 0:
                section = text[start:]
                nxt = section.find("\n=== run ", 1)
                if nxt >= 0:
                    section = section[:nxt]
                return str(path), [mask_uri(ln) for ln in section.splitlines()[-lines:]]
    log_file = (run.get("settings") or {}).get("LOG_FILE")
    if isinstance(log_file, str) and log_file:
        path = Path(log_file)
        if not path.is_absolute():
            path = data_dir / path
        if _inside(path, data_dir) and path.is_file():
            return str(path), [mask_uri(ln) for ln in _read_end(path).splitlines()[-lines:]]
    return None, []
