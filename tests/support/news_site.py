"""A news site for incremental-crawl tests, served on 127.0.0.1: 20 invented stories, a home
listing, an RSS feed, a news sitemap and a sitemap index, with ETag / Last-Modified, 304 answers
to a matching If-None-Match, stories that answer 503 on demand, and a log of every request."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUBLISHERS = ["Harbour Courier", "Valley Echo", "Northern Ledger", "Coastline Wire"]
T_PUBLISHED = datetime(2025, 6, 14, 6, 0, tzinfo=UTC)


class NewsSite:
    """20 invented stories, a home listing, an RSS feed (first 10) and a news sitemap (all)."""

    def __init__(self, count: int = 20, home_validators: bool = False):
        self.count = count
        # With validators the home page has an ETag and answers 304 while its cards are the same.
        self.home_validators = home_validators
        self.failing: set[int] = set()  # stories that answer 503 Service Unavailable
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

    def sitemap_index(self, base: str) -> bytes:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap></sitemapindex>""".encode()

    def failing_path(self, path: str) -> bool:
        return any(path.split("?", 1)[0] == self.path(n) for n in self.failing)

    def resolve(self, path: str, base: str) -> tuple[bytes, str, datetime | None] | None:
        path = path.split("?", 1)[0]
        if path == "/":
            return self.home(), "text/html; charset=utf-8", T_PUBLISHED if self.home_validators else None
        if path == "/feed.xml":
            return self.feed(base), "application/rss+xml", None
        if path == "/sitemap-news.xml":
            return self.sitemap(base), "application/xml", None
        if path == "/sitemap-index.xml":
            return self.sitemap_index(base), "application/xml", None
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
        self.conditional: list[str] = []  # paths requested with If-None-Match or If-Modified-Since
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    with outer.lock:
                        outer.conditional.append(self.path)
                if outer.site.failing_path(self.path):
                    return self._send(503, b"busy", "text/plain", {})
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
            self.conditional = []
        return out

    def take(self) -> tuple[list[tuple[str, int]], list[str]]:
        """The request log and the conditionally requested paths since the last take, robots.txt
        left out."""
        with self.lock:
            conditional = [p for p in self.conditional if p != "/robots.txt"]
        log = [(p, s) for p, s in self.take_log() if p != "/robots.txt"]
        return log, conditional


