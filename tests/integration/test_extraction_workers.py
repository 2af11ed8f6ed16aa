"""Pages read in extraction worker processes (crawler/extraction_workers.py): the same result as
in the reactor thread, a worker that dies costs at most the page that killed it, and a crawl
stores the same documents either way."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime

import pytest
from pymongo import MongoClient

from crawler.demo_site import DemoSite, FixtureServer
from crawler.extract import extract, lead_to_json, teaser_to_json
from crawler.extraction_workers import ExtractionWorkerDied, ExtractionWorkers
from crawler.sites.registry import get_profile
from tests.support.crawl import run_crawler

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _json(page) -> dict:
    return {"lead": lead_to_json(page.lead) if page.lead else None,
            "related": [teaser_to_json(t) for t in page.related], "problems": page.problems}


def test_a_worker_reads_a_page_exactly_as_the_reactor_thread_does():
    site = DemoSite()
    profile = get_profile("daily8")
    workers = ExtractionWorkers(1)
    try:
        for path in [*site.listing_paths[:2], *site.article_paths[:10]]:
            html = site.render(path).decode()
            kwargs = dict(url=f"http://127.0.0.1:8000{path}", fetched_at=NOW,
                          tz="Asia/Kolkata", profile=profile, lang="en")
            there = asyncio.run(workers.extract(html, **kwargs))
            here = extract(html, **kwargs)
            assert _json(there) == _json(here), path
        assert workers.worker_pids() and os.getpid() not in workers.worker_pids()
    finally:
        workers.close()


def test_workers_warmed_up_at_the_start_are_the_ones_that_read_the_pages():
    workers = ExtractionWorkers(1)
    try:
        workers.warm_up()
        deadline = time.monotonic() + 30
        while not workers.worker_pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = workers.worker_pids()
        assert len(started) == 1 and os.getpid() not in started
        site = DemoSite()
        html = site.render(site.article_paths[0]).decode()
        page = asyncio.run(workers.extract(html, url="http://127.0.0.1/a", fetched_at=NOW))
        assert page.lead is not None and workers.worker_pids() == started
    finally:
        workers.close()
    in_thread = ExtractionWorkers(0)
    in_thread.warm_up()  # nothing to start: pages are read in the calling thread
    assert in_thread.worker_pids() == []


def test_auto_workers_follow_the_number_of_crawls_on_the_machine(monkeypatch):
    """"auto" with a count of the crawls sharing the machine (the distributed scheduler's):
    resized when the count changes, every RESIZE_EVERY pages, the pages read the same either
    way; a number set by the operator is never resized."""
    from scrapy.settings import Settings

    import crawler.extraction_workers as ew

    monkeypatch.setattr(ew, "RESIZE_EVERY", 2)
    crawls = [64]  # more crawls than cores: no worker processes for this one
    workers = ExtractionWorkers.from_settings(Settings({"CRAWLER_EXTRACT_PROCESSES": "auto"}),
                                              lambda: crawls[0])
    site = DemoSite()
    html = site.render(site.article_paths[0]).decode()
    want = _json(extract(html, url="http://127.0.0.1/a", fetched_at=NOW))

    async def pages(n):
        return [await workers.extract(html, url="http://127.0.0.1/a", fetched_at=NOW)
                for _ in range(n)]

    try:
        workers.warm_up()
        assert workers.processes == 0 and workers.worker_pids() == []
        assert all(_json(p) == want for p in asyncio.run(pages(3)))
        crawls[0] = 1  # the others ended: this crawl's share is the machine's
        got = asyncio.run(pages(4))
        assert all(_json(p) == want for p in got)
        assert workers.processes == ew.processes_for("auto", crawls=1)
        if workers.processes:
            assert workers.worker_pids() and os.getpid() not in workers.worker_pids()
    finally:
        workers.close()
    fixed = ExtractionWorkers.from_settings(Settings({"CRAWLER_EXTRACT_PROCESSES": "0"}),
                                            lambda: 1)
    assert fixed.crawls_here is None


def test_a_page_that_kills_its_worker_fails_alone_and_the_next_page_is_read():
    workers = ExtractionWorkers(1)

    async def scenario():
        site = DemoSite()
        html = site.render(site.article_paths[0]).decode()
        ok_before = await workers.extract(html, url="http://127.0.0.1/a", fetched_at=NOW)
        # os._exit in the worker: the process vanishes as if OOM-killed.
        killer = asyncio.ensure_future(workers.call(os._exit, 9))
        innocent = asyncio.ensure_future(workers.extract(html, url="http://127.0.0.1/b", fetched_at=NOW))
        with pytest.raises(ExtractionWorkerDied, match="died twice"):
            await killer
        after = await innocent  # retried in the new pool if the death took it along
        again = await workers.extract(html, url="http://127.0.0.1/c", fetched_at=NOW)
        return ok_before, after, again

    try:
        before, after, again = asyncio.run(scenario())
        assert before.lead.headline == DemoSite().stories[0].headline
        assert before.lead.headline == after.lead.headline == again.lead.headline
        assert workers.restarts == 2  # the killer's two workers; the innocent page cost none
    finally:
        workers.close()


def test_no_workers_means_the_calling_thread():
    workers = ExtractionWorkers(0)
    page = asyncio.run(workers.extract("<html><body><h1>x</h1></body></html>", fetched_at=NOW))
    assert page is not None and workers.worker_pids() == []


def _stored(uri: str, db: str) -> tuple[list, list]:
    """What a crawl stored, less what depends on the moment or the order pages were read: the
    time a relative "5 minutes ago" resolves to, and near-duplicate clusters (a story joins the
    cluster of its best match among those already seen, so a chain A~B~C with A and C apart
    groups by arrival order, with or without workers)."""
    database = MongoClient(uri, tz_aware=True)[db]
    docs = list(database.articles.find())
    stories = sorted((d["_id"], d.get("headline"), d.get("source"), d.get("summary"),
                      d.get("body"), d.get("authors"), d.get("published_raw"),
                      d.get("completeness"), d.get("image")) for d in docs)
    pages = sorted((d["url"], d.get("lead"), tuple(d.get("related") or ())) for d in database.pages.find())
    return stories, pages


def test_a_crawl_stores_the_same_with_and_without_workers(demo_site, crawl_env, mongo_uri, db_name):
    results = []
    with FixtureServer(demo_site.render) as server:
        for processes, suffix in ((0, "inline"), (1, "workers")):
            env = dict(crawl_env, MONGO_DB=f"{db_name}_{suffix}")
            done = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                                "-s", f"CRAWLER_EXTRACT_PROCESSES={processes}",
                                "-s", "CRAWLER_PROGRESS_INTERVAL=0"], env)
            assert done.returncode == 0, done.stderr[-3000:]
            results.append(_stored(mongo_uri, env["MONGO_DB"]))
    assert results[0][0] and results[0] == results[1]


def _alive(pid: int) -> bool:
    from crawler.processes import pid_alive

    return pid_alive(pid)


def test_recycled_workers_keep_reading_pages_the_same_and_the_old_ones_end():
    """Workers replaced every 3 pages each, with pages in flight across every replacement:
    every page is read once, exactly as in the reactor thread, by several successive
    workers, each replaced worker ends, and ends before the next starts (never two workers'
    memory at once)."""
    site = DemoSite()
    profile = get_profile("daily8")
    paths = [*site.listing_paths[:2], *site.article_paths[:12]]
    pages = [(site.render(p).decode(), dict(url=f"http://127.0.0.1:8000{p}", fetched_at=NOW,
                                             tz="Asia/Kolkata", profile=profile, lang="en"))
             for p in paths]
    workers = ExtractionWorkers(1, recycle_after=3)
    seen_pids: list[int] = []
    most_alive = [0]

    async def one(html, kwargs):
        result = await workers.extract(html, **kwargs)
        seen_pids.extend(p for p in workers.worker_pids() if p not in seen_pids)
        most_alive[0] = max(most_alive[0], len([p for p in seen_pids if _alive(p)]))
        return result

    async def scenario():
        # Five at a time: a replacement always finds pages still held by the old worker.
        results = []
        for start in range(0, len(pages), 5):
            batch = pages[start:start + 5]
            results += await asyncio.gather(*(one(h, k) for h, k in batch))
        return results

    try:
        there = asyncio.run(scenario())
        for (html, kwargs), page in zip(pages, there, strict=True):
            assert _json(page) == _json(extract(html, **kwargs)), kwargs["url"]
        assert workers.recycled == len(pages) // 3 - (len(pages) % 3 == 0)
        assert workers.restarts == 0
        assert len(seen_pids) >= 3
        assert most_alive[0] == 1, "a new worker started before the one it replaces ended"
        current = set(workers.worker_pids())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in seen_pids if p not in current):
            time.sleep(0.1)
        assert not [p for p in seen_pids if p not in current and _alive(p)], "a replaced worker lives on"
    finally:
        workers.close()


def test_a_crawl_with_workers_recycled_every_few_pages_stores_the_same(demo_site, crawl_env,
                                                                        mongo_uri, db_name):
    results = []
    with FixtureServer(demo_site.render) as server:
        for recycle, suffix in ((0, "kept"), (2, "recycled")):
            env = dict(crawl_env, MONGO_DB=f"{db_name}_{suffix}")
            done = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                                "-s", "CRAWLER_EXTRACT_PROCESSES=1",
                                "-s", f"CRAWLER_EXTRACT_RECYCLE_AFTER={recycle}",
                                "-s", "CRAWLER_PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=DEBUG"], env)
            assert done.returncode == 0, done.stderr[-3000:]
            replaced = done.stderr.count("extraction workers replaced by fresh ones")
            assert (replaced >= 5) if recycle else (replaced == 0), replaced
            results.append(_stored(mongo_uri, env["MONGO_DB"]))
    assert results[0][0] and results[0] == results[1]
