"""What the daemon last did, kept in <data dir>/schedule/: state.json (per job: the last firing
handled, the last run's id, start, end, exit status and status) for the missed-run policy and
`crawler schedule list`, and daemon.json (pid, schedules file, heartbeat) for
`crawler schedule status`, the container's health check."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler import config

HEARTBEAT_EVERY = 5.0
HEARTBEAT_STALE = 60.0


def schedule_dir() -> Path:
    return config.data_dir() / "schedule"


def state_path() -> Path:
    return schedule_dir() / "state.json"


def daemon_path() -> Path:
    return schedule_dir() / "daemon.json"


def logs_dir() -> Path:
    return config.data_dir() / "logs"


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomic: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def load_jobs_state() -> dict[str, dict[str, Any]]:
    jobs = _read(state_path()).get("jobs", {})
    return jobs if isinstance(jobs, dict) else {}


def save_jobs_state(jobs: dict[str, dict[str, Any]]) -> None:
    _write(state_path(), {"jobs": jobs})


def write_daemon(info: dict[str, Any]) -> None:
    _write(daemon_path(), info)


def read_daemon() -> dict[str, Any]:
    return _read(daemon_path())


def clear_daemon() -> None:
    try:
        daemon_path().unlink()
    except FileNotFoundError:
        pass


    return True
