"""`crawler web` over 100,000 stories inserted directly: the pages are right at that size (counts,
last page, search, publishers). How fast they answer is benchmarks/web.py's to print."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from crawler.web.process import WebServer

N = 100_000
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def big(mongo_uri, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("webscale")
    db_name = f"test_webscale_{os.getpid()}"
    client = MongoClient(mongo_uri, tz_aware=True)
    db = client[db_name]
    now = datetime.now(UTC)
    batch = []
    for i in range(N):
        t = now - timedelta(minutes=i)
        batch.append({"_id": f"{i:040x}", "headline": f"Story {i} about {'harbour' if i % 7 == 0 else 'town'}",
                      "source": f"Publisher {i % 250}", "aggregator": "daily8", "published_at": t,
                      "first_seen_at": t + timedelta(minutes=3), "last_seen_at": t,
                      "completeness": "full" if i % 2 else "teaser", "cluster_id": f"{i:040x}"})
        if len(batch) == 5000:
            db.articles.insert_many(batch, ordered=False)
            batch = []
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name, CRAWLER_DATA_DIR=str(tmp))
    env.pop("CRAWLER_WEB_TOKEN", None)
    with WebServer(env, "--refresh", "3600", timeout=600) as web:
        yield web
    client.drop_database(db_name)
    client.close()


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
def test_pages_are_right_with_100k_stories(big, tmp_path):
    from playwright.sync_api import sync_playwright

    def total(pg) -> int:
        return int(re.sub(r"\D", "", pg.locator("#total strong").inner_text()))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        pg = browser.new_page()
        assert pg.goto(big.url("/stories")).status == 200
        assert total(pg) == N
        assert "page 1 of 2000." in pg.locator("#total").inner_text()
        first = pg.locator("#stories td.headline").first.inner_text()
        assert first == "Story 0 about harbour"
        pg.goto(big.url("/stories?page=2000"))
        assert pg.locator("#stories tr.story").count() == 50
        assert pg.locator("#stories td.headline").last.inner_text() == f"Story {N - 1} about town"
        pg.goto(big.url("/stories?q=harbour&source=Publisher+7"))
        want = sum(1 for i in range(N) if i % 7 == 0 and i % 250 == 7)
        assert total(pg) == want
        pg.goto(big.url("/sources"))
        assert pg.locator("#publishers tr.publisher").count() == 250
        daily8 = pg.locator("#profiles tr.profile", has_text="daily8").locator("td")
        assert int(re.sub(r"\D", "", daily8.nth(4).inner_text())) == N
        assert daily8.nth(6).inner_text() == "50%"
        pg.screenshot(path=str(tmp_path / "sources-100k.png"), full_page=True)
        browser.close()
