"""A generated daily8-style aggregator of any size, and a fast server for it on 127.0.0.1.

Used by benchmarks/crawl.py, benchmarks/scale.py and the distributed-mode tests (here, not in benchmarks/, so tests never import benchmarks).

Site: `count` article pages (a lead story + exactly `teasers` related cards each, laid out by
crawler.demo_site.pages, so the daily8 profile reads them) plus listing pages of PER_LISTING
cards chained by "Next page" links. Every story is listed, so the crawl reaches every page
through the listings even when teaser links would miss some. Content is invented and
deterministic.

Server: every page is rendered once into memory as a complete HTTP/1.1 response (headers and
body as one bytes object), then served by a raw asyncio Protocol in a thread of its own. Per
request it only splits the request line, looks the path up in a dict and writes the prepared
bytes; keep-alive is honoured, so Scrapy's connection pool reuses sockets. That is far less work
per page than the crawler does (a stdlib ThreadingHTTPServer spends more on header parsing and a
thread per connection than Scrapy spends fetching), so the server is not the bottleneck: measured
by `python crawler/demo_site/generated.py`, it serves several thousand pages per second on one core while
bare Scrapy fetches a few hundred. It keeps a request log (`fetched_paths()`) for the tests.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import threading
import time
from collections import Counter
from email.utils import formatdate

from crawler.demo_site import content, pages
from crawler.demo_site import realistic as real_pages
from crawler.demo_site.content import Story
from crawler.politeness import OWN_SITE_SETTINGS

PER_LISTING = 50


def build_stories(count: int, teasers: int = 10, seed: int = 9) -> list[Story]:
    """`count` invented stories, each relating `teasers` others (deterministic; O(count))."""
    rng = random.Random(seed)
    stories: list[Story] = []
    for i in range(count):
        place, subject = rng.choice(content.PLACES), rng.choice(content.SUBJECTS)
        action, obj, reason = (rng.choice(content.ACTIONS), rng.choice(content.OBJECTS),
                               rng.choice(content.REASONS))
        headline = f"{place} {subject} {action} {obj} {reason} (report {i + 1})"
        headline = headline[0].upper() + headline[1:]
        slug = f"{i + 1:05d}-" + "-".join(
            w.strip("'").lower() for w in f"{place} {subject} {action}".split()
        )
        age_text, age_minutes = content.AGES[i % len(content.AGES)]
        paragraphs = [content._sentence(rng, place, subject, obj) + " "
                      + content._sentence(rng, place, subject, obj)
                      for _ in range(rng.randint(6, 9))]
        stories.append(Story(
            slug=slug, headline=headline, publisher=content.PUBLISHERS[i % len(content.PUBLISHERS)],
            age_text=age_text, age_minutes=age_minutes, summary=paragraphs[0].split(".")[0] + ".",
            paragraphs=paragraphs,
            subheads=[f"What {place} is watching", f"Why the {obj} matters"], in_listing=True,
        ))
    slugs = [s.slug for s in stories]
    n = len(stories)
    for i, story in enumerate(stories):
        # A random sample of other stories: O(teasers) per story, never the story itself.
        picks = [slugs[j] for j in rng.sample(range(n), min(teasers + 1, n)) if j != i]
        picks = picks[:teasers]
        story.related = picks
    return stories


def _lend(stories: list[Story]) -> dict[str, object]:
    """Give each story the title and body of an AEB page (round robin); returns slug -> template.

    Only templates whose wrapped page is 100-200 kB are used (measured on a first story).
    """
    templates = real_pages.load_templates()
    probe = stories[0]
    fitting = []
    for template in templates:
        _apply(probe, template, 0)
        size = len(real_pages.wrap(pages.article_page(probe, {s.slug: s for s in stories}),
                                   template).encode())
        if real_pages.fits(size):
            fitting.append(template)
    if not fitting:
        raise SystemExit("no AEB page wraps to 100-200 kB")
    lent = {}
    for i, story in enumerate(stories):
        template = fitting[i % len(fitting)]
        _apply(story, template, i)
        lent[story.slug] = template
    return lent


def _apply(story: Story, template, i: int) -> None:  # noqa: ANN001
    story.headline = f"{template.title} (report {i + 1})"
    story.paragraphs = template.paragraphs
    story.summary = template.paragraphs[0].split(". ")[0][:300]


class GeneratedSite:
    """Every page of the generated aggregator, pre-rendered to bytes.

    realistic=True: article pages of 100-200 kB built around real news pages
    (crawler/demo_site/realistic.py) instead of ~10 kB invented ones; listings stay as they are.
    """

    def __init__(self, pages_total: int = 5000, teasers: int = 10, realistic: bool = False):
        listings = max(1, -(-pages_total // (PER_LISTING + 1)))
        self.stories = build_stories(max(1, pages_total - listings), teasers)
        lent = _lend(self.stories) if realistic else {}
        by_slug = {s.slug: s for s in self.stories}
        chunks = [self.stories[i:i + PER_LISTING] for i in range(0, len(self.stories), PER_LISTING)]
        self.listing_paths = ["/" if k == 1 else f"/page/{k}.html" for k in range(1, len(chunks) + 1)]
        self.html: dict[str, bytes] = {}
        for k, (path, chunk) in enumerate(zip(self.listing_paths, chunks, strict=True), start=1):
            self.html[path] = pages.listing_page(k, len(chunks), chunk).encode()
        for story in self.stories:
            html = pages.article_page(story, by_slug)
            if story.slug in lent:
                html = real_pages.wrap(html, lent[story.slug])
            self.html[story.path] = html.encode()

    @property
    def article_paths(self) -> list[str]:
        return [s.path for s in self.stories]

    def __len__(self) -> int:
        return len(self.html)


def _response(status: str, body: bytes, ctype: bytes) -> bytes:
    head = (f"HTTP/1.1 {status}\r\nContent-Type: ".encode() + ctype
            + f"\r\nContent-Length: {len(body)}\r\nDate: {formatdate(usegmt=True)}\r\n"
              "Connection: keep-alive\r\n\r\n".encode())
    return head + body


class FastServer:
    """Serve a dict of pre-rendered pages on a free port of 127.0.0.1 (asyncio, own thread)."""

    ROBOTS = b"User-agent: *\nAllow: /\n"

    def __init__(self, html: dict[str, bytes], host: str = "127.0.0.1"):
        self.host = host
        self.port = 0
        self._log: list[str] = []
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="fast-site")
        ctype = b"text/html; charset=utf-8"
        self._pages = {p: _response("200 OK", b, ctype) for p, b in html.items()}
        self._pages["/robots.txt"] = _response("200 OK", self.ROBOTS, b"text/plain")
        self._missing = _response("404 Not Found", b"<h1>Not found</h1>", ctype)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FastServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fast site server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> FastServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetched_paths(self) -> list[str]:
        return list(self._log)

    def fetch_counts(self) -> Counter:
        return Counter(self._log)

    # -- serving ---------------------------------------------------------------------------
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        server_self = self

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport):  # noqa: ANN001
                self.transport = transport
                self.buffer = b""

            def data_received(self, data: bytes) -> None:
                self.buffer += data
                while True:
                    end = self.buffer.find(b"\r\n\r\n")
                    if end < 0:
                        return
                    head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
                    line = head.split(b"\r\n", 1)[0].split(b" ")
                    path = line[1].decode("latin-1") if len(line) > 1 else "/"
                    server_self._log.append(path)  # list.append is atomic under the GIL
                    key = path.split("?", 1)[0].split("#", 1)[0]
                    self.transport.write(server_self._pages.get(key, server_self._missing))

        async def serve() -> None:
            self._server = await loop.create_server(Protocol, self.host, 0, backlog=512)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        loop.run_until_complete(serve())
        try:
            loop.run_forever()
        finally:
            self._server.close()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()


def _self_test(seconds: float = 3.0) -> None:
    """How many pages per second the server alone delivers to one keep-alive client."""

    site = GeneratedSite(500)
    with FastServer(site.html) as server:
        paths = list(site.html)
        sock = socket.create_connection((server.host, server.port))
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            path = paths[done % len(paths)]
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            want = len(server._pages[path])
            got = 0
            while got < want:
                got += len(sock.recv(1 << 20))
            done += 1
        sock.close()
        print(f"fast server: {done / (time.perf_counter() - start):.0f} pages/s, one connection")


if __name__ == "__main__":
    _self_test()


def own_site_args() -> list[str]:
    """`-s` options for a crawl of the benchmark's own site on 127.0.0.1: the polite defaults
    (one request at a time per site, a delay, AutoThrottle) raised explicitly, as a user may for
    a site they own."""

    return [a for name, value in OWN_SITE_SETTINGS.items()
            for a in ("-s", f"{name}={json.dumps(value)}")]
