"""Rendering in real headless Chromium during real crawls (crawler subprocess, real database),
against the fixture pages of tests/fixtures/render served on 127.0.0.1."""

from __future__ import annotations

import pytest
from pymongo import MongoClient

from crawler.render.sample_site import SampleServer
from tests.support.crawl import run_crawler
from tests.support.render_site import RENDER_FIXTURES as FIXTURES
from tests.support.render_site import fixture_routes

TEST_SPIDERS = ["-s", "SPIDER_MODULES=spiders,tests.support.render_spider"]


@pytest.fixture
def site():
    with SampleServer(fixture_routes()) as server:
        yield server


def stat(db, key: str) -> int | None:
    """A counter of the crawl, from its run record (the `runs` document's `stats`)."""
    run = db.runs.find_one(sort=[("started_at", -1)])
    return run["stats"].get(key)


def crawl(site, pages: list[str], env, *extra: str):
    urls = ",".join(site.url("/" + p) for p in pages)
    return run_crawler(["crawl", "aggregator", "-a", f"start_url={urls}", "-a", "max_depth=0",
                        "-s", "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=3000", *extra], env)


def _db(mongo_uri, db_name):
    return MongoClient(mongo_uri, tz_aware=True)[db_name]


def test_auto_renders_the_pages_that_need_it_and_only_those(site, crawl_env, mongo_uri, db_name):
    proc = crawl(site, ["shell.html", "injected.html", "nextjs.html", "static.html"], crawl_env)
    err = proc.stderr
    assert proc.returncode == 0, err[-3000:]
    db = _db(mongo_uri, db_name)
    # Client-rendered shell: the story exists only after its script ran.
    shell = db.articles.find_one({"headline": {"$regex": "^Harbour city opens floating solar"}})
    assert shell and shell["completeness"] == "full" and shell["source"] == "Coastal Ledger"
    shell_page = db.pages.find_one({"url": site.url("/shell.html")})
    assert len(shell_page["related"]) == 4
    # Related list injected after load: all five teasers, in page order, with their times.
    page = db.pages.find_one({"url": site.url("/injected.html")})
    assert page["lead"] and len(page["related"]) == 5
    teaser = db.articles.find_one({"url": site.url("/story/pass-road-night-closures")})
    assert teaser["completeness"] == "teaser" and teaser["published_raw"] == "1 hour ago"
    # Next.js page: content read from __NEXT_DATA__ without a browser.
    assert db.articles.find_one({"headline": {"$regex": "^Glacier lake study"}})
    assert db.pages.count_documents({}) == 4  # one snapshot per page, none twice
    assert stat(db, "render/reason/empty_app_root") == 1
    assert stat(db, "render/reason/related_by_script") == 1
    assert stat(db, "render/rendered") == 2 and stat(db, "render/static") == 2
    assert site.fetched("/nextjs.html") == 1 and site.fetched("/static.html") == 1
    assert site.fetched("/shell-story.json") == 1  # only the browser runs the shell's script
    # Every page the browser opened was closed.
    assert stat(db, "playwright/page_count") == stat(db, "playwright/page_count/closed") == 2


def test_a_page_that_never_finishes_loading_times_out_and_the_crawl_goes_on(
        site, crawl_env, mongo_uri, db_name):
    proc = crawl(site, ["hang.html", "injected.html"], crawl_env,
                 "-s", "RENDER_PAGE_TIMEOUT=8")
    err = proc.stderr
    assert proc.returncode == 0, err[-3000:]
    db = _db(mongo_uri, db_name)
    assert stat(db, "render/failed") == 1 and stat(db, "render/rendered") == 1
    assert stat(db, "playwright/page_count") == stat(db, "playwright/page_count/closed") == 2
    # The hung page is kept as fetched (a snapshot with its problem), the other fully rendered.
    hung = db.pages.find_one({"url": site.url("/hang.html")})
    assert hung is not None and "no_lead" in hung["problems"]
    assert len(db.pages.find_one({"url": site.url("/injected.html")})["related"]) == 5
    assert "render failed for " + site.url("/hang.html") in err


def test_load_more_and_infinite_scroll_are_bounded_by_the_profile(site, crawl_env, mongo_uri,
                                                                  db_name):
    urls = ",".join(site.url(p) for p in ("/loadmore.html", "/scroll.html"))
    proc = run_crawler(["crawl", "render_fixtures", "-a", f"profile={FIXTURES / 'profile.yaml'}",
                        "-a", f"start_url={urls}", *TEST_SPIDERS], crawl_env)
    err = proc.stderr
    assert proc.returncode == 0, err[-3000:]
    db = _db(mongo_uri, db_name)
    # Three cards at first, three per click, max_clicks=2 although the list had more.
    assert len(db.pages.find_one({"url": site.url("/loadmore.html")})["related"]) == 9
    # Three cards per batch, max_scrolls=2 although the feed had six batches.
    assert len(db.pages.find_one({"url": site.url("/scroll.html")})["related"]) == 9
    assert stat(db, "render/load_more_clicks") == 2 and stat(db, "render/scrolls") == 2
    assert stat(db, "render/reason/load_more") == 1
    assert stat(db, "render/reason/infinite_scroll") == 1


@pytest.mark.parametrize("how", ["environment", "-s"])
def test_no_browser_is_reported_once_and_the_crawl_goes_on(how, site, crawl_env, mongo_uri,
                                                           db_name):
    # The browser path is read when the crawl starts, so `-s CRAWLER_CHROMIUM=` counts too.
    pages = ["shell.html", "injected.html", "hang.html", "static.html"]
    if how == "environment":
        proc = crawl(site, pages, {**crawl_env, "CRAWLER_CHROMIUM": "/nonexistent"})
    else:
        proc = crawl(site, pages, crawl_env, "-s", "CRAWLER_CHROMIUM=/nonexistent")
    err = proc.stderr
    assert proc.returncode == 0, err[-3000:]
    lines = [ln for ln in err.splitlines() if "cannot render pages that need JavaScript" in ln]
    assert len(lines) == 1 and "/nonexistent" in lines[0] and "CRAWLER_CHROMIUM" in lines[0]
    db = _db(mongo_uri, db_name)
    assert stat(db, "render/no_browser") == 3
    assert stat(db, "playwright/page_count") is None
    assert db.pages.count_documents({}) == 4
    # Kept as fetched: the lead of the page whose related list needed the browser.
    assert db.articles.find_one({"headline": {"$regex": "^Mountain rail line reopens"}})


def test_a_static_crawl_starts_no_browser(site, crawl_env, mongo_uri, db_name):
    proc = crawl(site, ["static.html", "nextjs.html"], crawl_env)
    err = proc.stderr
    assert proc.returncode == 0, err[-3000:]
    stats = _db(mongo_uri, db_name).runs.find_one()["stats"]
    assert stats.get("render/static") == 2
    assert "Starting download handler" not in err and "Launching browser" not in err
    assert not any(key.startswith("playwright/") for key in stats)
