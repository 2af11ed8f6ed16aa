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
from scrapy import signals
from w3lib.url import canonicalize_url

from crawler.feeds import parse_discovery
from crawler.items import Teaser
from crawler.middlewares.fetch_skips import NotModified, SkippedByPolicy
from crawler.signals import links_found
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
        self._discovery_seen = set()
        self._discovery_open = set()
        self.crawler.signals.connect(self._discovery_dropped, signal=signals.request_dropped)
        docs = self.discovery_urls()
        requests = [r for r in (self._discovery_request(url, kind) for kind, url in docs) if r]
        if not requests:
            self._start_released = True
            yield from start_pages()
            return
        yield from requests

    def _discovery_request(self, url: str, kind: str) -> scrapy.Request | None:
        """The request for one feed or sitemap, or None when this run already asked for it (the
        same URL given twice, or a sitemap listed by an index and given directly). The spider
        keeps its own set of discovery URLs, so the scheduler's duplicate filter never drops one
        silently: every request it makes is settled by its callback or errback."""
        key = canonicalize_url(url)
        if key in self._discovery_seen:
            self.crawler.stats.inc_value("discovery/duplicate")
            self.crawler.stats.inc_value("policy/duplicate_discovery")
            log.info("feed or sitemap already read this run, skipped: %s", url)
            return None
        self._discovery_seen.add(key)
        self._discovery_open.add(key)
        self._discovery_pending += 1
        return scrapy.Request(url, callback=self.parse_discovery_doc, errback=self.discovery_failed,
                              priority=DISCOVERY_PRIORITY, dont_filter=True,
                              meta={"depth": 0, "crawl_kind": kind, "discovery_key": key})

    def _discovery_dropped(self, request, spider=None):
        """A discovery request the scheduler refused still counts as read (nothing came of it)."""
        key = request.meta.get("discovery_key")
        if key in self._discovery_open:
            log.warning("feed or sitemap request dropped by the scheduler: %s", request.url)
            self.crawler.stats.inc_value("discovery/dropped")
            for request in self._discovery_done(key):
                self.crawler.engine.crawl(request)

    def _discovery_done(self, key: str | None):
        if key not in self._discovery_open:  # settled once, whatever reports it again
            return
        self._discovery_open.discard(key)
        self._discovery_pending -= 1
        if self._discovery_pending <= 0 and not self._start_released:
            self._start_released = True
            repeated = self.crawler.stats.get_value("discovery/duplicate", 0)
            if repeated:
                log.info("feeds and sitemaps read; %d repeated URL(s) skipped", repeated)
            held, self._held = self._held, {}
            for url, modified in held.items():
                yield scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                                     meta={"depth": 1, "crawl_kind": "page", "listed_modified_at": modified})
            yield from self._start_pages()

    def parse_discovery_doc(self, response):
        stats = self.crawler.stats
        fetched_at = response_time(response)
        doc = parse_discovery(response.body, response.url, now=fetched_at,
                              tz=self.page_zone or self.settings.get("CRAWLER_DEFAULT_TZ"))
        for problem in doc.problems[:5]:
            log.warning("%s: %s", response.url, problem)
        stats.inc_value(f"discovery/{doc.kind}")
        children = [fetch_url(c.url, self.url_rules) for c in doc.sitemaps if self._allowed(c.url)]
        for child in children:
            request = self._discovery_request(child, "sitemap")
            if request is not None:
                yield request
        followed: list[str] = []
        follow = self._depth_limit() >= 1
        for position, entry in enumerate(doc.entries, start=1):
            stats.inc_value(f"items/{doc.role}_entry")
            yield Teaser(
                url=entry.url, page_url=response.url, seen_at=fetched_at, position=position,
                aggregator=self.profile.name, headline=entry.title, source=entry.source,
                summary=entry.summary, image=entry.image, published_at=entry.published_at,
                published_raw=entry.published_raw, published_precision=entry.published_precision,
                modified_at=entry.modified_at, modified_raw=entry.modified_raw, role=doc.role,
            )
            url = fetch_url(entry.url, self.url_rules)
            if follow and self._allowed(url):
                followed.append(url)
                self._hold(url, entry.modified_at)
        self.crawler.signals.send_catch_log(links_found, url=response.url, links=followed,
                                            children=children)
        yield from self._discovery_done(response.meta.get("discovery_key"))

    def _hold(self, url: str, modified: datetime | None) -> None:
        known = self._held.get(url)
        dates = [d for d in (known, modified) if d is not None]
        self._held[url] = max(dates) if dates else None

    def discovery_failed(self, failure):
        if failure.check(NotModified):  # unchanged or not due: what it listed last time
            for child in failure.value.children:
                request = self._discovery_request(child, "sitemap")
                if request is not None:
                    yield request
            if self._depth_limit() >= 1:
                for url in failure.value.links:
                    self._hold(url, None)
        if not incremental_skip(failure, self.crawler.stats):
            self.crawler.stats.inc_value("discovery/failed")
            log.warning("feed or sitemap failed: %s (%s)", failure.request.url,
                        failure.getErrorMessage()[:200])
        yield from self._discovery_done(failure.request.meta.get("discovery_key"))

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
    if failure.check(SkippedByPolicy):
        stats.inc_value("pages/skipped/incremental")
        return True
    return bool(failure.check(NotModified))
