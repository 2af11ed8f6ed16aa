"""A small HTTP server for fixture sites on 127.0.0.1, with its own request log.

Tests read the log to count fetches (what reached the server, not what the crawler thinks it
did). Python's threading HTTP server is enough here: fixture sites are small; the throughput
benchmark uses its own faster server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Renderer = Callable[[str], bytes | None]


class FixtureServer:
    """Serve `render(path)` on a free port of 127.0.0.1 in a background thread."""

    def __init__(self, render: Renderer, host: str = "127.0.0.1", port: int = 0):
        self.render = render
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with server._lock:
                    server.requests.append(("GET", self.path))
                if self.path == "/robots.txt":
                    body, status, ctype = b"User-agent: *\nAllow: /\n", 200, "text/plain"
                else:
                    page = server.render(self.path)
                    if page is None:
                        body, status, ctype = b"<h1>Not found</h1>", 404, "text/html"
                    else:
                        body, status, ctype = page, 200, "text/html; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetched_paths(self) -> list[str]:
        with self._lock:
            return [p for _, p in self.requests]

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
