"""Why the incremental middleware did not fetch a page: the exceptions it raises and the spiders
recognise in their errbacks (a skip by policy is not a fault). A leaf module, so that spiders
know these without importing the middleware and, through it, the database."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class NotModified(IgnoreRequest):
    """The server answered 304: nothing new, the story was only seen again. `links` and
    `children` are what the page led to when it was last read."""

    def __init__(self, message: str, links: list[str] | None = None, children: list[str] | None = None):
        super().__init__(message)
        self.links = list(links or ())
        self.children = list(children or ())


class SkippedByPolicy(NotModified):
    """Not fetched this run: fetched recently enough (freshness window or listing interval), or
    waiting out a backoff after repeated failures."""
