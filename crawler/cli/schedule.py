"""`crawler schedule run|list|crontab|status [--file F]`: scheduled crawls.

run      the foreground daemon (crawler.schedule.daemon); SIGTERM stops it cleanly
list     each job's next run, its lock (idle, or held by which process) and its last run
crontab  equivalent crontab lines, each guarded with flock and timeout
status   whether a daemon is alive (heartbeat), then the list; exit 1 when none is (HEALTHCHECK)
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

NAME = "schedule"
HELP = "run scheduled crawls (foreground daemon), list jobs and next runs, print crontab lines"

EPILOG = """\
Missed runs: a firing noticed late by at most the job's `grace` seconds (default
CRAWLER_SCHEDULE_GRACE=600) runs once, late; older ones are skipped. At start, a job whose most
recent firing was missed within the grace window runs once; many missed firings never queue up.
A firing whose previous run still holds the job's lock is skipped.
Stopping: on SIGTERM/SIGINT no new runs start, SIGTERM is forwarded to running crawls, and after
CRAWLER_SCHEDULE_STOP_TIMEOUT seconds (default 30) the rest are killed and recorded as failed.
"""


def register(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("action", choices=["run", "list", "crontab", "status"])
    parser.add_argument("--file", "-f", type=Path, default=None,
                        help="schedules file (default: $CRAWLER_SCHEDULES, else ./schedules.yaml)")


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.schedule import jobs as jobs_mod

    path = args.file or jobs_mod.default_path()
    try:
        jobs = jobs_mod.load(path)
    except jobs_mod.ScheduleError as exc:
        for problem in exc.problems:
            print(f"crawler schedule {args.action}: {problem}", file=sys.stderr)
        if args.action == "run":
            print("crawler schedule run: not started", file=sys.stderr)
        return 2
    for warning in profile_warnings(jobs):
        print(f"crawler schedule {args.action}: {warning}", file=sys.stderr)
    if args.action == "run":
        return _run(jobs, path)
    if args.action == "crontab":
        return _crontab(jobs, path)
    if args.action == "status":
        return _status(jobs)
    _list(jobs)
    return 0


def profile_warnings(jobs) -> list[str]:
    """A line per enabled job whose spider's profile is broken: those jobs will fail, the others
    run."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.sites.registry import spider_class, spider_profile_problem

    problems = {spider: spider_profile_problem(spider_class(spider))
                for spider in {job.spider for job in jobs if job.enabled}}
    return [f"job {job.name}: spider {job.spider} will not run: {problems[job.spider]}"
            for job in jobs if job.enabled and problems.get(job.spider)]


def _settings():
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.environment import project_settings

    return project_settings()


def _run(jobs, path: Path) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.schedule.daemon import Daemon

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    s = _settings()
    daemon = Daemon(jobs, path.resolve(), stop_timeout=s.getfloat("CRAWLER_SCHEDULE_STOP_TIMEOUT"),
                    kill_grace=s.getfloat("CRAWLER_RUN_KILL_GRACE"),
                    log_max_bytes=s.getint("CRAWLER_JOB_LOG_MAX_BYTES"),
                    log_backups=s.getint("CRAWLER_JOB_LOG_BACKUPS"))
    return daemon.run()


def _crontab(jobs, path: Path) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.schedule.crontab import render

    text, warnings = render(jobs, path.resolve(), kill_grace=_settings().getint("CRAWLER_RUN_KILL_GRACE"))
    sys.stdout.write(text)
    for warning in warnings:
        print(f"crawler schedule crontab: {warning}", file=sys.stderr)
    return 0


def job_rows(jobs, now: datetime | None = None) -> list[dict[str, str]]:
    """One row per job: next run (job's zone), lock, last run: the newest in the runs
    collection (the daemon's or a crontab line's), else as the state file has it."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli._database import last_runs_by_job
    from crawler.schedule import locks, state
    from crawler.schedule.timing import next_run

    now = now or datetime.now(UTC)
    saved = state.load_jobs_state()
    recorded = last_runs_by_job([job.name for job in jobs])
    rows = []
    for job in jobs:
        lock = locks.describe(locks.holder(locks.lock_path(job.name)))
        js = saved.get(job.name, {})
        last = "-"
        if js.get("last_start"):
            last = f"{js.get('last_status', '?')} {js['last_start'][:19]}"
        run = recorded.get(job.name)
        started = run.get("started_at") if run else None
        if isinstance(started, datetime) and started.astimezone(UTC).isoformat()[:19] >= (
                js.get("last_start") or "")[:19]:
            last = f"{run.get('status', '?')} {started.astimezone(UTC).isoformat()[:19]}"
        nxt = next_run(job, now).astimezone(job.zone).isoformat(timespec="seconds")
        rows.append({"JOB": job.name, "SPIDER": job.spider, "CRON": job.cron,
                     "TIMEZONE": job.timezone, "NEXT RUN": nxt if job.enabled else "disabled",
                     "LOCK": lock, "LAST RUN": last})
    return rows


def print_table(rows: list[dict[str, str]], out=None) -> None:
    out = out or sys.stdout
    if not rows:
        return
    cols = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.ljust(widths[c]) for c in cols).rstrip(), file=out)
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in cols).rstrip(), file=out)


def _list(jobs) -> None:
    print_table(job_rows(jobs))


def _status(jobs) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.processes import pid_alive
    from crawler.schedule import state

    info = state.read_daemon()
    beat = state.parse_iso(info.get("heartbeat"))
    alive = bool(info) and pid_alive(info.get("pid")) and beat is not None and (
        (datetime.now(UTC) - beat).total_seconds() < state.HEARTBEAT_STALE)
    if alive:
        print(f"scheduler: running (pid {info['pid']}, since {info.get('started_at', '?')[:19]}, "
              f"heartbeat {info['heartbeat'][:19]}, file {info.get('schedules_file')})")
    elif info:
        print(f"scheduler: NOT running (last heartbeat {str(info.get('heartbeat'))[:19]}, "
              f"pid {info.get('pid')})")
    else:
        print("scheduler: not running")
    print_table(job_rows(jobs))
    return 0 if alive else 1
