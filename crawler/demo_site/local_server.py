"""The plumbing every fixture site shares: an HTTP/1.1 server on a free port of 127.0.0.1, in a
background thread, that logs every request it receives.

Tests read the log to count fetches (what reached the server, not what the crawler thinks it
did). Subclasses answer GET requests in `handle`; `send` writes a whole response. Python's
threading HTTP server is enough for fixture sites; the throughput benchmarks use their own faster
server (crawler/demo_site/generated.py).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

ROBOTS_ALLOW_ALL = "User-agent: *\nAllow: /\n"


def send(handler: BaseHTTPRequestHandler, body: bytes, status: int = 200,
         ctype: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
    """One complete response with a Content-Length (keep-alive stays usable)."""
    handler.send_response(status)
    if ctype:
        handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


class LocalServer:
    """Serve GET requests through `handle` on 127.0.0.1; `requests` logs every path asked for.

    `stopping` is set by stop(): handlers that hold a request open (a page that never answers)
    wait on it so the server can shut down."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_ref = server

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with server._lock:
                    server.requests.append(self.path)
                server.handle(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetched_paths(self) -> list[str]:
        """Every path requested so far, query strings included, in arrival order."""
        with self._lock:
            return list(self.requests)

    def hits(self, path: str) -> int:
        """How many times `path` (query string ignored) was requested."""
        with self._lock:
            return sum(1 for p in self.requests if p.split("?", 1)[0] == path)

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
