"""Who may see the pages: the bind policy, the token check and the headers every answer carries.

Binding anywhere but loopback needs a token (CRAWLER_WEB_TOKEN) or an explicit
--insecure-no-auth. With a token set, every route needs it, loopback or not: as
`Authorization: Bearer TOKEN` (Prometheus' `authorization` scrape option), or once as
`?token=TOKEN`, which sets an HttpOnly cookie and redirects to the same address without it, so the
token does not stay in the address bar or in history. Comparison is constant-time.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "crawler_web_token"
TOKEN_ENV = "CRAWLER_WEB_TOKEN"
MIN_TOKEN_LENGTH = 16

SECURITY_HEADERS = {
    # Nothing but this site's own styles and inline SVG; no script at all.
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_problem(host: str, token: str | None, insecure_no_auth: bool) -> str | None:
    """Why `crawler web` must not start with these options, or None when it may."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return (f"{TOKEN_ENV} is too short ({len(token)} characters): use at least "
                f"{MIN_TOKEN_LENGTH}, e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`")
    if is_loopback(host) or token or insecure_no_auth:
        return None
    return (f"refusing to serve on {host} without a token: set {TOKEN_ENV} (at least "
            f"{MIN_TOKEN_LENGTH} characters), or pass --insecure-no-auth if the network is trusted")


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison, whatever the given value's length or content."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"),
                               expected.encode("utf-8", "surrogateescape"))


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, credentials = value.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


class AccessMiddleware:
    """Security headers on every answer; the token check when a token is configured."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        if self.token is None:
            await self.app(scope, receive, send_with_headers)
            return
        request = Request(scope)
        response = self._check(request)
        if response is None:
            await self.app(scope, receive, send_with_headers)
        else:
            await response(scope, receive, send_with_headers)

    def _check(self, request: Request) -> Response | None:
        assert self.token is not None
        if token_matches(_bearer(request), self.token):
            return None
        if token_matches(request.cookies.get(COOKIE), self.token):
            return None
        query = request.query_params
        if "token" in query and token_matches(query["token"], self.token):
            rest = [(k, v) for k, v in query.multi_items() if k != "token"]
            target = URL(path=request.url.path, query=urlencode(rest))
            response = RedirectResponse(str(target), status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https", path="/")
            return response
        return PlainTextResponse(
            "401 unauthorized: this crawler status page needs its token. Open it once as "
            "/?token=TOKEN (the value of CRAWLER_WEB_TOKEN), or send "
            "'Authorization: Bearer TOKEN'.\n",
            status_code=401, headers={"www-authenticate": 'Bearer realm="crawler web"'})
