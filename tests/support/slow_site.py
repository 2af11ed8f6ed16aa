"""A slow news site that counts, from the server's side, how many requests are in flight at once
per Host header: what politeness looks like to the site being crawled.

Pages answer after `delay` seconds. The home page lists `pages` stories; every story page is an
article with a lead and related teasers linking to other stories, so a crawl has many requests
queued for one host at once.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler

from crawler.demo_site.local_server import ROBOTS_ALLOW_ALL, LocalServer, send


def story_page(n: int, total: int) -> str:
    related = "".join(
        f'<li class="related-card"><a href="/story/{m}">Story number {m} from the desk</a>'
        f'<span class="card-source">Desk {m}</span></li>'
        for m in ((n + k) % total for k in range(1, 6))
    )
    body = "".join(f"<p>Paragraph {i} of story {n}, with enough words to count as body text "
                   f"for the extractor reading it.</p>" for i in range(6))
    return (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n} headline "
            f"for the slow site</h1><div class='byline'>By A Writer · Slow Times</div>{body}"
            f"</article><section class='related'><h2>Related Articles</h2><ul>{related}</ul>"
            f"</section></body></html>")


def home_page(total: int) -> str:
    cards = "".join(f'<li class="card"><a href="/story/{n}">Story number {n} from the desk</a>'
                    f'<span class="card-source">Desk {n}</span></li>' for n in range(total))
    return f"<html><head><title>Slow home</title></head><body><ul>{cards}</ul></body></html>"


class SlowSite(LocalServer):
    """`robots` is robots.txt's text (answered at once: only pages are slow)."""

    def __init__(self, delay: float = 1.0, pages: int = 12, robots: str = ROBOTS_ALLOW_ALL):
        super().__init__()
        self.delay = delay
        self.pages = pages
        self.robots = robots
        self._count_lock = threading.Lock()
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.arrivals: list[tuple[float, str]] = []

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        if path == "/robots.txt":
            send(request, self.robots.encode(), ctype="text/plain")
            return
        host = request.headers.get("Host", "?")
        with self._count_lock:
            self.in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
            self.arrivals.append((time.monotonic(), path))
        try:
            self.stopping.wait(self.delay)
            if path == "/":
                send(request, home_page(self.pages).encode())
            elif path.startswith("/story/"):
                try:
                    n = int(path.rsplit("/", 1)[1])
                except ValueError:
                    n = -1
                if 0 <= n < self.pages:
                    send(request, story_page(n, self.pages).encode())
                else:
                    send(request, b"not here", status=404, ctype="text/plain")
            else:
                send(request, b"not here", status=404, ctype="text/plain")
        finally:
            with self._count_lock:
                self.in_flight[host] -= 1

    def page_arrivals(self) -> list[float]:
        with self._count_lock:
            return [t for t, _ in self.arrivals]
