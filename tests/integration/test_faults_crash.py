"""A crawler killed with SIGKILL in the middle of a run, then run again, completes the crawl
with no item lost and none stored twice.

What makes it so: every accepted item is in the write-ahead journal before it is buffered (the
next run replays journals whose process is gone), the store's writes are idempotent, and
JOBDIR (here CRAWLER_RESUMABLE, under the data dir) is discarded after a kill because Scrapy
saves its queue only on a clean close (crawler.extensions.jobstate)."""

from __future__ import annotations

import time

from pymongo import MongoClient

from crawler.demo_site import FixtureServer
from crawler.storage import spill
from tests.support.crawl import alive, descendants, run_crawler, start_crawler, wait_for_fetches
from tests.support.fault_checks import check_stored_exactly_once
from tests.support.fault_table import record


def test_sigkill_mid_crawl_then_rerun_loses_nothing_and_stores_nothing_twice(
    demo_site, crawl_env, mongo_uri, db_name, tmp_path
):
    def slow(path):
        time.sleep(0.05)
        return demo_site.render(path)

    data = tmp_path / "data"
    with FixtureServer(slow) as server:
        args = ["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                "-s", "CRAWLER_RESUMABLE=true", "-s", "CONCURRENT_REQUESTS=2",
                # nothing reaches the database before the kill: all lives in the journal
                "-s", "STORE_BATCH_SIZE=100000", "-s", "STORE_FLUSH_INTERVAL=3600",
                "-s", "CRAWLER_PROGRESS_INTERVAL=0",
                # pages read in a worker process, which must not outlive the killed crawl
                "-s", "CRAWLER_EXTRACT_PROCESSES=1"]
        proc = start_crawler(args, crawl_env)
        try:
            wait_for_fetches(proc, server, 20)
            time.sleep(0.2)  # let the scraped pages reach the pipeline
            helpers = descendants(proc.pid)
        finally:
            proc.kill()  # SIGKILL: no shutdown code runs
            proc.wait()
        assert helpers, "the crawl reads pages in worker processes"
        deadline = time.monotonic() + 10
        while alive(helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(helpers) == [], "processes of the killed crawl are still running"

        journals = sorted((data / "spill" / "journal").glob("*.jsonl"))
        assert journals, "accepted items must be on disk before the kill"
        killed_run = journals[0].name.split("-", 1)[0]
        journaled_pages = sum(1 for j in journals for i in spill.read(j) if type(i).__name__ == "PageSnapshot")
        assert journaled_pages > 0
        assert (data / "jobs" / "daily8" / "crawl.running").exists()

        again = run_crawler(args, crawl_env)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "did not close (killed or crashed)" in again.stderr
        assert "journal file(s) of crawls that were killed" in again.stderr

        db = MongoClient(mongo_uri, tz_aware=True)[db_name]
        numbers = check_stored_exactly_once(db, demo_site, server)
        assert numbers == {"lost": 0, "twice": 0}
        line = next(x for x in again.stderr.splitlines() if "journal file(s)" in x)
        record("crawler SIGKILLed mid-crawl, then run again", numbers, again.returncode,
               line.split("WARNING: ")[-1])
        # What the killed run had accepted was stored under its own run id, once.
        assert db.pages.count_documents({"run_id": killed_run}) == journaled_pages
    assert list((data / "spill").rglob("*.jsonl")) == []
    jobdir = data / "jobs" / "daily8"
    assert not (jobdir / "crawl.running").exists() and not (jobdir / "requests.seen").exists()


# -- the JOBDIR guard on its own (a real Scrapy crawler object, no crawl) ------------------------
def _guard(jobdir):
    from scrapy.utils.test import get_crawler

    from crawler.extensions.jobstate import CrashSafeJobdir
    from spiders.daily8 import Daily8Spider

    crawler = get_crawler(Daily8Spider, {"JOBDIR": str(jobdir)})
    return CrashSafeJobdir.from_crawler(crawler), crawler


def test_a_paused_crawl_keeps_its_job_state_and_a_finished_one_clears_it(tmp_path):
    jobdir = tmp_path / "job"
    guard, _ = _guard(jobdir)
    (jobdir / "requests.seen").write_bytes(b"\x00\x01x")
    (jobdir / "requests.queue").mkdir()
    guard.spider_closed(None, "shutdown")  # Ctrl-C / SIGTERM: resume next time
    assert (jobdir / "requests.seen").exists() and not (jobdir / "crawl.running").exists()
    guard, crawler = _guard(jobdir)
    assert crawler.stats.get_value("jobdir/resumed") == 1
    guard.spider_closed(None, "finished")  # done: the next run starts fresh
    assert not (jobdir / "requests.seen").exists() and not (jobdir / "requests.queue").exists()


def test_job_state_left_by_a_killed_crawl_is_discarded(tmp_path, caplog):
    jobdir = tmp_path / "job"
    _guard(jobdir)  # starts, then is "killed": the marker stays
    (jobdir / "requests.seen").write_bytes(b"\x00\x01x")
    _, crawler = _guard(jobdir)
    assert not (jobdir / "requests.seen").exists()
    assert crawler.stats.get_value("jobdir/discarded_after_crash") == 1
    assert "did not close (killed or crashed)" in caplog.text


def test_resumable_puts_jobdir_under_the_data_dir(tmp_path, monkeypatch):
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from crawler.extensions.jobstate import CrashSafeJobdir
    from spiders.daily8 import Daily8Spider

    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    crawler = get_crawler(Daily8Spider, {"CRAWLER_RESUMABLE": True})
    crawler.settings = Settings(crawler.settings.copy_to_dict())  # as before Scrapy freezes them
    CrashSafeJobdir.from_crawler(crawler)
    assert crawler.settings["JOBDIR"] == str(tmp_path / "jobs" / "daily8")
    assert (tmp_path / "jobs" / "daily8" / "crawl.running").exists()
