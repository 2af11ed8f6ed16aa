"""Discovery from feeds and sitemaps, and the request marks incremental crawling reads.

A mixin for ProfileSpider, kept out of spiders/base.py so that file stays small. Feeds and
sitemaps (profile `feeds` / `sitemaps`, or `-a feeds=URL,...` / `-a sitemaps=URL,...`) are
fetched first; start pages are requested once every feed and sitemap has been read (or has
failed, or was skipped). Entry pages are held until then too and requested once, carrying the
newest modification date any feed or sitemap gave them (incremental crawling re-fetches a page
listed as modified after its last fetch), before a listing page can request them without one
(the duplicate filter keeps the first request only). Each entry becomes a teaser-like sighting
with role "feed" or "sitemap"; its page is followed within the allowed domains.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlsplit

import scrapy

from crawler.discovery import parse_discovery
from crawler.items import Teaser
from crawler.middlewares.incremental import NotModified, SkippedByPolicy
from crawler.urls import UrlRules, fetch_url
from spiders.responses import response_time

log = logging.getLogger(__name__)

# Request priorities: discovery documents before pages.
DISCOVERY_PRIORITY = 10
_MODIFIED_META = (
    'meta[property="article:modified_time"]::attr(content)',
    'meta[itemprop="dateModified"]::attr(content)',
    'time[itemprop="dateModified"]::attr(datetime)',
    'meta[name="last-modified"]::attr(content)',
)


class DiscoveryMixin:
    _discovery_pending = 0
    _start_released = False
    _held: dict[str, datetime | None]

    @property
    def url_rules(self) -> UrlRules | None:
        return getattr(self.profile, "url_rules", None)

    def discovery_urls(self) -> list[tuple[str, str]]:
        """(kind, url) of every feed and sitemap this run reads; -a arguments replace the profile's."""
        out = []
        for kind, attr in (("feed", "feeds"), ("sitemap", "sitemaps")):
            arg = getattr(self, attr, None)
            urls = [u.strip() for u in arg.split(",") if u.strip()] if isinstance(arg, str) else \
                list(getattr(self.profile, attr, ()))
            for url in urls:
                if urlsplit(url).scheme not in ("http", "https"):
                    raise ValueError(f"{attr} must be http(s) URLs, not {url!r}")
                out.append((kind, url))
        return out

    def discovery_then(self, start_pages):
        """Requests for feeds and sitemaps; `start_pages()` is requested once they are read."""
        self._start_pages = start_pages
        self._held = {}
        docs = self.discovery_urls()
        if not docs:
            self._start_released = True
            yield from start_pages()
            return
        self._discovery_pending = len(docs)
        for kind, url in docs:
            yield self._discovery_request(url, kind)

    def _discovery_request(self, url: str, kind: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_discovery_doc, errback=self.discovery_failed,
                              priority=DISCOVERY_PRIORITY, meta={"depth": 0, "crawl_kind": kind})

    def _discovery_done(self):
        self._discovery_pending -= 1
        if self._discovery_pending <= 0 and not self._start_released:
            self._start_released = True
            held, self._held = self._held, {}
            for url, modified in held.items():
                yield scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                                     meta={"depth": 1, "crawl_kind": "page", "listed_modified_at": modified})
            yield from self._start_pages()

    def parse_discovery_doc(self, response):
        stats = self.crawler.stats
        doc = parse_discovery(response.body, response.url)
        for problem in doc.problems[:5]:
            log.warning("%s: %s", response.url, problem)
        stats.inc_value(f"discovery/{doc.kind}")
        for child in doc.sitemaps:
            if self._allowed(child.url):
                self._discovery_pending += 1
                yield self._discovery_request(fetch_url(child.url, self.url_rules), "sitemap")
        fetched_at = response_time(response)
        follow = self._depth_limit() >= 1
        for position, entry in enumerate(doc.entries, start=1):
            stats.inc_value(f"items/{doc.role}_entry")
            yield Teaser(
                url=entry.url, page_url=response.url, seen_at=fetched_at, position=position,
                aggregator=self.profile.name, headline=entry.title, source=entry.source,
                summary=entry.summary, image=entry.image, published_at=entry.published_at,
                published_raw=entry.published_raw, role=doc.role,
            )
            url = fetch_url(entry.url, self.url_rules)
            if follow and self._allowed(url):
                known = self._held.get(url)
                dates = [d for d in (known, entry.modified_at) if d is not None]
                self._held[url] = max(dates) if dates else None
        yield from self._discovery_done()

    def discovery_failed(self, failure):
        if not incremental_skip(failure, self.crawler.stats):
            self.crawler.stats.inc_value("discovery/failed")
            log.warning("feed or sitemap failed: %s (%s)", failure.request.url,
                        failure.getErrorMessage()[:200])
        yield from self._discovery_done()

    @staticmethod
    def modified_raw(response) -> str | None:
        """The page's own "last modified" stamp, as written (read as UTC by pipelines.dedup)."""
        for query in _MODIFIED_META:
            value = response.css(query).get()
            if value and value.strip():
                return value.strip()
        return None


def incremental_skip(failure, stats) -> bool:
    """True when a request "failed" only because incremental crawling chose not to fetch it
    (fresh, not due) or the server said 304: policy, not a fault."""
    if failure.check(NotModified):
        return True
    if failure.check(SkippedByPolicy):
        stats.inc_value("pages/skipped/incremental")
        return True
    return False
