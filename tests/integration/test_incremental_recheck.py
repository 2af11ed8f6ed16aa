"""An unchanged listing (304) still leads to its stories: each is fetched or skipped by its own
state (freshness window, earlier failure, backoff). Real crawler processes, a real database and
a site on 127.0.0.1 that answers 304 to a matching If-None-Match and 503 on demand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from crawler.urls import fingerprint
from tests.support.crawl import run_crawler
from tests.support.news_site import ConditionalServer, NewsSite


@pytest.fixture
def listing_server():
    server = ConditionalServer(NewsSite(count=12, home_validators=True))
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _crawl(server, env):
    return run_crawler(["crawl", "aggregator", "-a", f"start_url={server.base_url}/",
                        "-s", "CRAWLER_FRESHNESS_WINDOW=1h", "-s", "RETRY_TIMES=0"], env)


def test_listing_304_still_rechecks_expired_and_failed_stories(listing_server, crawl_env, mongo_uri,
                                                               db_name):
    site, base = listing_server.site, listing_server.base_url
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    stories = {site.path(n) for n in range(site.count)}

    # Run 1: stories 4 and 6 answer 503.
    site.failing = {4, 6}
    _crawl(listing_server, crawl_env)
    log, _ = listing_server.take()
    assert {p for p, _ in log} == {"/"} | stories
    assert dict(log)[site.path(4)] == 503
    assert db.articles.find_one({"_id": fingerprint(base + site.path(4))})["completeness"] == "teaser"

    # Run 2: the listing is unchanged (304); story 4 is healthy again and fetched, story 6 fails
    # a second time; every other story is fresh and left alone.
    site.failing = {6}
    _crawl(listing_server, crawl_env)
    log, _ = listing_server.take()
    assert sorted(log) == sorted([("/", 304), (site.path(4), 200), (site.path(6), 503)])
    assert db.articles.find_one({"_id": fingerprint(base + site.path(4))})["completeness"] == "full"

    # Between runs: stories 2 and 9 leave the freshness window; story 9 changes.
    for n in (2, 9):
        db.fetch_state.update_one({"_id": fingerprint(base + site.path(n))},
                                  {"$set": {"last_fetched_at": datetime.now(UTC) - timedelta(hours=3)}})
    site.change(9, datetime.now(UTC).replace(microsecond=0))

    # Run 3: listing 304 again; 2 and 9 get conditional GETs (2 unchanged: 304; 9: its new text);
    # story 6 waits out its backoff after two failures in a row.
    proc = _crawl(listing_server, crawl_env)
    log, conditional = listing_server.take()
    assert sorted(log) == sorted([("/", 304), (site.path(2), 304), (site.path(9), 200)])
    assert sorted(conditional) == sorted(["/", site.path(2), site.path(9)])
    assert "Revised in version 2" in db.articles.find_one({"_id": fingerprint(base + site.path(9))})["body"]
    assert "'policy/backoff': 1" in proc.stderr
    assert "'policy/not_modified': 2" in proc.stderr
    state = db.fetch_state.find_one({"_id": fingerprint(base + site.path(6))})
    assert state["failures"] == 2
