"""A hostile HTTP server on 127.0.0.1 for fault tests: it can send truncated bodies, lie about
charsets, fail with 500/503, accept and never answer, redirect in circles, stream huge bodies and
forbid paths in robots.txt. Each route is a function of the request handler; every request is
logged so tests see what reached the server."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from crawler.demo_site.local_server import ROBOTS_ALLOW_ALL, LocalServer, send

Route = Callable[[BaseHTTPRequestHandler], None]


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


class FaultServer(LocalServer):
    """Serve `routes` (path -> Route) on a free port of 127.0.0.1; robots.txt from `robots`."""

    def __init__(self, routes: dict[str, Route], robots: str = ROBOTS_ALLOW_ALL,
                 delay: float = 0.0):
        super().__init__()
        self.routes = routes
        self.robots = robots
        self.delay = delay
        self.streamed_bytes: list[int] = []

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        if request.path == "/robots.txt":
            send(request, self.robots.encode(), ctype="text/plain")
            return
        route = self.routes.get(request.path.split("?", 1)[0])
        if route is None:
            send(request, b"<h1>Not found</h1>", status=404)
            return
        route(request)
