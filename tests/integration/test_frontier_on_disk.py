"""A crawl keeps its pending requests on disk (crawler.frontier) whatever JOBDIR says: a real
crawl process on the fixture site, with Scrapy's default priority queue and the project's
spider, stores the same as before, and leaves no folder behind, even after being killed. On a
real small filesystem that fills up, no pending request is lost."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pymongo import MongoClient
from scrapy import Request
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.demo_site import FixtureServer
from crawler.frontier.scheduler import DiskFrontierScheduler
from spiders.daily8 import Daily8Spider
from tests.support.crawl import run_crawler, start_crawler, wait_for_fetches
from tests.support.small_disk import fill, tmpfs


def _crawl(server, env, *extra):
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/')}", *extra], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _last_run_stats(mongo_uri, db_name) -> dict:
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    return next(db.runs.find().sort("started_at", -1).limit(1))["stats"]


def test_a_crawl_queues_its_pages_on_disk_and_removes_the_folder(
    demo_site, demo_server, crawl_env, mongo_uri, db_name
):
    _crawl(demo_server, crawl_env)
    stats = _last_run_stats(mongo_uri, db_name)
    assert stats["scheduler/enqueued/disk"] >= len(demo_site.stories)
    assert stats["scheduler/dequeued/disk"] == stats["scheduler/enqueued/disk"]
    assert not stats.get("scheduler/enqueued/memory")
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    assert db.articles.count_documents({"completeness": "full"}) == len(demo_site.stories)
    assert list((Path(crawl_env["CRAWLER_DATA_DIR"]) / "frontier").iterdir()) == []


def test_switched_off_the_pages_wait_in_memory(demo_server, crawl_env, mongo_uri, db_name):
    _crawl(demo_server, crawl_env, "-s", "CRAWLER_FRONTIER_ON_DISK=false")
    stats = _last_run_stats(mongo_uri, db_name)
    assert stats["scheduler/enqueued/memory"] > 0 and not stats.get("scheduler/enqueued/disk")
    assert not (Path(crawl_env["CRAWLER_DATA_DIR"]) / "frontier").exists()


def test_the_folder_of_a_killed_crawl_is_removed_by_the_next(demo_site, crawl_env):
    def slow(path):
        time.sleep(0.05)
        return demo_site.render(path)

    frontier = Path(crawl_env["CRAWLER_DATA_DIR"]) / "frontier"
    with FixtureServer(slow) as server:
        args = ["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                "-s", "CONCURRENT_REQUESTS=2", "-s", "CRAWLER_EXTRACT_PROCESSES=0"]
        proc = start_crawler(args, crawl_env)
        try:
            wait_for_fetches(proc, server, 10)
        finally:
            proc.kill()  # SIGKILL: the folder stays
            proc.wait()
        (left,) = frontier.iterdir()
        then = time.time() - 3600  # an hour later, say: the sweep spares young folders
        os.utime(left, (then, then))
        again = _crawl(server, crawl_env, "-s", "LOG_LEVEL=INFO")
    assert "removed the frontier folder of a crawl that did not close" in again.stderr
    assert list(frontier.iterdir()) == []


def test_a_disk_that_fills_up_under_the_frontier_loses_no_request(tmp_path, monkeypatch, caplog):
    """The kernel's ENOSPC, not an injected one: requests written before the disk filled (still
    in a write buffer, or not) come back, later ones wait in memory, and nothing raises."""
    with tmpfs(tmp_path / "data", "256k") as data:
        monkeypatch.setenv("CRAWLER_DATA_DIR", str(data))
        crawler = get_crawler(Daily8Spider, {
            "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
            "SCHEDULER_DISK_QUEUE": get_project_settings()["SCHEDULER_DISK_QUEUE"]})
        spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
        crawler.spider = spider
        scheduler = DiskFrontierScheduler.from_crawler(crawler)
        scheduler.open(spider)
        urls = [f"http://127.0.0.1:9/story/{i}.html" for i in range(300)]
        got = []
        filler = None
        try:
            for i, url in enumerate(urls):
                if i == 5:
                    filler = fill(data, 0)
                assert scheduler.enqueue_request(Request(url, callback=spider.parse_page))
                if i % 7 == 6:  # the engine pops between pushes
                    got.append(scheduler.next_request())
            while (request := scheduler.next_request()) is not None:
                got.append(request)
        finally:
            scheduler.close("finished")
        stats = crawler.stats
        assert sorted(r.url for r in got) == sorted(urls)
        assert stats.get_value("scheduler/disk_failed") == 1
        assert stats.get_value("scheduler/enqueued/memory") > 0
        assert "No space left on device" in caplog.text
        assert not stats.get_value("scheduler/disk_lost")
        assert filler is not None
        filler.unlink()
        assert list((data / "frontier").iterdir()) == []
