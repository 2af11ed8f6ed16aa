"""A hostile HTTP server on 127.0.0.1 for fault tests: it can send truncated bodies, lie about
charsets, fail with 500/503, accept and never answer, redirect in circles, stream huge bodies and
forbid paths in robots.txt. Each route is a function of the request handler; every request is
logged so tests see what reached the server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


def send(handler: BaseHTTPRequestHandler, body: bytes, status: int = 200,
         ctype: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    if ctype:
        handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes, ctype: str = "text/html; charset=utf-8") -> Route:
    return lambda h: send(h, body, ctype=ctype)


def status(code: int) -> Route:
    return lambda h: send(h, f"<h1>error {code}</h1>".encode(), status=code)


def redirect(location: str, code: int = 302) -> Route:
    return lambda h: send(h, b"", status=code, headers={"Location": location})


def truncated(body: bytes, claimed: int) -> Route:
    """Claims `claimed` bytes, sends `body`, then closes the connection."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(claimed))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)

    return route


def streamed(total: int, chunk: bytes = b"<p>" + b"x" * 65530 + b"</p>",
             declare: bool = False) -> Route:
    """`total` bytes of HTML, by default with no Content-Length (ended by closing the
    connection), so only a limit on bytes received can stop it; with `declare` the length is
    announced. Stops early when the client hangs up."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if declare:
            h.send_header("Content-Length", str(total + 12))
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        sent = 0
        try:
            h.wfile.write(b"<html><body>")
            while sent < total:
                h.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        h.server_ref.streamed_bytes.append(sent)  # type: ignore[attr-defined]

    return route


def hang(h: BaseHTTPRequestHandler) -> None:
    """Reads the request and never answers (until the server stops)."""
    h.server_ref.stopping.wait(60)  # type: ignore[attr-defined]
    h.close_connection = True


class FaultServer:
    """Serve `routes` (path -> Route) on a free port of 127.0.0.1; robots.txt from `robots`."""

    def __init__(self, routes: dict[str, Route], robots: str = "User-agent: *\nAllow: /\n",
                 delay: float = 0.0):
        self.routes = routes
        self.robots = robots
        self.delay = delay
        self.requests: list[str] = []
        self.streamed_bytes: list[int] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_ref = server

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with server._lock:
                    server.requests.append(self.path)
                if server.delay:
                    time.sleep(server.delay)
                if self.path == "/robots.txt":
                    send(self, server.robots.encode(), ctype="text/plain")
                    return
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    send(self, b"<h1>Not found</h1>", status=404)
                    return
                route(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p in self.requests if p.split("?", 1)[0] == path)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
