"""A small HTTP server on 127.0.0.1 for pages that need a browser (tests, benchmark, by hand).

Unlike the demo site's server it sets each route's Content-Type and extra headers (scripts,
JSON, attachments), can delay a response (slow images for the blocking benchmark) and can hang
one forever (a page that never finishes loading); hung handlers are released on stop().
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


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


class SampleServer:
    """Serve `routes` (path -> Route, or a callable path -> Route | None) on a free port."""

    def __init__(self, routes: dict[str, Route] | Callable[[str], Route | None],
                 host: str = "127.0.0.1", port: int = 0):
        self.routes = routes
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with server._lock:
                    server.requests.append(self.path)
                path = self.path.split("?", 1)[0]
                if path == "/robots.txt":
                    route = Route(b"User-agent: *\nAllow: /\n", "text/plain")
                else:
                    route = server.lookup(path)
                if route is None:
                    route = Route(b"<h1>Not found</h1>")
                    status = 404
                else:
                    status = 200
                if route.hang:
                    server._stopping.wait()
                    return
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def lookup(self, path: str) -> Route | None:
        if callable(self.routes):
            return self.routes(path)
        return self.routes.get(path)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetched(self, path: str) -> int:
        """How many times `path` was requested."""
        with self._lock:
            return sum(1 for p in self.requests if p.split("?", 1)[0] == path)

    def start(self) -> SampleServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
