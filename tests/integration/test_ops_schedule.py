"""Schedules file validation, next-run times and the missed-run policy, job locks, crontab lines
(one of them run for real through sh, flock and timeout), progress lines, run records."""

from __future__ import annotations

import fcntl
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pymongo import MongoClient

from crawler.extensions.progress import progress_line
from crawler.extensions.runrecord import run_counts, run_errors
from crawler.schedule import crontab, jobs, locks, timing
from crawler.schedule.jobs import Job, ScheduleError

SPIDERS = {"daily8", "aggregator"}


def parse(data):
    return jobs.parse(data, "schedules.yaml", SPIDERS)


def problems(data) -> list[str]:
    with pytest.raises(ScheduleError) as info:
        parse(data)
    return info.value.problems


def test_valid_file_with_defaults_and_overrides():
    loaded = parse({"timezone": "Europe/London", "timeout": 900, "jobs": {
        "a": {"cron": "7  * * * *", "spider": "daily8", "args": {"max_depth": 2, "x": True}},
        "b": {"cron": "*/10 * * * * 5", "spider": "aggregator", "timezone": "Asia/Kolkata",
              "timeout": 60, "grace": 5, "settings": {"LOG_LEVEL": "INFO"}, "enabled": False},
    }})
    a, b = loaded
    assert (a.cron, a.timezone, a.timeout, a.args) == ("7 * * * *", "Europe/London", 900,
                                                       {"max_depth": "2", "x": "true"})
    assert a.enabled and not a.has_seconds
    assert (b.timezone, b.timeout, b.grace, b.has_seconds, b.enabled) == ("Asia/Kolkata", 60, 5,
                                                                          True, False)


@pytest.mark.parametrize("job, expected", [
    ({"cron": "61 * * * *", "spider": "daily8"}, "invalid cron expression '61 * * * *'"),
    ({"cron": "* * *", "spider": "daily8"}, "expected 5 fields"),
    ({"cron": "* * * * *", "spider": "nope"}, "unknown spider 'nope' (known: aggregator, daily8)"),
    ({"cron": "* * * * *"}, "missing `spider`"),
    ({"spider": "daily8"}, "missing `cron`"),
    ({"cron": "* * * * *", "spider": "daily8", "timezone": "Mars/Base"}, "unknown timezone"),
    ({"cron": "* * * * *", "spider": "daily8", "timeout": 0}, "timeout must be a positive"),
    ({"cron": "* * * * *", "spider": "daily8", "args": ["x"]}, "args must be a mapping"),
    ({"cron": "* * * * *", "spider": "daily8", "settings": {"log": 1}}, "bad name 'log'"),
    ({"cron": "* * * * *", "spider": "daily8", "sched": 1}, "unknown key 'sched'"),
    ({"cron": "* * * * *", "spider": "daily8", "enabled": "yes"}, "enabled must be true or false"),
])
def test_each_problem_names_the_job(job, expected):
    found = problems({"jobs": {"ok-job": {"cron": "* * * * *", "spider": "daily8"}, "night": job}})
    assert len(found) == 1, found
    assert found[0].startswith("schedules.yaml: job 'night': ") and expected in found[0], found


def test_file_level_problems():
    assert "`jobs:` must map" in problems({"jobs": []})[0]
    assert "expected a mapping" in problems(["x"])[0]
    assert "unknown key 'job'" in problems({"job": {}, "jobs": {"a": {"cron": "* * * * *",
                                                                        "spider": "daily8"}}})[0]
    assert "job names use" in problems({"jobs": {"bad name": {"cron": "* * * * *",
                                                              "spider": "daily8"}}})[0]


