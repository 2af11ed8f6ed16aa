"""`crawler schedule run`: the foreground scheduler.

Each firing starts `python -m crawler.cli crawl SPIDER -a ... -s ...` as a child process in its
own session, with the job's lock held (the locked descriptor is passed to the child), a run id
(`-s CRAWLER_RUN_ID`) and an overall bound (`-s CLOSESPIDER_TIMEOUT=<timeout>`; the process is
killed `CRAWLER_RUN_KILL_GRACE` seconds later if it is still there). The child's output is
appended to <data dir>/logs/<job>.log; the daemon logs one line when a run starts and one when it
ends.

When a child exits, the daemon reads the run's document: if the child died before completing it
(a crash, a kill, a bad argument), the run is recorded as failed with the exit status and the
last lines of its log, and the daemon goes on serving every job.

SIGTERM or SIGINT: no new runs; SIGTERM is forwarded to each running crawl (Scrapy closes the
spider gracefully and records the run as "shutdown"); after CRAWLER_SCHEDULE_STOP_TIMEOUT seconds
whatever is still running is killed (its process group) and recorded as failed. Exit status 0.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from crawler import config
from crawler.redact import mask_uri
from crawler.schedule import locks, state
from crawler.schedule.jobs import Job
from crawler.schedule.timing import catch_up_at_start, next_run, too_late

log = logging.getLogger("crawler.schedule")

LOG_TAIL_BYTES = 8192


def crawl_command(job: Job, run_id: str) -> list[str]:
    """The child's command line: the crawl, its arguments, its bound and its identity."""
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", job.spider]
    for name, value in job.args.items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in job.settings.items():
        cmd += ["-s", f"{name}={value}"]
    cmd += ["-s", f"CLOSESPIDER_TIMEOUT={job.timeout}", "-s", f"CRAWLER_RUN_JOB={job.name}",
            "-s", f"CRAWLER_RUN_ID={run_id}"]
    return cmd


@dataclass
class Running:
    job: Job
    run_id: str
    proc: subprocess.Popen
    lock: locks.JobLock
    started: datetime
    log_path: Path
    log_offset: int
    hard_deadline: float
    killed_because: str | None = None
    extra: dict = field(default_factory=dict)


