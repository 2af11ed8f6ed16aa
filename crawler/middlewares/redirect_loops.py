"""Redirect loops reported as what they are.

Scrapy's RedirectMiddleware follows up to REDIRECT_MAX_TIMES hops, but a loop back to a URL
already visited is dropped by the duplicate filter without a word: the page just vanishes from
the crawl. This middleware (ordered after RedirectMiddleware, so it sees 3xx answers first)
stops a redirect whose target is the request's own URL or one it already passed through, so the
request fails with a clear "redirect loop" that the spider's errback counts and logs.
"""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

from crawler.urls import canonical_url


class RedirectLoopError(IgnoreRequest):
    """A redirect chain came back to a URL it had already visited."""


class RedirectLoopMiddleware:
    @classmethod
    def from_crawler(cls, crawler):
        mw = cls()
        mw.stats = crawler.stats
        return mw

    def process_response(self, request, response, spider=None):
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        target = canonical_url(safe_url_string(urljoin(request.url, location)))
        visited = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonical_url(u) for u in visited}:
            self.stats.inc_value("redirect/loops")
            chain = " -> ".join([*visited, target])
            raise RedirectLoopError(f"redirect loop: {chain}"[:500])
        return response
