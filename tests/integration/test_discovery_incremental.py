"""Incremental re-crawls end to end: a fixture site with a feed and a news sitemap, served on
127.0.0.1 with ETag / Last-Modified and its own request log, crawled twice by real crawler
processes into the real database."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pymongo import MongoClient

from crawler.urls import fingerprint
from tests.support.crawl import run_crawler
from tests.support.store_items import sightings_of

PUBLISHERS = ["Harbour Courier", "Valley Echo", "Northern Ledger", "Coastline Wire"]
T_PUBLISHED = datetime(2025, 6, 14, 6, 0, tzinfo=UTC)


class NewsSite:
    """20 invented stories, a home listing, an RSS feed (first 10) and a news sitemap (all)."""

    def __init__(self, count: int = 20):
        self.count = count
        self.version = dict.fromkeys(range(count), 1)
        self.modified = {n: T_PUBLISHED + timedelta(minutes=n) for n in range(count)}

    def path(self, n: int) -> str:
        return f"/news/story-{n:02d}.html"

    def headline(self, n: int) -> str:
        return f"Council story number {n} on the harbour plan"

    def body(self, n: int) -> list[str]:
        extra = f" Revised in version {self.version[n]} with the latest figures." if self.version[n] > 1 else ""
        return [
            f"Officials in district {n} met on Monday to discuss the harbour plan and its cost to "
            f"households, which they put at {100 + n} crowns a year.{extra}",
            f"Residents of district {n} asked for the ferry timetable to be kept as it is, and the "
            f"council promised a vote on the question within {n + 2} weeks.",
            f"The plan for district {n} will be published in full before the summer, a spokesperson said.",
        ]

    def change(self, n: int, at: datetime) -> None:
        self.version[n] += 1
        self.modified[n] = at

    def article(self, n: int) -> bytes:
        paras = "".join(f"<p>{escape(p)}</p>" for p in self.body(n))
        return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{escape(self.headline(n))}</title><link rel="canonical" href="{self.path(n)}">
<meta property="article:modified_time" content="{self.modified[n].isoformat()}">
</head><body><main><article>
<h1>{escape(self.headline(n))}</h1>
<p class="byline"><span class="publisher">{PUBLISHERS[n % 4]}</span>
<time datetime="{(T_PUBLISHED + timedelta(minutes=n)).isoformat()}">14 June 2025</time></p>
<div class="story-body">{paras}</div></article></main></body></html>""".encode()

    def home(self) -> bytes:
        cards = "".join(
            f"""<li class="card"><span class="source">{PUBLISHERS[n % 4]}</span>
<span class="time">{n + 1} hours ago</span>
<h3><a href="{self.path(n)}?utm_source=home">{escape(self.headline(n))}</a></h3>
<p class="snippet">A short look at district {n} and its harbour plan.</p></li>"""
            for n in range(self.count))
        return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour News</title>
</head><body><main><h2>Latest stories</h2><ul class="cards">{cards}</ul></main></body></html>""".encode()

    def feed(self, base: str) -> bytes:
        items = "".join(
            f"""<item><title>{escape(self.headline(n))}</title><link>{base}{self.path(n)}</link>
<description>Feed summary of district {n}.</description>
<pubDate>{format_datetime(T_PUBLISHED + timedelta(minutes=n))}</pubDate></item>"""
            for n in range(10))
        return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>
<link>{base}/</link>{items}</channel></rss>""".encode()

    def sitemap(self, base: str) -> bytes:
        urls = "".join(
            f"""<url><loc>{base}{self.path(n)}</loc><lastmod>{self.modified[n].isoformat()}</lastmod>
<news:news><news:publication><news:name>Harbour News</news:name><news:language>en</news:language>
</news:publication><news:publication_date>{(T_PUBLISHED + timedelta(minutes=n)).isoformat()}</news:publication_date>
<news:title>{escape(self.headline(n))}</news:title></news:news></url>"""
            for n in range(self.count))
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>""".encode()

    def resolve(self, path: str, base: str) -> tuple[bytes, str, datetime | None] | None:
        path = path.split("?", 1)[0]
        if path == "/":
            return self.home(), "text/html; charset=utf-8", None
        if path == "/feed.xml":
            return self.feed(base), "application/rss+xml", None
        if path == "/sitemap-news.xml":
            return self.sitemap(base), "application/xml", None
        for n in range(self.count):
            if path == self.path(n):
                return self.article(n), "text/html; charset=utf-8", self.modified[n]
        return None


class ConditionalServer:
    """HTTP/1.1 on 127.0.0.1: ETag and Last-Modified on articles, 304 on a matching
    If-None-Match; logs (path, status) of every request."""

    def __init__(self, site: NewsSite):
        self.site = site
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                if self.path == "/robots.txt":
                    body, ctype, modified = b"User-agent: *\nAllow: /\n", "text/plain", None
                else:
                    found = outer.site.resolve(self.path, outer.base_url)
                    if found is None:
                        return self._send(404, b"not found", "text/plain", {})
                    body, ctype, modified = found
                headers = {}
                if modified is not None:
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
                    if self.headers.get("If-None-Match") == etag:
                        return self._send(304, b"", None, headers)
                self._send(200, body, ctype, headers)

            def _send(self, status, body, ctype, headers):
                with outer.lock:
                    outer.log.append((self.path, status))
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def take_log(self) -> list[tuple[str, int]]:
        with self.lock:
            out, self.log = self.log, []
        return out


@pytest.fixture
def news_server():
    server = ConditionalServer(NewsSite())
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


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