def describe_exit(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exited with status {rc}"


def log_tail(path: Path, offset: int, lines: int = 3) -> str:
    """The last meaningful lines this run wrote to its log, for the failed run's error."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(offset, size - LOG_TAIL_BYTES))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    kept = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("===")]
    return mask_uri(" | ".join(kept[-lines:]))[:600]


class Daemon:
    def __init__(
        self,
        jobs: list[Job],
        schedules_file: Path,
        stop_timeout: float = 30.0,
        kill_grace: float = 60.0,
        tick: float = 0.2,
        log_max_bytes: int = 10 * 1024 * 1024,
        log_backups: int = 3,
    ):
        self.jobs = [j for j in jobs if j.enabled]
        self.schedules_file = schedules_file
        self.stop_timeout = stop_timeout
        self.kill_grace = kill_grace
        self.tick_seconds = tick
        self.log_max_bytes = log_max_bytes
        self.log_backups = log_backups
        self.running: dict[str, Running] = {}
        self.jobs_state = state.load_jobs_state()
        self.stopping = False
        self.started_at = datetime.now(UTC)
        self._last_heartbeat = 0.0

    # -- signals ---------------------------------------------------------------------------
    def _on_signal(self, signum, _frame) -> None:
        if not self.stopping:
            log.info("received %s: stopping (no new runs)", signal.Signals(signum).name)
        self.stopping = True

    # -- main loop -------------------------------------------------------------------------
    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        # One scheduler per data directory: a second would double-book every job's state.
        self.daemon_lock = locks.JobLock(state.schedule_dir() / "daemon.lock")
        if not self.daemon_lock.acquire({"pid": os.getpid(), "started_at": state.iso(self.started_at)},
                                        wait=0.5):
            held = locks.holder(self.daemon_lock.path) or {}
            log.error("another scheduler (%s) is running with data dir %s; not started",
                      _holder_text(held), config.data_dir())
            return 1
        try:
            return self._serve()
        finally:
            self.daemon_lock.release()

    def _serve(self) -> int:
        state.logs_dir().mkdir(parents=True, exist_ok=True)
        locks.locks_dir().mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        due: dict[str, datetime] = {}
        log.info("scheduler started (pid %d): %d job(s) from %s; data in %s", os.getpid(),
                 len(self.jobs), self.schedules_file, config.data_dir())
        self._heartbeat(force=True)
        for job in self.jobs:
            missed = catch_up_at_start(job, now, state.parse_iso(self._job_state(job).get("last_fire")))
            if missed is not None:
                log.info("job %s: firing of %s was missed; running it once now (grace %ds)",
                         job.name, missed.isoformat(), job.grace)
                self.launch(job, missed)
            due[job.name] = next_run(job, now)
            log.info("job %s: next run %s (%s)", job.name,
                     due[job.name].astimezone(job.zone).isoformat(), job.timezone)
        while not self.stopping:
            self.tick(due)
            wait = min([self.tick_seconds] + [(d - datetime.now(UTC)).total_seconds()
                                              for d in due.values()])
            time.sleep(max(0.01, wait))
        self.shutdown()
        return 0

    def tick(self, due: dict[str, datetime]) -> None:
        """One pass: finished runs are collected first, so a firing due after a pause (the host
        slept, the daemon was stopped) sees the crawl that ended meanwhile as ended, not as still
        running; then the firings due, the time bounds and the heartbeat."""
        self.reap()
        now = datetime.now(UTC)
        for job in self.jobs:
            if now < due[job.name]:
                continue
            fire = due[job.name]
            if too_late(job, fire, now):
                log.warning("job %s: firing of %s missed by more than %ds; skipped",
                            job.name, fire.isoformat(), job.grace)
                self._job_state(job)["last_fire"] = state.iso(fire)
                self._save_state()
            else:
                self.launch(job, fire)
            due[job.name] = next_run(job, now)
        self.enforce_bounds()
        self._heartbeat()

    def _job_state(self, job: Job) -> dict:
        return self.jobs_state.setdefault(job.name, {})

    def _save_state(self) -> None:
        try:
            state.save_jobs_state(self.jobs_state)
        except OSError as exc:
            log.error("could not write %s: %s", state.state_path(), exc)

    def _heartbeat(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_heartbeat < state.HEARTBEAT_EVERY:
            return
        self._last_heartbeat = time.monotonic()
        try:
            state.write_daemon({
                "pid": os.getpid(),
                "started_at": state.iso(self.started_at),
                "heartbeat": state.iso(datetime.now(UTC)),
                "schedules_file": str(self.schedules_file),
                "running": {name: {"pid": r.proc.pid, "run_id": r.run_id,
                                   "started_at": state.iso(r.started)}
                            for name, r in self.running.items()},
            })
        except OSError as exc:
            log.error("could not write %s: %s", state.daemon_path(), exc)

    # -- runs ------------------------------------------------------------------------------
    def launch(self, job: Job, fire: datetime) -> None:
        """Start one run of `job` for the firing `fire`, unless one is still running."""
        js = self._job_state(job)
        js["last_fire"] = state.iso(fire)
        current = self.running.get(job.name)
        if current is not None:
            log.warning("job %s: previous run %s (pid %d, since %s) still running; this firing "
                        "skipped", job.name, current.run_id, current.proc.pid,
                        current.started.isoformat())
            self._save_state()
            return
        run_id = uuid.uuid4().hex
        started = datetime.now(UTC)
        lock = locks.JobLock(locks.lock_path(job.name))
        info = {"pid": os.getpid(), "run_id": run_id, "started_at": state.iso(started),
                "by": "crawler schedule run"}
        if not lock.acquire(info):
            held = locks.holder(lock.path) or {}
            log.warning("job %s: lock %s is held by another process (%s); this firing skipped",
                        job.name, lock.path, _holder_text(held))
            self._save_state()
            return
        log_path = state.logs_dir() / f"{job.name}.log"
        rotate_log(log_path, self.log_max_bytes, self.log_backups)
        cmd = crawl_command(job, run_id)
        env = dict(os.environ, CRAWLER_DATA_DIR=str(config.data_dir()))
        try:
            logf: IO[bytes] = open(log_path, "ab")
            offset = logf.tell()
            logf.write(f"=== run {run_id} job {job.name} started {started.isoformat()}\n".encode())
            logf.flush()
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                    pass_fds=(lock.fd,))
            logf.close()
        except OSError as exc:
            lock.release()
            log.error("job %s: could not start the crawl: %s", job.name, exc)
            self._record_failure(job, run_id, started, f"could not start the crawl: {exc}")
            js.update(last_run_id=run_id, last_start=state.iso(started),
                      last_end=state.iso(datetime.now(UTC)), last_status="failed", last_exit=None)
            self._save_state()
            return
        # Holder info now names the crawl process, which keeps the lock if the daemon dies.
        lock.describe({**info, "pid": proc.pid, "daemon_pid": os.getpid()})
        self.running[job.name] = Running(
            job=job, run_id=run_id, proc=proc, lock=lock, started=started, log_path=log_path,
            log_offset=offset, hard_deadline=time.monotonic() + job.timeout + self.kill_grace,
        )
        js.update(last_run_id=run_id, last_start=state.iso(started), last_end=None,
                  last_status="running", last_exit=None)
        self._save_state()
        log.info("job %s: run %s started (pid %d): %s %s", job.name, run_id, proc.pid,
                 job.spider, " ".join(f"{k}={v}" for k, v in job.args.items()))
        self._heartbeat(force=True)

    def reap(self) -> None:
        for name, run in list(self.running.items()):
            rc = run.proc.poll()
            if rc is None:
                continue
            del self.running[name]
            self.finish(run, rc)

    def finish(self, run: Running, rc: int) -> None:
        run.lock.release()
        ended = datetime.now(UTC)
        status = self._recorded_status(run, rc, ended)
        js = self._job_state(run.job)
        js.update(last_end=state.iso(ended), last_status=status, last_exit=rc)
        self._save_state()
        took = (ended - run.started).total_seconds()
        level = logging.INFO if status == "ok" else logging.WARNING
        log.log(level, "job %s: run %s %s: status %s after %.1fs (log %s)", run.job.name,
                run.run_id, describe_exit(rc), status, took, run.log_path)
        self._heartbeat(force=True)

    def _recorded_status(self, run: Running, rc: int, ended: datetime) -> str:
        """The run's status from its document, after recording it as failed if the crawl died
        without completing it."""
        # the database is reached only when a run ends badly (the scheduler holds no connection)
        from crawler.storage.store import Store

        try:
            store = Store()
        except Exception as exc:  # the embedded database could not start
            log.error("job %s: cannot check run %s: %s", run.job.name, run.run_id, exc)
            return "failed" if rc else "unknown"
        try:
            doc = store.get_run(run.run_id)
            if doc is not None and doc.get("finished_at") is not None:
                return str(doc.get("status"))
            why = run.killed_because or f"crawl process {describe_exit(rc)}"
            tail = log_tail(run.log_path, run.log_offset)
            error = f"{why}: {tail}" if tail else why
            store.mark_run_failed(run.run_id, error, self._run_insert(run.job, run.started))
            return "failed"
        except Exception as exc:
            log.error("job %s: cannot record run %s: %s", run.job.name, run.run_id,
                      mask_uri(str(exc))[:300])
            return "failed" if rc else "unknown"
        finally:
            store.close()

    def _run_insert(self, job: Job, started: datetime) -> dict:
        return {"spider": job.spider, "args": dict(job.args), "started_at": started,
                "job": job.name, "trigger": "schedule"}

    def _record_failure(self, job: Job, run_id: str, started: datetime, error: str) -> None:
        # the database is reached only when a run ends badly (the scheduler holds no connection)
        from crawler.storage.store import Store

        try:
            store = Store()
            try:
                store.mark_run_failed(run_id, error, self._run_insert(job, started))
            finally:
                store.close()
        except Exception as exc:
            log.error("job %s: cannot record failed run %s: %s", job.name, run_id,
                      mask_uri(str(exc))[:300])

    def enforce_bounds(self) -> None:
        """A crawl past its timeout plus the kill grace is killed with its process group."""
        now = time.monotonic()
        for run in self.running.values():
            if run.killed_because is None and now >= run.hard_deadline:
                run.killed_because = (f"killed after exceeding its time bound "
                                      f"({run.job.timeout}s + {self.kill_grace:.0f}s)")
                log.error("job %s: run %s %s", run.job.name, run.run_id, run.killed_because)
                _killpg(run.proc, signal.SIGKILL)

    def shutdown(self) -> None:
        if self.running:
            log.info("forwarding SIGTERM to %d running crawl(s); waiting up to %.0fs",
                     len(self.running), self.stop_timeout)
            deadline = time.monotonic() + self.stop_timeout
            signalled: set[str] = set()
            while self.running and time.monotonic() < deadline:
                self._forward_sigterm(signalled)
                self.reap()
                time.sleep(0.1)
            for run in self.running.values():
                run.killed_because = f"killed: scheduler stopped and the crawl did not end " \
                                     f"within {self.stop_timeout:.0f}s"
                _killpg(run.proc, signal.SIGKILL)
            for name, run in list(self.running.items()):
                rc = run.proc.wait()
                del self.running[name]
                self.finish(run, rc)
        self._save_state()
        state.clear_daemon()
        log.info("scheduler stopped")


    def _forward_sigterm(self, signalled: set[str]) -> None:
        """SIGTERM to each running crawl once it handles SIGTERM. A crawl still starting up
        (importing, checking the database) would die of it outright, its run unrecorded: it gets
        the signal as soon as Scrapy's handler is in place, and then stops cleanly."""
        for name, run in self.running.items():
            if run.run_id in signalled:
                continue
            if handles_signal(run.proc.pid, signal.SIGTERM) is False:
                extra = run.extra
                if not extra.get("startup_noted"):
                    extra["startup_noted"] = True
                    log.info("job %s: run %s is starting up; SIGTERM follows once it can stop "
                             "cleanly", name, run.run_id)
                continue
            signalled.add(run.run_id)
            try:
                run.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass


def handles_signal(pid: int, signum: int) -> bool | None:
    """Whether process `pid` has a handler for `signum` (Linux: SigCgt in /proc/PID/status);
    None when that cannot be read (another system, the process gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    except (OSError, ValueError):
        return None
    return None


def rotate_log(path: Path, max_bytes: int, backups: int) -> None:
    """Before a run: a job log over `max_bytes` becomes <log>.1 (the older ones shift up to
    <log>.<backups>, the oldest is dropped). 0 turns rotation off (logrotate's business then)."""
    if max_bytes <= 0:
        return
    try:
        if path.stat().st_size < max_bytes:
            return
    except FileNotFoundError:
        return
    try:
        if backups <= 0:
            path.unlink()
            return
        for n in range(backups - 1, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
        os.replace(path, path.with_name(f"{path.name}.1"))
    except OSError as exc:
        log.error("could not rotate %s: %s", path, exc)


def _killpg(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass


def _holder_text(info: dict) -> str:
    if not info:
        return "no details: perhaps a crontab line's flock"
    parts = [f"pid {info['pid']}" if "pid" in info else "",
             f"run {info['run_id']}" if "run_id" in info else "",
             f"since {info['started_at']}" if "started_at" in info else ""]
    return ", ".join(p for p in parts if p)
