"""Incremental re-crawls end to end: a fixture site with a feed and a news sitemap, served on
127.0.0.1 with ETag / Last-Modified and its own request log, crawled twice by real crawler
processes into the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import MongoClient

from crawler.urls import fingerprint
from tests.support.crawl import run_crawler
from tests.support.store_items import sightings_of


def _crawl(server, env):
    base = server.base_url
    proc = run_crawler(["crawl", "aggregator", "-a", f"start_url={base}/",
                        "-a", f"feeds={base}/feed.xml", "-a", f"sitemaps={base}/sitemap-news.xml",
                        "-s", "CRAWLER_FRESHNESS_WINDOW=1h"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_second_run_fetches_listings_changed_and_stale_pages_only(news_server, crawl_env, mongo_uri, db_name):
    site = news_server.site
    base = news_server.base_url
    _crawl(news_server, crawl_env)
    first = [p for p, _ in news_server.take_log() if p != "/robots.txt"]
    articles = {site.path(n) for n in range(site.count)}
    listings = {"/", "/feed.xml", "/sitemap-news.xml"}
    assert sorted(first) == sorted(listings | articles), "first run fetches every page once"

    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    assert db.articles.count_documents({}) == site.count
    doc = db.articles.find_one({"_id": fingerprint(base + site.path(3))})
    assert doc["completeness"] == "full" and "district 3" in doc["body"]
    assert {s["role"] for s in sightings_of(db, doc["_id"])} == {"lead", "feed", "sitemap", "related"}
    assert doc["modified_at"] == site.modified[3]
    stale_doc_before = db.articles.find_one({"_id": fingerprint(base + site.path(7))})

    # Between runs: 10% of the articles change (and say so in the sitemap); two others were
    # last fetched long ago (outside the 1h freshness window).
    changed, stale = {5, 12}, {7, 16}
    for n in changed:
        site.change(n, datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1))
    for n in stale:
        db.fetch_state.update_one({"_id": fingerprint(base + site.path(n))},
                                  {"$set": {"last_fetched_at": datetime.now(UTC) - timedelta(hours=3)}})

    _crawl(news_server, crawl_env)
    log = [(p, status) for p, status in news_server.take_log() if p != "/robots.txt"]
    expected = listings | {site.path(n) for n in changed | stale}
    assert sorted(p for p, _ in log) == sorted(expected)
    statuses = dict(log)
    assert all(statuses[site.path(n)] == 200 for n in changed)
    assert all(statuses[site.path(n)] == 304 for n in stale)  # conditional request, unchanged

    # No duplicate; the changed stories carry their new text; the 304 only advanced last_seen_at.
    assert db.articles.count_documents({}) == site.count
    assert len(db.articles.distinct("canonical_url")) == site.count
    for n in changed:
        doc = db.articles.find_one({"_id": fingerprint(base + site.path(n))})
        assert "Revised in version 2" in doc["body"]
    stale_doc_after = db.articles.find_one({"_id": fingerprint(base + site.path(7))})
    assert stale_doc_after["last_seen_at"] > stale_doc_before["last_seen_at"]
    ignore = {"last_seen_at"}
    assert {k: v for k, v in stale_doc_after.items() if k not in ignore} == {
        k: v for k, v in stale_doc_before.items() if k not in ignore}
    runs = list(db.runs.find())
    assert len(runs) == 2 and all(r["status"] == "ok" for r in runs), runs
