"""Repeated feed and sitemap URLs: the crawl reads each once, still requests its start page and
every entry page, and says how many repeats it skipped."""

from __future__ import annotations

from pymongo import MongoClient

from crawler.urls import fingerprint
from tests.support.crawl import run_crawler


def test_same_feed_twice_and_sitemap_directly_and_through_its_index(news_server, crawl_env, mongo_uri,
                                                                   db_name):
    site, base = news_server.site, news_server.base_url
    proc = run_crawler(["crawl", "aggregator", "-a", f"start_url={base}/",
                        "-a", f"feeds={base}/feed.xml,{base}/feed.xml",
                        "-a", f"sitemaps={base}/sitemap-index.xml,{base}/sitemap-news.xml"], crawl_env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    log, _ = news_server.take()
    paths = [p for p, _ in log]
    # Each discovery document once; the start page and every story requested.
    assert sorted(p for p in paths if p.endswith(".xml")) == [
        "/feed.xml", "/sitemap-index.xml", "/sitemap-news.xml"]
    assert "/" in paths
    assert {site.path(n) for n in range(site.count)} <= set(paths)
    assert "2 repeated URL(s) skipped" in proc.stderr
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    assert db.articles.count_documents({"completeness": "full"}) == site.count
    run = db.runs.find_one()
    assert run["status"] == "ok", run


def test_sitemap_teasers_store_lastmod_as_modified_at(news_server, crawl_env, mongo_uri, db_name):
    site, base = news_server.site, news_server.base_url
    proc = run_crawler(["crawl", "aggregator", "-a", f"start_url={base}/", "-a", "max_depth=0",
                        "-a", f"sitemaps={base}/sitemap-news.xml"], crawl_env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    doc = db.articles.find_one({"_id": fingerprint(base + site.path(4))})
    assert doc["completeness"] == "teaser"
    assert doc["modified_at"] == site.modified[4]
    assert doc["published_precision"] == "second"
