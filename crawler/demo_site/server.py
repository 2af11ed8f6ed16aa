"""The demo site's server: `render(path)` served on 127.0.0.1 (crawler.demo_site.local_server), with the
request log the tests count fetches from."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from crawler.demo_site.local_server import ROBOTS_ALLOW_ALL, LocalServer, send

Renderer = Callable[[str], bytes | None]


class FixtureServer(LocalServer):
    """Serve `render(path)` (None: 404) on a free port of 127.0.0.1 in a background thread."""

    def __init__(self, render: Renderer, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.render = render

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path == "/robots.txt":
            send(request, ROBOTS_ALLOW_ALL.encode(), ctype="text/plain")
            return
        page = self.render(request.path)
        if page is None:
            send(request, b"<h1>Not found</h1>", status=404, ctype="text/html")
        else:
            send(request, page)
