"""The zero-config `aggregator` spider on a layout nobody wrote a profile for."""

from __future__ import annotations

from pymongo import MongoClient

from crawler.demo_site import FixtureServer
from tests.support.crawl import FIXTURES, run_crawler

LAYOUTS = FIXTURES / "layouts"


def test_generic_crawl_of_an_unprofiled_site(demo_site, crawl_env, mongo_uri, db_name):
    # The demo site's HTML under paths no profile knows; the generic extractor must cope.
    with FixtureServer(demo_site.render) as server:
        story = demo_site.stories[5]
        proc = run_crawler(["crawl", "aggregator", "-a", f"start_url={server.url(story.path)}",
                            "-a", "max_depth=1"], crawl_env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        fetched = set(server.fetched_paths())
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    lead = db.articles.find_one({"headline": story.headline})
    assert lead["completeness"] == "full" and lead["aggregator"] == "127.0.0.1"
    assert lead["source"] == story.publisher
    # Every teaser's page was followed (depth 1) and stored in full.
    for slug in story.related:
        assert demo_site.by_slug[slug].path in fetched
    assert db.articles.count_documents({"completeness": "full"}) == 1 + len(set(story.related))


def test_aggregator_requires_a_start_url(crawl_env):
    proc = run_crawler(["crawl", "aggregator"], crawl_env)
    assert proc.returncode != 0
    assert "start_url" in proc.stderr
