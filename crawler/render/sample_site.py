"""A small HTTP server on 127.0.0.1 for pages that need a browser (tests, benchmark, by hand).

Unlike the demo site's server it sets each route's Content-Type and extra headers (scripts,
JSON, attachments), can delay a response (slow images for the blocking benchmark) and can hang
one forever (a page that never finishes loading); hung handlers are released on stop().
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from crawler.demo_site.local_server import ROBOTS_ALLOW_ALL, LocalServer, send


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    hang: bool = False  # never answer (until the server stops)


def routes_from_dir(folder: str | Path) -> dict[str, Route]:
    """Every file of `folder` at /<name>, typed by its extension."""
    out: dict[str, Route] = {}
    for path in sorted(Path(folder).iterdir()):
        if path.is_file():
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
                ctype += "; charset=utf-8"
            out["/" + path.name] = Route(path.read_bytes(), ctype)
    return out


class SampleServer(LocalServer):
    """Serve `routes` (path -> Route, or a callable path -> Route | None) on a free port."""

    def __init__(self, routes: dict[str, Route] | Callable[[str], Route | None],
                 host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.routes = routes

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        if path == "/robots.txt":
            route: Route | None = Route(ROBOTS_ALLOW_ALL.encode(), "text/plain")
        else:
            route = self.lookup(path)
        status = 200
        if route is None:
            route, status = Route(b"<h1>Not found</h1>"), 404
        if route.hang:
            self.stopping.wait()
            return
        if route.delay:
            time.sleep(route.delay)
        send(request, route.body, status=status, ctype=route.content_type, headers=route.headers)

    def lookup(self, path: str) -> Route | None:
        if callable(self.routes):
            return self.routes(path)
        return self.routes.get(path)

    def fetched(self, path: str) -> int:
        """How many times `path` was requested."""
        return self.hits(path)
