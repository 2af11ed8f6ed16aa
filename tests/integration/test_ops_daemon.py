"""The scheduler daemon for real: `crawler schedule run` as a subprocess firing every few seconds
against the demo site on 127.0.0.1 and the test database, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from pymongo import MongoClient

from tests.support.crawl import CRAWLER, ROOT, run_crawler

pytestmark = pytest.mark.timeout(180)


def _write(tmp_path: Path, jobs: dict, **top) -> Path:
    path = tmp_path / "schedules.yaml"
    path.write_text(yaml.safe_dump({**top, "jobs": jobs}), encoding="utf-8")
    return path


class DaemonProc:
    """The daemon subprocess; always stopped (SIGTERM, then SIGKILL of its group) in teardown."""

    def __init__(self, schedules: Path, env: dict):
        self.log = open(schedules.parent / "daemon.log", "w+b")  # noqa: SIM115
        self.proc = subprocess.Popen([*CRAWLER, "schedule", "run", "--file", str(schedules)],
                                     env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def terminate(self, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


@pytest.fixture
def daemon_factory():
    started: list[DaemonProc] = []

    def start(schedules: Path, env: dict) -> DaemonProc:
        d = DaemonProc(schedules, env)
        started.append(d)
        return d

    yield start
    for d in started:
        d.cleanup()


def _runs(mongo_uri, db_name) -> list[dict]:
    client = MongoClient(mongo_uri, tz_aware=True)
    try:
        return list(client[db_name].runs.find().sort("started_at", 1))
    finally:
        client.close()


def _wait(predicate, timeout: float, what: str, daemon: DaemonProc | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if daemon is not None and daemon.proc.poll() is not None:
            pytest.fail(f"daemon exited early ({daemon.proc.returncode}): {daemon.output()[-3000:]}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}" + (f"\n{daemon.output()[-3000:]}" if daemon else ""))


def _env(crawl_env: dict, **extra) -> dict:
    return {**crawl_env, "CRAWLER_SCHEDULE_STOP_TIMEOUT": "20", **extra}


def test_malformed_schedule_names_the_job_and_daemon_does_not_start(tmp_path, crawl_env, demo_server):
    path = _write(tmp_path, {
        "fine": {"cron": "* * * * * */1", "spider": "daily8",
                 "args": {"start_url": demo_server.url("/")}},
        "hourly-news": {"cron": "61 * * * *", "spider": "daily8"},
    })
    started = time.monotonic()
    proc = run_crawler(["schedule", "run", "--file", str(path)], crawl_env, timeout=60)
    assert proc.returncode == 2
    assert "hourly-news" in proc.stderr and "invalid cron expression '61 * * * *'" in proc.stderr
    assert "not started" in proc.stderr
    assert "fine" not in proc.stderr.replace("schedules", "")
    assert time.monotonic() - started < 30
    assert demo_server.fetched_paths() == []

    bad_yaml = tmp_path / "broken.yaml"
    bad_yaml.write_text("jobs:\n  a: {cron: '* * * * *', spider: daily8\n", encoding="utf-8")
    proc = run_crawler(["schedule", "list", "--file", str(bad_yaml)], crawl_env, timeout=60)
    assert proc.returncode == 2 and "not valid YAML at line" in proc.stderr

    missing = run_crawler(["schedule", "run", "--file", str(tmp_path / "nope.yaml")], crawl_env)
    assert missing.returncode == 2 and "cannot read it" in missing.stderr


def test_daemon_runs_jobs_records_a_crash_as_failed_keeps_serving_and_stops_on_sigterm(
    tmp_path, crawl_env, demo_server, mongo_uri, db_name, daemon_factory
):
    path = _write(tmp_path, {
        "news": {"cron": "* * * * * */2", "spider": "daily8",
                 "args": {"start_url": demo_server.url("/page/2.html"), "max_depth": 0}},
        # The spider refuses this argument at start: the crawl process dies before its record.
        "broken": {"cron": "* * * * * */3", "spider": "daily8",
                   "args": {"start_url": "ftp://127.0.0.1/feed"}},
        # Yearly jobs. Missed-run policy: `bounded` last fired long ago, so its most recent firing
        # (within its huge grace window) runs once at start, bounded to 2 seconds; `quiet` was
        # never handled, so it has missed nothing and never runs here.
        "bounded": {"cron": "0 0 1 1 *", "spider": "daily8", "timeout": 2, "grace": 10**9,
                    "args": {"start_url": demo_server.url("/")},
                    "settings": {"DOWNLOAD_DELAY": 0.5, "CONCURRENT_REQUESTS": 1}},
        "quiet": {"cron": "0 0 1 1 *", "spider": "daily8", "grace": 10**9,
                  "args": {"start_url": demo_server.url("/")}},
    })
    env = _env(crawl_env)
    saved = Path(env["CRAWLER_DATA_DIR"]) / "schedule" / "state.json"
    saved.parent.mkdir(parents=True)
    long_ago = (datetime.now(UTC) - timedelta(days=800)).isoformat()
    saved.write_text(json.dumps({"jobs": {"bounded": {"last_fire": long_ago}}}))
    daemon = daemon_factory(path, env)

    def done():
        runs = _runs(mongo_uri, db_name)
        finished = [r for r in runs if r.get("finished_at")]
        ok = [r for r in finished if r.get("job") == "news" and r["status"] == "ok"]
        failed = [r for r in finished if r.get("job") == "broken"]
        # Serving goes on after a crash: a `news` run started after the crash was recorded.
        later = failed and [r for r in runs if r.get("job") == "news"
                            and r["started_at"] > failed[0]["finished_at"]]
        bounded = [r for r in finished if r.get("job") == "bounded"]
        return (ok, failed) if ok and later and bounded else None

    ok, failed = _wait(done, 150, "a failed `broken` run, then an ok run of `news`", daemon)
    crash = failed[0]
    assert crash["status"] == "failed" and crash["finish_reason"] == "crashed"
    assert crash["spider"] == "daily8" and crash["trigger"] == "schedule"
    assert "exited with status" in crash["error"] and "ftp://" in crash["error"]
    good = ok[0]
    assert good["counts"]["pages"] >= 1 and good["counts"]["teasers"] > 0
    assert good["args"]["max_depth"] == "0" and good["settings"]["CLOSESPIDER_TIMEOUT"]
    assert good["trigger"] == "schedule" and good["duration_s"] >= 0

    # The lock and the next run are visible while the daemon serves.
    listing = run_crawler(["schedule", "list", "--file", str(path)], env, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert "news" in listing.stdout and "broken" in listing.stdout and "NEXT RUN" in listing.stdout
    status = run_crawler(["schedule", "status", "--file", str(path)], env, timeout=60)
    assert status.returncode == 0 and "scheduler: running" in status.stdout, status.stdout
    second = run_crawler(["schedule", "run", "--file", str(path)], env, timeout=60)
    assert second.returncode == 1 and "another scheduler" in second.stderr, second.stderr

    assert daemon.terminate() == 0
    out = daemon.output()
    assert "scheduler stopped" in out, out[-3000:]
    runs = _runs(mongo_uri, db_name)
    assert all(r["status"] != "running" and r.get("finished_at") for r in runs), runs
    assert not [r for r in runs if r.get("job") == "quiet"]
    (bounded,) = [r for r in runs if r.get("job") == "bounded"]
    assert bounded["finish_reason"] == "closespider_timeout" and bounded["status"] == "failed"
    assert (bounded["finished_at"] - bounded["started_at"]).total_seconds() < 30
    assert 0 < bounded["counts"]["pages"] < 30
    assert "firing of" in out and "was missed; running it once now" in out
    data = Path(env["CRAWLER_DATA_DIR"])
    assert not (data / "schedule" / "daemon.json").exists()
    state = json.loads((data / "schedule" / "state.json").read_text())
    assert state["jobs"]["news"]["last_status"] in ("ok", "failed")
    assert (data / "logs" / "news.log").read_text().count("=== run ") >= 2
    status = run_crawler(["schedule", "status", "--file", str(path)], env, timeout=60)
    assert status.returncode == 1 and "not running" in status.stdout


@pytest.mark.parametrize("graceful", [True, False], ids=["graceful", "killed"])
def test_sigterm_during_a_crawl_stops_it_and_its_run_is_recorded(
    graceful, tmp_path, crawl_env, demo_server, mongo_uri, db_name, daemon_factory
):
    # Slow crawls, still going when SIGTERM comes. Graceful: one request at a time, so Scrapy's
    # shutdown drains at once. Killed: 16 queued one second apart outlast a 1s stop timeout.
    settings = ({"DOWNLOAD_DELAY": 0.5, "CONCURRENT_REQUESTS": 1} if graceful
                else {"DOWNLOAD_DELAY": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
    path = _write(tmp_path, {
        "slow": {"cron": "* * * * * */1", "spider": "daily8",
                 "args": {"start_url": demo_server.url("/")}, "settings": settings},
    })
    env = _env(crawl_env, CRAWLER_SCHEDULE_STOP_TIMEOUT="30" if graceful else "1")
    daemon = daemon_factory(path, env)
    _wait(lambda: len(demo_server.fetched_paths()) >= 3, 90, "the slow crawl to fetch", daemon)
    holder = Path(env["CRAWLER_DATA_DIR"]) / "schedule" / "locks" / "slow.lock"
    listing = run_crawler(["schedule", "list", "--file", str(path)], env, timeout=60)
    assert "running pid" in listing.stdout, listing.stdout
    child = json.loads(holder.read_text())["pid"]
    assert daemon.terminate() == 0
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    runs = _runs(mongo_uri, db_name)
    assert len(runs) == 1, runs
    run = runs[0]
    assert run["status"] == "failed" and run["finished_at"] is not None
    if graceful:
        assert run["finish_reason"] == "shutdown"
        assert run["counts"]["pages"] >= 3
    else:
        assert run["finish_reason"] == "crashed"
        assert "scheduler stopped" in run["error"] and "killed" in run["error"]
    assert holder.read_text() == ""  # released


def test_sigterm_while_a_crawl_starts_up_lets_it_stop_cleanly(
    tmp_path, crawl_env, demo_server, mongo_uri, db_name, daemon_factory
):
    from crawler.schedule.daemon import handles_signal

    path = _write(tmp_path, {
        "startup": {"cron": "* * * * * */1", "spider": "daily8",
                    "args": {"start_url": demo_server.url("/")},
                    "settings": {"DOWNLOAD_DELAY": 0.5, "CONCURRENT_REQUESTS": 1}},
    })
    env = _env(crawl_env)
    daemon = daemon_factory(path, env)
    holder = Path(env["CRAWLER_DATA_DIR"]) / "schedule" / "locks" / "startup.lock"

    def child_pid():
        try:
            info = json.loads(holder.read_text() or "{}")
        except (OSError, ValueError):
            return None
        return info["pid"] if "daemon_pid" in info else None  # the crawl's, once it is launched

    child = _wait(child_pid, 90, "the first crawl to start", daemon)
    # Still importing: SIGTERM's default action would kill it outright.
    assert handles_signal(child, signal.SIGTERM) is False
    assert daemon.terminate() == 0
    runs = _runs(mongo_uri, db_name)
    assert len(runs) == 1, runs
    assert runs[0]["finish_reason"] == "shutdown", runs[0]
    assert "starting up; SIGTERM follows" in daemon.output()


def test_a_firing_after_a_pause_sees_the_crawl_that_ended_meanwhile(tmp_path, crawl_env,
                                                                   monkeypatch):
    """The daemon's tick collects finished runs before it looks at firings."""
    from crawler.schedule import daemon as daemon_mod
    from crawler.schedule.jobs import Job

    monkeypatch.setenv("CRAWLER_DATA_DIR", crawl_env["CRAWLER_DATA_DIR"])
    monkeypatch.setenv("MONGO_URI", crawl_env["MONGO_URI"])
    monkeypatch.setenv("MONGO_DB", crawl_env["MONGO_DB"])
    job = Job(name="paused", cron="* * * * * */1", spider="daily8", grace=600)
    started: list[str] = []
    monkeypatch.setattr(daemon_mod, "crawl_command",
                        lambda job, run_id: started.append(run_id) or ["true"])
    d = daemon_mod.Daemon([job], tmp_path / "schedules.yaml")
    (Path(crawl_env["CRAWLER_DATA_DIR"]) / "logs").mkdir(parents=True)
    now = datetime.now(UTC)
    d.launch(job, now)
    first = d.running["paused"]
    first.proc.wait()  # the crawl ended while the daemon was paused
    d.tick({"paused": now + timedelta(seconds=1) - timedelta(seconds=2)})
    assert len(started) == 2, "the due firing was skipped as 'still running'"
    d.running["paused"].proc.wait()
    d.reap()
    assert not d.running


def test_job_logs_rotate_by_size(tmp_path):
    from crawler.schedule.daemon import rotate_log

    log = tmp_path / "job.log"
    log.write_bytes(b"x" * 10)
    rotate_log(log, max_bytes=100, backups=2)
    assert log.exists() and not (tmp_path / "job.log.1").exists()  # under the size: kept
    for generation in (b"a", b"b", b"c"):
        log.write_bytes(generation * 200)
        rotate_log(log, max_bytes=100, backups=2)
        assert not log.exists()
    assert (tmp_path / "job.log.1").read_bytes() == b"c" * 200
    assert (tmp_path / "job.log.2").read_bytes() == b"b" * 200
    assert not (tmp_path / "job.log.3").exists()  # the oldest dropped
    log.write_bytes(b"d" * 200)
    rotate_log(log, max_bytes=0, backups=2)  # off
    assert log.exists()
