"""docs/consumers.md runs as written: the demo site is crawled into a database (with a syndicated
copy on a second host and a withdrawn story), every python block of the guide runs against it in
page order, each block's `result` is what the crawl stored, and every index the guide names
exists."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from crawler.demo_site import DemoSite, FixtureServer
from crawler.demo_site.local_server import send
from crawler.urls import canonical_url, fingerprint
from tests.support.crawl import ROOT, run_crawler

GUIDE = ROOT / "docs" / "consumers.md"
BLOCK = re.compile(r"^## (?P<title>.+?)$|^```python\n(?P<code>.*?)^```$", re.M | re.S)
SERVED_BY = re.compile(r"`(\w+)\.(\w+)`")


def guide_blocks() -> list[tuple[str, str]]:
    """(section title, code) of every python block, in page order."""
    blocks, title = [], ""
    for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8")):
        if match.group("title"):
            title = match.group("title")
        else:
            blocks.append((title, match.group("code")))
    return blocks


def named_indexes() -> set[tuple[str, str]]:
    """(collection, index) pairs the guide says serve a read: the `a.b` names in each sentence
    that starts at "served by"."""
    text = GUIDE.read_text(encoding="utf-8")
    found = set()
    for part in re.split(r"(?i)served by", text)[1:]:
        sentence = re.split(r"\.\s", part, maxsplit=1)[0]
        found |= set(SERVED_BY.findall(sentence))
    return found


class Site(FixtureServer):
    """The demo site; paths in `answers` reply with that status instead."""

    def __init__(self, render):
        super().__init__(render)
        self.answers: dict[str, int] = {}

    def handle(self, request) -> None:
        path = request.path.split("?", 1)[0]
        if path in self.answers:
            send(request, b"<h1>gone</h1>", status=self.answers[path], ctype="text/html")
        else:
            super().handle(request)


@pytest.fixture(scope="module")
def crawled(mongo_uri, tmp_path_factory):
    """Three crawls: the whole demo site; one story's page again under a second host name
    (`localhost`, another site to the crawler: a syndicated copy, clustered with the original);
    a story's related pages with one answering 410 (withdrawn)."""
    site_data = DemoSite()
    db_name = f"test_guide_{uuid.uuid4().hex[:10]}"
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
               CRAWLER_DATA_DIR=str(tmp_path_factory.mktemp("guide_data")))
    original = site_data.stories[0]
    start = site_data.stories[5]
    gone = site_data.by_slug[next(s for s in start.related if s != original.slug)]
    with Site(site_data.render) as site:
        for args in (["-a", f"start_url={site.url('/')}"],
                     ["-a", f"start_url={site.url(original.path).replace('127.0.0.1', 'localhost')}",
                      "-a", "max_depth=0"]):
            proc = run_crawler(["crawl", "daily8", *args], env)
            assert proc.returncode == 0, proc.stderr[-3000:]
        site.answers = {gone.path: 410}
        proc = run_crawler(["crawl", "daily8", "-a", f"start_url={site.url(start.path)}",
                            "-a", "max_depth=1"], env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        client = MongoClient(mongo_uri, tz_aware=True)
        db = client[db_name]
        yield {"db": db, "story_url": canonical_url(site.url(original.path)),
               "copy_id": fingerprint(site.url(original.path).replace("127.0.0.1", "localhost")),
               "gone_id": fingerprint(site.url(gone.path))}
        client.drop_database(db_name)
        client.close()


def _check_story(ns, crawled, db):
    assert ns["result"]["_id"] == fingerprint(crawled["story_url"])
    assert ns["result"]["completeness"] == "full"


def _check_changes(ns, crawled, db):
    everything = sorted(d["_id"] for d in db.articles.find({}, {"_id": 1}))
    assert sorted(d["_id"] for d in ns["result"]) == everything
    assert len(everything) > 40
    keys = [(d["updated_at"], d["_id"]) for d in ns["result"]]
    assert keys == sorted(keys)
    assert ns["again"] == []  # nothing changed between the two reads
    # A story written later in the very millisecond the token stopped at is handed over, once.
    high = ns["token"][0]
    late = {"_id": "f" * 40, "canonical_url": "https://late.example/a", "updated_at": high}
    db.articles.insert_one(late)
    try:
        got = []
        token = ns["read_changes"](db, ns["token"], got.append)
        assert [d["_id"] for d in got] == [late["_id"]]
        got = []
        ns["read_changes"](db, token, got.append)
        assert got == []
        # A write that lands behind the high water (within LAG) is not missed either.
        behind = {"_id": "e" * 40, "canonical_url": "https://late.example/b",
                  "updated_at": high - timedelta(seconds=30)}
        db.articles.insert_one(behind)
        got = []
        ns["read_changes"](db, token, got.append)
        assert [d["_id"] for d in got] == [behind["_id"]]
    finally:
        db.articles.delete_many({"_id": {"$in": [late["_id"], "e" * 40]}})


def _check_publisher(ns, crawled, db):
    since = datetime.now(UTC) - timedelta(days=1, minutes=5)
    want = [d["_id"] for d in db.articles.find({"source": ns["source"]})
            if d.get("published_at") and d["published_at"] >= since and "gone_at" not in d]
    got = [d["_id"] for d in ns["result"]]
    assert got and sorted(got) == sorted(want)
    times = [d["published_at"] for d in ns["result"]]
    assert times == sorted(times, reverse=True)


def _check_withdrawn(ns, crawled, db):
    assert [d["_id"] for d in ns["result"]] == [crawled["gone_id"]]
    assert ns["result"][0]["gone_status"] == 410


def _check_sightings(ns, crawled, db):
    story_id = fingerprint(crawled["story_url"])
    stored = list(db.sightings.find({"story_id": story_id}))
    assert ns["count"] == len(stored) > 1
    assert sorted(s["_id"] for s in ns["result"]) == sorted(s["_id"] for s in stored)
    assert {s["role"] for s in ns["result"]} >= {"lead", "related"}
    assert ns["on_pages"]


def _check_counts(ns, crawled, db):
    story_id = fingerprint(crawled["story_url"])
    assert ns["result"] == {story_id: db.sightings.count_documents({"story_id": story_id})}


def _check_cluster(ns, crawled, db):
    assert [d["_id"] for d in ns["result"]] == [crawled["copy_id"]]


def _check_runs(ns, crawled, db):
    assert len(ns["result"]) == 3
    assert [r["status"] for r in ns["result"]] == ["ok"] * 3
    assert ns["last_ok"]["_id"] == ns["result"][0]["_id"]
    assert ns["pages_of_run"] == db.pages.count_documents({"run_id": ns["last_ok"]["_id"]}) > 0


CHECKS = {
    "One story, by URL": [_check_story],
    "New or updated stories since last time (incremental read with a resume token)": [_check_changes],
    "A publisher's stories of the last day, withdrawn ones left out": [_check_publisher],
    "Withdrawn stories": [_check_withdrawn],
    "A story's sightings, and counting them": [_check_sightings, _check_counts],
    "A syndication cluster: the other copies of a story": [_check_cluster],
    "Runs": [_check_runs],
}


def test_every_block_of_the_guide_returns_what_the_crawl_stored(crawled):
    db = crawled["db"]
    blocks = guide_blocks()
    assert {title for title, _ in blocks} == set(CHECKS), "a guide section without a check"
    pending = {title: list(checks) for title, checks in CHECKS.items()}
    ns: dict = {"db": db, "story_url": crawled["story_url"]}
    for title, code in blocks:
        exec(compile(code, f"{GUIDE}:{title}", "exec"), ns)  # noqa: S102 - the guide's own code
        pending[title].pop(0)(ns, crawled, db)
    assert all(not left for left in pending.values()), pending


def test_every_index_the_guide_names_exists(crawled):
    db = crawled["db"]
    named = named_indexes()
    assert {c for c, _ in named} == {"articles", "sightings", "pages", "runs"}
    assert {("articles", "updated_at_id"), ("sightings", "story_seen"), ("articles", "cluster"),
            ("articles", "source_published"), ("runs", "started_desc")} <= named
    for collection, index in named:
        assert index in db[collection].index_information(), f"{collection}.{index}"


def test_blocks_are_found_and_each_sets_a_result():
    blocks = guide_blocks()
    assert len(blocks) == 8
    assert all(re.search(r"^result = ", code, re.M) for _, code in blocks)
