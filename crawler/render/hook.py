"""The spider's side of rendering: after the static extraction, render if the policy says so.

spiders/base.py calls `after_static` from parse_page and, when it returns a Request, yields it
instead of the static items: the same URL again, rendered, with parse_page as its callback and
meta["render_done"] set so it is never rendered twice. The static page travels in the request's
meta; when the render fails (timeout, crash, no download allowed) `fallback` turns it back into
a response so the page is still processed as fetched: nothing fetched is lost.

Stats: render/static (kept as fetched), render/rendered (rendered and extracted),
render/reason/<why> (why each render was asked), render/failed, render/no_browser.
"""

from __future__ import annotations

import asyncio
import logging

import scrapy
from scrapy.http import HtmlResponse, Response

from crawler.render.browser import browser_problem, launch_path
from crawler.render.policy import decide
from crawler.render.requests import method_results, render_meta

log = logging.getLogger(__name__)

_KEPT_HEADERS = (b"Date", b"Content-Type", b"Last-Modified")


def _browser_problem(spider) -> str | None:
    cached = getattr(spider, "_render_browser_problem", False)
    if cached is not False:
        return cached
    settings = spider.crawler.settings
    problem = browser_problem(launch_path(settings))
    spider._render_browser_problem = problem
    return problem


def _report_no_browser(spider, url: str, reason: str, problem: str) -> None:
    stats = spider.crawler.stats
    stats.inc_value("render/no_browser")
    if not getattr(spider, "_render_no_browser_reported", False):
        spider._render_no_browser_reported = True
        log.error("cannot render pages that need JavaScript (first: %s, %s): %s; such pages are "
                  "kept as fetched without a browser (stat render/no_browser counts them)",
                  url, reason, problem)


def _count_rendered(stats, response: Response) -> None:
    stats.inc_value("render/rendered")
    results = method_results(response.meta)
    if results.get("wait_for") is False:
        stats.inc_value("render/wait_timeout")
    if isinstance(results.get("click_load_more"), int):
        stats.inc_value("render/load_more_clicks", results["click_load_more"])
    if isinstance(results.get("scroll_down"), int):
        stats.inc_value("render/scrolls", results["scroll_down"])


def after_static(spider, response: Response, extraction) -> scrapy.Request | None:
    """None to keep the static result; otherwise the render request to yield instead."""
    stats = spider.crawler.stats
    if response.meta.get("render_done"):
        if "playwright" in (response.flags or []):
            _count_rendered(stats, response)
        return None
    profile = getattr(spider, "profile", None)
    render, reason = decide(profile, extraction, response.body)
    if not render:
        stats.inc_value("render/static")
        return None
    problem = _browser_problem(spider)
    if problem:
        stats.inc_value("render/static")
        _report_no_browser(spider, response.url, reason, problem)
        return None
    stats.inc_value(f"render/reason/{reason}")
    meta = render_meta(profile, spider.crawler.settings, reason)
    meta.update(
        render_depth=response.meta.get("depth", 0),
        render_done=True,
        render_static={
            "url": response.url,
            "status": response.status,
            "headers": {k.decode(): response.headers.get(k).decode("latin-1")
                        for k in _KEPT_HEADERS if response.headers.get(k)},
            "body": response.body,
        },
    )
    return scrapy.Request(response.url, callback=spider.parse_page, errback=spider.render_failed,
                          meta=meta, dont_filter=True)


def close_page(meta: dict) -> None:
    """Close a page handed to us (playwright_include_page) that a failure left open."""
    page = meta.pop("playwright_page", None)
    if page is None:
        return
    try:
        if not page.is_closed():
            asyncio.ensure_future(page.close())
    except Exception as exc:  # the page or its browser is already gone
        log.debug("closing page after failure: %s", exc)


def fallback(spider, failure) -> Response | None:
    """Errback of a render request: close its page, count, and return the static response."""
    request = failure.request
    close_page(request.meta)
    stats = spider.crawler.stats
    stats.inc_value("render/failed")
    message = " ".join(failure.getErrorMessage().split())[:300]
    if "launch" in message.lower() or "executable" in message.lower():
        # The browser itself cannot start: stop asking for it, say so once.
        spider._render_browser_problem = f"browser failed to start: {message}"
        _report_no_browser(spider, request.url, request.meta.get("render_reason", "?"),
                           spider._render_browser_problem)
    else:
        log.warning("render failed for %s (%s); keeping the page as fetched", request.url, message)
    static = request.meta.get("render_static")
    if not static:
        return None
    stats.inc_value("render/static")
    depth = request.meta.get("render_depth", request.meta.get("depth", 0))
    meta = {"depth": depth, "render_depth": depth, "render_done": True, "render_fallback": True}
    return HtmlResponse(url=static["url"], status=static["status"], headers=static["headers"],
                        body=static["body"], request=scrapy.Request(static["url"], meta=meta))


def page_depth(response: Response) -> int:
    """The page's crawl depth. A render request is the same page again, but Scrapy's depth
    middleware counted it one level deeper: restore the page's own depth for it and its links."""
    meta = response.meta
    if "render_depth" in meta:
        meta["depth"] = meta["render_depth"]
    return meta.get("depth", 0)