def test_load_reports_yaml_errors_with_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("jobs:\n  a: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"not valid YAML at line \d"):
        jobs.load(path, check_spiders=False)


def job(cron: str, tz: str = "UTC", grace: int = 600) -> Job:
    return Job(name="j", cron=cron, spider="daily8", timezone=tz, grace=grace)


def test_next_run_in_the_jobs_timezone():
    now = datetime(2026, 1, 15, 10, 0, 30, tzinfo=UTC)
    assert timing.next_run(job("7 * * * *"), now) == datetime(2026, 1, 15, 10, 7, tzinfo=UTC)
    # 09:00 in Kolkata is 03:30 UTC.
    assert timing.next_run(job("0 9 * * *", "Asia/Kolkata"), now) == \
        datetime(2026, 1, 16, 3, 30, tzinfo=UTC)
    # Seconds are the sixth field.
    assert timing.next_run(job("* * * * * */20"), now) == datetime(2026, 1, 15, 10, 0, 40, tzinfo=UTC)
    # Across the spring DST change in London, 01:30 local does not exist: the next real instant.
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    nxt = timing.next_run(job("30 1 * * *", "Europe/London"), before)
    assert nxt.tzinfo is UTC and datetime(2026, 3, 29, 0, 0, tzinfo=UTC) <= nxt < \
        datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_previous_run_includes_an_exact_firing():
    at = datetime(2026, 1, 15, 10, 7, tzinfo=UTC)
    assert timing.previous_run(job("7 * * * *"), at) == at
    assert timing.previous_run(job("7 * * * *"), at + timedelta(seconds=1)) == at
    assert timing.previous_run(job("7 * * * *"), at - timedelta(seconds=1)) == at - timedelta(hours=1)


def test_missed_run_policy_at_start():
    j = job("0 * * * *", grace=600)
    now = datetime(2026, 1, 15, 10, 5, tzinfo=UTC)
    fired_10 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    # Never seen: nothing missed.
    assert timing.catch_up_at_start(j, now, None) is None
    # Last handled 09:00, 10:00 missed 5 minutes ago (within grace): run once.
    assert timing.catch_up_at_start(j, now, fired_10 - timedelta(hours=1)) == fired_10
    # Many missed (last handled days ago): still just one run, the latest.
    assert timing.catch_up_at_start(j, now, fired_10 - timedelta(days=3)) == fired_10
    # 10:00 already handled: nothing.
    assert timing.catch_up_at_start(j, now, fired_10) is None
    # Missed by more than the grace: skipped.
    late = now + timedelta(minutes=20)
    assert timing.catch_up_at_start(j, late, fired_10 - timedelta(hours=1)) is None
    assert timing.too_late(j, fired_10, late) and not timing.too_late(j, fired_10, now)


def test_lock_holder_is_visible_and_released(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    path = locks.lock_path("news")
    assert locks.holder(path) is None
    lock = locks.JobLock(path)
    assert lock.acquire({"pid": 123, "run_id": "r1", "started_at": "2026-01-01T00:00:00+00:00"})
    assert locks.holder(path)["run_id"] == "r1"
    assert not locks.JobLock(path).acquire({}, wait=0.1)  # a second holder is refused
    lock.release()
    assert locks.holder(path) is None
    # A lock taken by flock(1) (a crontab line) shows as held without details.
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        assert locks.holder(path) == {}


def test_crontab_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MONGO_URI", "mongodb://u:secret@db.internal:27017/")
    loaded = parse({"jobs": {
        "news": {"cron": "7 * * * *", "spider": "daily8", "timezone": "Asia/Kolkata",
                 "args": {"start_url": "https://agg.example/?a=1&b=50%"}, "timeout": 300},
        "fast": {"cron": "* * * * * */5", "spider": "daily8"},
        "off": {"cron": "0 0 * * *", "spider": "daily8", "enabled": False},
    }})
    text, warnings = crontab.render(loaded, Path("s.yaml"), kill_grace=30, python="/venv/bin/python",
                                    host_zone="UTC")
    lines = text.splitlines()
    news = next(x for x in lines if x.startswith("7 * * * *"))
    assert lines[lines.index(news) - 1] == "CRON_TZ=Asia/Kolkata"
    # Said where it is printed, on a line of its own (crontab allows no comment after a value).
    assert lines[lines.index(news) - 2] == ("# Debian's cron ignores CRON_TZ: there the next line "
                                            "runs in the host's zone (UTC)")
    assert any("Debian's cron IGNORES" in x for x in lines[:6])
    assert f"flock -n -E 75 {locks.lock_path('news')} timeout -k 30s 330s /venv/bin/python -m " \
           "crawler.cli crawl daily8" in news
    assert "CLOSESPIDER_TIMEOUT=300" in news and "50\\%" in news and "%'" not in news.replace("\\%", "")
    assert any(x.startswith("# 0 0 * * *") for x in lines)  # disabled: commented out
    assert not any(x.startswith("* * * * * */5") for x in lines)
    assert len(warnings) == 2 and "fast" in warnings[1] and "seconds" in warnings[1]
    assert warnings[0].startswith("job news: runs in Asia/Kolkata through CRON_TZ, which Debian's "
                                  "cron ignores (it would run in the host's zone, UTC)")
    assert "secret" not in text and "# MONGO_URI=mongodb://u:***@db.internal" in text


def test_crontab_command_runs_a_crawl_and_respects_the_lock(tmp_path, crawl_env, demo_server,
                                                            mongo_uri, db_name, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", crawl_env["CRAWLER_DATA_DIR"])
    (j,) = parse({"jobs": {"cron-news": {
        "cron": "* * * * *", "spider": "daily8", "timeout": 120,
        "args": {"start_url": demo_server.url("/page/2.html"), "max_depth": 0}}}})
    command = crontab.job_command(j, kill_grace=10, workdir=Path(__file__).resolve().parents[2])
    lock_file = locks.lock_path("cron-news")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        busy = subprocess.run(["sh", "-c", command], env=crawl_env, capture_output=True,
                              text=True, timeout=60)
    assert "crawl job cron-news failed or was partial (exit 75" in busy.stdout
    assert demo_server.fetched_paths() == []
    ok = subprocess.run(["sh", "-c", command], env=crawl_env, capture_output=True, text=True,
                        timeout=180)
    assert ok.returncode == 0 and ok.stdout == "", ok.stdout + ok.stderr
    log = Path(crawl_env["CRAWLER_DATA_DIR"]) / "logs" / "cron-news.log"
    assert "Spider closed (finished)" in log.read_text()
    client = MongoClient(mongo_uri, tz_aware=True)
    try:
        run = client[db_name].runs.find_one()
    finally:
        client.close()
    assert run["status"] == "ok" and run["job"] == "cron-news" and run["trigger"] == "schedule"
    assert locks.holder(lock_file) is None


def test_progress_line():
    stats = {"response_received_count": 30, "items/scraped": 200, "store/new": 40,
             "store/updated": 2, "log_count/ERROR": 1}
    line = progress_line(stats, 20.0, (10.0, 10))
    assert line == ("progress: 30 pages, 200 items (40 new, 2 updated), 120 pages/min, "
                    "1 errors, 20s elapsed")
    assert "90 pages/min" in progress_line(stats, 20.0, None)


def test_run_counts_and_errors_by_kind():
    stats = {"response_received_count": 5, "store/new": 3, "dedup/folded": 2,
             "playwright/page_count": 4, "spider_exceptions/count": 2,
             "spider_exceptions/ValueError": 2,
             "downloader/exception_type_count/twisted.internet.error.TimeoutError": 1,
             "downloader/response_status_count/404": 3, "downloader/response_status_count/200": 9,
             "store/errors": 0, "log_count/ERROR": 4}
    counts = run_counts(stats)
    assert counts["pages"] == 5 and counts["new"] == 3 and counts["duplicates_folded"] == 2
    assert counts["renders"] == 4 and counts["unchanged"] == 0
    # Failures come from the spider's page outcomes; raw downloader counts include policy
    # (a robots.txt 404, skipped fresh pages) and are not failures.
    assert run_errors(stats) == {"ValueError": 2, "logged_errors": 4}
    stats.update({"pages/failed": 1, "pages/failed/timeout": 1, "policy/gone": 3})
    assert run_errors(stats) == {"ValueError": 2, "timeout": 1, "logged_errors": 4}


def test_no_stray_lock_files_are_required(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    assert locks.holder(locks.lock_path("never")) is None
    assert not os.path.exists(locks.lock_path("never"))
