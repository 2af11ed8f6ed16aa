"""Crontab lines equivalent to a schedules file, for hosts that prefer cron to the daemon.

Each job becomes one line: `flock -n` on the job's lock file (the same file the daemon locks, so
cron and the daemon never overlap), `timeout` as the hard bound, the crawl with
CLOSESPIDER_TIMEOUT as the soft one, output appended to the job's log, and one line on stdout
(which cron mails) only when the run failed or was partial, or the previous run still holds the
lock (exit 75).

Cron has no seconds field: 6-field jobs are written as comments and reported. CRON_TZ sets the
job's timezone; cronie and systemd-cron honour it, but Debian's (and Ubuntu's) cron ignores it and
runs every line in the host's zone: each CRON_TZ line says so, and a job whose zone is not the
host's is reported on stderr. Job logs written by these lines grow until logrotate (or the like)
rotates them; the header says so (the daemon rotates its own by size).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

from crawler import config, redact
from crawler.redact import mask_uri
from crawler.schedule import locks, state
from crawler.schedule.jobs import Job

LOCK_BUSY_EXIT = 75


def _cron_escape(text: str) -> str:
    """`%` ends a crontab command (the rest becomes stdin) unless escaped."""
    return text.replace("%", "\\%")


def secret_variable(job: Job, setting: str) -> str:
    """The crontab variable a secret-bearing setting of a job is read from."""
    return re.sub(r"[^A-Z0-9_]", "_", f"CRAWLER_SECRET_{job.name}_{setting}".upper())


def secret_settings(job: Job) -> dict[str, str]:
    """Settings of `job` that hold a password: never written into a crontab line."""
    return {name: str(value) for name, value in job.settings.items()
            if redact.mask_setting(name, value) != str(value)}


def job_command(job: Job, kill_grace: int, python: str | None = None, workdir: Path | None = None) -> str:
    """The shell command of one job's line (without the schedule fields). A setting holding a
    password is passed from a crontab variable (secret_variable), set by the user."""
    python = python or sys.executable
    crawl = [python, "-m", "crawler.cli", "crawl", job.spider]
    for name, value in job.args.items():
        crawl += ["-a", f"{name}={value}"]
    secrets = secret_settings(job)
    for name, value in job.settings.items():
        crawl += ["-s", f"{name}=__CRAWLER_SECRET__" if name in secrets else f"{name}={value}"]
    crawl += ["-s", f"CLOSESPIDER_TIMEOUT={job.timeout}", "-s", f"CRAWLER_RUN_JOB={job.name}"]
    lock = locks.lock_path(job.name)
    logfile = state.logs_dir() / f"{job.name}.log"
    guarded = ["flock", "-n", "-E", str(LOCK_BUSY_EXIT), str(lock),
               "timeout", "-k", f"{kill_grace}s", f"{job.timeout + kill_grace}s", *crawl]
    message = (f"crawl job {job.name} failed or was partial (exit $rc; {LOCK_BUSY_EXIT}: previous "
               f"run still holds {lock}); log: {logfile}")
    cd = f"cd {shlex.quote(str(workdir or Path.cwd()))} && "
    command = shlex.join(guarded)
    for name in secrets:
        command = command.replace(f"{shlex.quote(name + '=__CRAWLER_SECRET__')}",
                                  f'"{name}=${secret_variable(job, name)}"')
    return (f"{cd}mkdir -p {shlex.quote(str(lock.parent))} {shlex.quote(str(logfile.parent))} && "
            f"{{ {command} >>{shlex.quote(str(logfile))} 2>&1; rc=$?; "
            f"[ $rc -eq 0 ] || echo \"{message}\"; }}")


def host_zone_name() -> str:
    """The host's zone as cron sees it: TZ, else /etc/timezone, else /etc/localtime's link."""
    zone = os.environ.get("TZ", "").lstrip(":")
    if zone:
        return zone
    try:
        zone = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if zone:
            return zone
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


def render(jobs: list[Job], schedules_file: Path, kill_grace: int = 60,
           python: str | None = None, host_zone: str | None = None) -> tuple[str, list[str]]:
    """(crontab text, warnings for stderr)."""
    host_zone = host_zone or host_zone_name()
    warnings: list[str] = []
    out = [
        f"# News crawler jobs from {schedules_file}; install with: crawler schedule crontab | crontab -",
        "# flock -n: one run per job at a time (the same lock files as `crawler schedule run`);",
        "# timeout: hard bound per run; cron mails a line only for a failed or partial run.",
        "# CRON_TZ lines: honoured by cronie and systemd-cron; Debian's cron IGNORES them and runs",
        "# every line in the host's zone. Job logs grow until rotated: see docs/operations.md",
        "# (logrotate).",
        "SHELL=/bin/sh",
        f"CRAWLER_DATA_DIR={config.data_dir()}",
        f"MONGO_DB={config.mongo_db_name()}",
    ]
    uri = config.mongo_uri_from_env()
    if uri and mask_uri(uri) != uri:
        out.append(f"# MONGO_URI={mask_uri(uri)}  <- set it here with its password "
                   "(not printed)")
    elif uri:
        out.append(f"MONGO_URI={uri}")
    for job in jobs:
        out.append("")
        out.append(f"# job {job.name}: spider {job.spider}, cron {job.cron!r} in {job.timezone}, "
                   f"bound {job.timeout}s")
        if job.has_seconds:
            warnings.append(f"job {job.name}: cron {job.cron!r} has a seconds field, which "
                            "crontab cannot express; left out (use `crawler schedule run`)")
            out.append("# left out: crontab has no seconds field")
            continue
        line = f"{job.cron} {_cron_escape(job_command(job, kill_grace, python))}"
        if not job.enabled:
            out.append("# disabled in the schedules file:")
            line = "# " + line
        for name, value in secret_settings(job).items():
            out.append(f"# {secret_variable(job, name)}={redact.mask_setting(name, value)}  <- set "
                       "it here with its password (not printed)")
        if job.timezone != host_zone and job.enabled:
            warnings.append(f"job {job.name}: runs in {job.timezone} through CRON_TZ, which "
                            f"Debian's cron ignores (it would run in the host's zone, "
                            f"{host_zone}); use cronie or `crawler schedule run`")
        # A separate line: crontab allows no comment after a variable's value.
        out.append(f"# Debian's cron ignores CRON_TZ: there the next line runs in the host's "
                   f"zone ({host_zone})")
        out.append(f"CRON_TZ={job.timezone}")
        out.append(line)
    return "\n".join(out) + "\n", warnings
