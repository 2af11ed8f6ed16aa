"""The Schedules page's rows: each job as the scheduler sees it (next firing, lock holder, last
outcome), read from the schedules file and the scheduler's state under the data directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.processes import pid_alive
from crawler.schedule import jobs as jobs_mod
from crawler.schedule import locks, state
from crawler.schedule.timing import next_run


@dataclass
class JobRow:
    name: str
    spider: str
    cron: str
    timezone: str
    enabled: bool
    next_run: datetime | None
    lock: str
    lock_holder: dict | None
    last_status: str | None
    last_start: datetime | None
    last_end: datetime | None
    last_run_id: str | None
    last_exit: str | None


@dataclass
class ScheduleView:
    path: Path
    problems: list[str] = field(default_factory=list)
    jobs: list[JobRow] = field(default_factory=list)
    daemon: str = "not running"
    daemon_alive: bool = False


def _daemon_line() -> tuple[str, bool]:
    info = state.read_daemon()
    if not info:
        return "not running", False
    beat = state.parse_iso(info.get("heartbeat"))
    alive = (pid_alive(info.get("pid")) and beat is not None
             and (datetime.now(UTC) - beat).total_seconds() < state.HEARTBEAT_STALE)
    if alive:
        return (f"running (pid {info.get('pid')}, heartbeat {str(info.get('heartbeat'))[:19]}, "
                f"file {info.get('schedules_file')})"), True
    return f"NOT running (last heartbeat {str(info.get('heartbeat'))[:19]})", False


def view(path: Path | None = None, now: datetime | None = None) -> ScheduleView:
    path = path or jobs_mod.default_path()
    out = ScheduleView(path=path)
    out.daemon, out.daemon_alive = _daemon_line()
    if not path.exists():
        out.problems = [f"no schedules file at {path} (set CRAWLER_SCHEDULES or pass --schedules)"]
        return out
    try:
        jobs = jobs_mod.load(path)
    except jobs_mod.ScheduleError as exc:
        out.problems = list(exc.problems)
        return out
    now = now or datetime.now(UTC)
    saved = state.load_jobs_state()
    for job in jobs:
        held = locks.holder(locks.lock_path(job.name))
        lock = locks.describe(held, running="held by")
        js = saved.get(job.name, {})
        out.jobs.append(JobRow(
            name=job.name, spider=job.spider, cron=job.cron, timezone=job.timezone,
            enabled=job.enabled, next_run=next_run(job, now) if job.enabled else None,
            lock=lock, lock_holder=held or None,
            last_status=js.get("last_status"), last_start=state.parse_iso(js.get("last_start")),
            last_end=state.parse_iso(js.get("last_end")), last_run_id=js.get("last_run_id"),
            last_exit=str(js["last_exit"]) if js.get("last_exit") is not None else None))
    return out
