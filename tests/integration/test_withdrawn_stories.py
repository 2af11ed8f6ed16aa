"""Withdrawn stories and robots.txt are facts about pages, not failures of the crawl: a crawl
of a site where stored stories now answer 410/404 and robots.txt disallows a path exits 0,
marks the stories gone (article and `pages`), and `crawler runs` shows the run ok with the
policy counts apart from problems. A story whose page comes back loses the mark."""

from __future__ import annotations

import json

from pymongo import MongoClient

from crawler.demo_site import FixtureServer
from crawler.demo_site.local_server import send
from crawler.urls import fingerprint
from tests.support.crawl import run_crawler


class ChangingSite(FixtureServer):
    """The demo site with some story pages answering an error status, and a robots.txt."""

    def __init__(self, render, robots: str):
        super().__init__(render)
        self.answers: dict[str, int] = {}
        self.robots = robots

    def handle(self, request) -> None:
        path = request.path.split("?", 1)[0]
        if path == "/robots.txt":
            send(request, self.robots.encode(), ctype="text/plain")
        elif path in self.answers:
            send(request, b"<h1>gone</h1>", status=self.answers[path], ctype="text/html")
        else:
            super().handle(request)


def test_gone_stories_are_recorded_and_the_run_is_ok(demo_site, crawl_env, mongo_uri, db_name):
    start = demo_site.stories[5]
    related = [demo_site.by_slug[s] for s in dict.fromkeys(start.related)]
    gone_410, gone_404, disallowed = related[0], related[1], related[2]
    robots = f"User-agent: *\nDisallow: {disallowed.path}\n"
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    with ChangingSite(demo_site.render, robots) as site:
        args = ["crawl", "daily8", "-a", f"start_url={site.url(start.path)}", "-a", "max_depth=1"]
        first = run_crawler(args, crawl_env)
        assert first.returncode == 0, first.stderr[-3000:]
        for story in (gone_410, gone_404):
            doc = db.articles.find_one({"_id": fingerprint(site.url(story.path))})
            assert doc["completeness"] == "full" and "gone_at" not in doc

        site.answers = {gone_410.path: 410, gone_404.path: 404}
        second = run_crawler(args, crawl_env)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "Traceback" not in second.stderr
        assert disallowed.path not in site.fetched_paths()

        for story, status in ((gone_410, 410), (gone_404, 404)):
            doc = db.articles.find_one({"_id": fingerprint(site.url(story.path))})
            assert doc["gone_status"] == status and doc["gone_at"] is not None
            assert doc["updated_at"] >= doc["gone_at"]
            page = db.pages.find_one({"url": site.url(story.path), "status": status})
            assert page["problems"] == ["gone"] and page["lead"] == doc["_id"]
        live = db.articles.count_documents({"gone_at": {"$exists": False}})
        assert live == db.articles.count_documents({}) - 2

        runs = list(db.runs.find().sort("started_at", -1))
        assert [r["status"] for r in runs] == ["ok", "ok"]
        assert runs[0]["policy"]["gone"] == 2 and runs[0]["policy"]["robots"] == 1
        assert runs[0]["errors"] == {}

        table = run_crawler(["runs"], crawl_env, timeout=60)
        header, newest = table.stdout.splitlines()[:2]
        assert "POLICY" in header and "PROBLEMS" in header
        assert " ok " in newest and "gone=2" in newest and "robots=1" in newest
        assert "http_404" not in table.stdout and "SkippedByPolicy" not in table.stdout
        as_json = json.loads(run_crawler(["runs", "--json", "-n", "1"], crawl_env).stdout)
        assert as_json["policy"] == {"gone": 2, "robots": 1}

        site.answers = {gone_404.path: 404}  # the 410 story is back
        third = run_crawler(args, crawl_env)
        assert third.returncode == 0, third.stderr[-3000:]
        back = db.articles.find_one({"_id": fingerprint(site.url(gone_410.path))})
        assert "gone_at" not in back and "gone_status" not in back
        still = db.articles.find_one({"_id": fingerprint(site.url(gone_404.path))})
        assert still["gone_status"] == 404
