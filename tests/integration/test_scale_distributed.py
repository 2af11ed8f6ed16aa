"""Distributed mode (scrapy-redis, crawler/distributed/__init__.py) against a real Redis, real crawler
processes, a generated aggregator served on 127.0.0.1 and the test database."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from pymongo import MongoClient

from crawler.demo_site.generated import FastServer, GeneratedSite
from tests.support.crawl import CRAWLER, ROOT

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not os.path.exists(REDIS_SERVER),
                                reason="redis-server is not installed (make setup-test)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a free port of 127.0.0.1, data in tmp, stopped at teardown."""
    port = _free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _reap_workers():
    """No worker outlives its test, whatever the test's outcome."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _worker(server: FastServer, env: dict, redis_url: str, *extra: str) -> subprocess.Popen:
    args = [*CRAWLER, "crawl", "daily8", "-a", f"start_url={server.url('/')}",
            "-a", "max_depth=10000", "-s", f"REDIS_URL={redis_url}", "-s", "LOG_LEVEL=WARNING",
            "-s", "CONCURRENT_REQUESTS=8", "-s", "CRAWLER_REDIS_IDLE_POLL=0.5", *extra]
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    _STARTED.append(proc)
    return proc


def _finish(procs: list[subprocess.Popen], timeout: float = 240) -> list[str]:
    errs = []
    for proc in procs:
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
            pytest.fail(f"worker did not finish (idle forever?): {err[-2000:]}")
        errs.append(err)
        assert proc.returncode == 0, err[-3000:]
    return errs


def _pages(counts: Counter) -> Counter:
    return Counter({p.split("?", 1)[0]: n for p, n in counts.items() if p != "/robots.txt"})


def _fetches(server: FastServer) -> Counter:
    return _pages(Counter(p.split("?", 1)[0] for p in server.fetched_paths()))


@pytest.fixture(scope="module")
def site2000():
    # The 2,000 pages, daily8-shaped (a lead + 10 related teasers each): ~22,000
    # sightings merged by three writers. SCALE_TEST_PAGES makes it smaller for a quick run.
    return GeneratedSite(int(os.environ.get("SCALE_TEST_PAGES", "2000")), teasers=10)


def test_three_workers_fetch_every_page_once_and_store_every_story_once(
    site2000, redis_url, crawl_env, mongo_uri, db_name
):
    with FastServer(site2000.html) as server:
        workers = [_worker(server, crawl_env, redis_url) for _ in range(3)]
        _finish(workers)  # all three end by themselves once the shared queue is drained
        fetched = _fetches(server)
    assert set(fetched) == set(site2000.html)
    assert [p for p, n in fetched.items() if n != 1] == []
    db = MongoClient(mongo_uri)[db_name]
    assert db.articles.count_documents({}) == len(site2000.stories)
    assert db.articles.count_documents({"completeness": "full"}) == len(site2000.stories)
    urls = [d["url"] for d in db.pages.find({}, {"url": 1})]
    assert len(urls) == len(set(urls)) == len(site2000.html)
    # Every sighting merged exactly once whichever worker wrote it: a story's page list is its
    # own page, the listing page that lists it, and every page that relates it; no page twice.
    related_on: Counter = Counter(slug for story in site2000.stories for slug in story.related)
    slug_of = {d["_id"]: d["url"].rsplit("/", 1)[-1].removesuffix(".html")
               for d in db.articles.find({}, {"url": 1})}
    seen: dict[str, list[str]] = {slug: [] for slug in slug_of.values()}
    for sighting in db.sightings.find({}, {"story_id": 1, "page_url": 1}):
        seen[slug_of[sighting["story_id"]]].append(sighting["page_url"])
    wrong = {slug: len(pages) for slug, pages in seen.items()
             if len(pages) != len(set(pages)) or len(pages) != 2 + related_on[slug]}
    assert wrong == {}


def test_killed_worker_loses_nothing(redis_url, crawl_env, mongo_uri, db_name):
    site = GeneratedSite(120, teasers=1)
    with FastServer(site.html) as server:
        first = _worker(server, crawl_env, redis_url, "-s", "CRAWLER_REDIS_WORKER_TTL=2")
        deadline = time.monotonic() + 120
        while len(server.fetched_paths()) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)  # mid-crawl: requests in flight, items unflushed
        first.communicate()
        assert len(_fetches(server)) < len(site.html), "the crawl finished before the kill"
        errs = _finish([_worker(server, crawl_env, redis_url, "-s", "LOG_LEVEL=WARNING")])
        fetched = _fetches(server)
    assert "back in the queue" in errs[0]
    assert set(fetched) == set(site.html)
    db = MongoClient(mongo_uri)[db_name]
    assert db.articles.count_documents({"completeness": "full"}) == len(site.stories)
    stored_pages = {d["url"] for d in db.pages.find({}, {"url": 1})}
    assert stored_pages == {server.url(p) for p in site.html}


def test_next_run_refetches_listings_but_not_articles(redis_url, crawl_env):
    """scrapy-redis keeps fingerprints forever; listing pages must still come back every run."""
    site = GeneratedSite(60, teasers=1)
    with FastServer(site.html) as server:
        _finish([_worker(server, crawl_env, redis_url)])
        first = _fetches(server)
        _finish([_worker(server, crawl_env, redis_url)])
        both = _fetches(server)
    assert set(first) == set(site.html)
    second = both - first
    assert set(second) == set(site.listing_paths)  # every listing again, no article
    assert all(n == 1 for n in second.values())


def test_unpicklable_meta_and_callbacks_are_kept_out_of_redis(redis_url):
    """scrapy-redis pickles requests: live objects in meta are dropped with a warning, and a
    request whose callback is not a spider method stays with this worker instead of failing."""
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from crawler.distributed import LEASE, DistributedScheduler
    from spiders.daily8 import Daily8Spider

    crawler = get_crawler(Daily8Spider, {"REDIS_URL": redis_url, "CRAWLER_REDIS_PREFIX": "t:%(spider)s",
                                         "SCHEDULER_QUEUE_CLASS": "crawler.distributed.SafeQueue",
                                         "SCHEDULER_PERSIST": True,
                                         "DUPEFILTER_CLASS": "crawler.distributed.RunDupeFilter"})
    spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
    crawler.spider = spider
    scheduler = DistributedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    try:
        page = Request("http://127.0.0.1:9/story/1.html", callback=spider.parse_page,
                       meta={"depth": 2, "playwright_page": object(), "lock": threading.Lock()})
        assert scheduler.enqueue_request(page)
        odd = Request("http://127.0.0.1:9/story/2.html", callback=lambda r: None)
        assert scheduler.enqueue_request(odd)
        assert scheduler.enqueue_request(page.replace(url="http://127.0.0.1:9/story/1.html")) is False
        got = [scheduler.next_request(), scheduler.next_request(), scheduler.next_request()]
    finally:
        scheduler.close("finished")
    assert got[0] is odd  # kept locally, served first
    shared = got[1]
    assert shared.url == page.url and shared.meta["depth"] == 2
    assert "playwright_page" not in shared.meta and "lock" not in shared.meta
    assert shared.meta[LEASE] and shared.callback == spider.parse_page
    assert got[2] is None


def test_redis_url_switches_scheduler_and_unset_leaves_it_alone(redis_url):
    from scrapy.utils.project import get_project_settings

    from crawler.distributed import DistributedMode

    def scheduler_for(extra: dict) -> tuple[str, str]:
        settings = get_project_settings()
        settings.setdict(extra, priority="cmdline")
        assert "crawler.distributed.addon.DistributedMode" in settings["ADDONS"]
        DistributedMode().update_settings(settings)  # what Scrapy's add-on manager calls
        return settings["SCHEDULER"], settings["DUPEFILTER_CLASS"]

    env = os.environ.pop("REDIS_URL", None)
    try:
        assert scheduler_for({"REDIS_URL": None}) == (
            "scrapy.core.scheduler.Scheduler", "scrapy.dupefilters.RFPDupeFilter")
        assert scheduler_for({"REDIS_URL": redis_url}) == (
            "crawler.distributed.scheduler.DistributedScheduler",
            "crawler.distributed.dupefilter.RunDupeFilter")
    finally:
        if env is not None:
            os.environ["REDIS_URL"] = env


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_a_request_is_marked_seen_only_with_its_place_in_the_queue(redis_url):
    """A worker killed (or a Redis write refused) after marking a page seen but before queueing
    it left the page seen and queued nowhere: no worker would ever fetch it. Found as a page
    missing after a worker was SIGKILLed mid-crawl; here the queue write is made to fail
    between the two."""
    import redis
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from crawler.distributed import DistributedScheduler
    from spiders.daily8 import Daily8Spider

    crawler = get_crawler(Daily8Spider, {"REDIS_URL": redis_url,
                                         "CRAWLER_REDIS_PREFIX": "atomic:%(spider)s",
                                         "SCHEDULER_QUEUE_CLASS": "crawler.distributed.SafeQueue",
                                         "DUPEFILTER_CLASS": "crawler.distributed.RunDupeFilter"})
    spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
    crawler.spider = spider
    scheduler = DistributedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    server = redis.Redis.from_url(redis_url)
    page = Request("http://127.0.0.1:9/story/7.html", callback=spider.parse_page)
    try:
        server.set(scheduler.queue.key, b"not a queue")  # the queue write will be refused
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            scheduler.enqueue_request(page)
        server.delete(scheduler.queue.key)
        assert scheduler.enqueue_request(page)  # not taken for a page already queued
        assert scheduler.next_request().url == page.url
        assert scheduler.enqueue_request(page) is False  # and once queued, it is seen
    finally:
        scheduler.close("finished")
        server.close()


def test_workers_count_the_crawls_sharing_their_machine(redis_url):
    """Each worker tells its spider how many live workers of the run share this machine, so
    that "auto" extraction workers split its cores: two schedulers open, two crawls; one
    closed, one again."""
    from scrapy.utils.test import get_crawler

    from crawler.distributed import DistributedScheduler
    from spiders.daily8 import Daily8Spider

    settings = {"REDIS_URL": redis_url, "CRAWLER_REDIS_PREFIX": "count:%(spider)s",
                "SCHEDULER_QUEUE_CLASS": "crawler.distributed.SafeQueue",
                "DUPEFILTER_CLASS": "crawler.distributed.RunDupeFilter"}
    opened = []
    try:
        for _ in range(2):
            crawler = get_crawler(Daily8Spider, settings)
            spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
            crawler.spider = spider
            scheduler = DistributedScheduler.from_crawler(crawler)
            scheduler.open(spider)
            opened.append((scheduler, spider))
        assert [spider.crawls_here() for _, spider in opened] == [2, 2]
        opened.pop()[0].close("shutdown")
        assert opened[0][1].crawls_here() == 1
    finally:
        for scheduler, _ in opened:
            scheduler.close("shutdown")
