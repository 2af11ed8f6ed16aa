"""What every aggregator spider shares: discovery and request policy, nothing about HTML.

A spider picks a site profile, fetches start pages, hands each response to crawler.extract, turns
the result into items (the lead Article, its Teasers and a PageSnapshot, yielded as one PageItems),
and follows the profile's links and the teasers' links within the allowed domains up to a depth.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response

from crawler.extensions.run_status import policy_kind
from crawler.extract import PageExtraction
from crawler.extract.teasers import is_listing_url
from crawler.extraction_workers import ExtractionWorkerDied, ExtractionWorkers
from crawler.frontier.seen import U64Map, key64
from crawler.items import Article, PageItems, PageSnapshot, Teaser
from crawler.middlewares.fetch_skips import NotModified
from crawler.render import hook as render_hook
from crawler.signals import links_found
from crawler.sites import SiteProfile
from crawler.urls import canonical_url, declared_canonical, fetch_url, is_home_page
from spiders.discovery import DiscoveryMixin, incremental_skip
from spiders.page_faults import describe_failure, looks_binary, page_text
from spiders.responses import response_time

log = logging.getLogger(__name__)

# Pages this run remembers having asked for (spider-side, before Scrapy's duplicate filter).
ASKED_LIMIT = 200_000
DEPTH_CEILING = 2**32 - 1  # the asked-for map holds depths as unsigned 32-bit numbers
LINK_FACTS_LIMIT = 16_384
# A page with no lead story of its own and at least this many cards is a listing page.
LISTING_MIN_CARDS = 3


@lru_cache(maxsize=4096)  # asked of every card on every page; the popular stories recur
def names_a_listing(url: str) -> bool:
    """A front page, or a section, topic, tag or category page by its address ("/",
    "/section/world", "/topics/climate"): never a story, whatever its page shows. Only the
    unambiguous forms: a short slug on its own may be a story."""
    return is_home_page(url) or is_listing_url(url)


def selector_links(response: Response, selectors) -> list[str]:
    """The follow selectors run with parsel, for a response extraction did not read as HTML;
    the same reading as crawler.extract.page_facts.follow_links (an element gives its href, a
    string match is the link, an element without href is none)."""
    links: list[str] = []
    for sel in selectors:
        nodes = response.xpath(sel[6:]) if sel.startswith("xpath:") else response.css(sel)
        for node in nodes:
            root = node.root
            href = root if isinstance(root, str) else node.attrib.get("href")
            if href:
                links.append(response.urljoin(href.strip()))
    return links


def _depth_arg(value: str | int | None) -> int | None:
    """`-a max_depth=` as a count of link hops; ValueError in words an operator reads."""
    if value is None or value == "":
        return None
    try:
        depth = int(str(value).strip())
    except ValueError:
        raise ValueError(f"max_depth must be a whole number >= 0, not {value!r}") from None
    if depth < 0:
        raise ValueError(f"max_depth must be a whole number >= 0, not {value!r}")
    return depth


class ProfileSpider(DiscoveryMixin, scrapy.Spider):
    """Base for spiders driven by a SiteProfile. Arguments (-a): start_url (comma-separated),
    max_depth, allowed_domains (comma-separated), feeds and sitemaps (comma-separated URLs that
    replace the profile's; see spiders.discovery)."""

    profile: SiteProfile
    # The -a arguments these spiders accept (checked before a crawl starts).
    ARGUMENTS = ("start_url", "max_depth", "allowed_domains", "feeds", "sitemaps")

    def __init__(
        self,
        start_url: str | None = None,
        max_depth: str | int | None = None,
        allowed_domains: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.spider_args = {k: v for k, v in
                            {"start_url": start_url, "max_depth": max_depth,
                             "allowed_domains": allowed_domains, **kwargs}.items() if v is not None}
        urls = [u.strip() for u in (start_url or "").split(",") if u.strip()]
        self.start_urls_list = urls or list(self.profile.start_urls)
        for url in self.start_urls_list:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"start_url must be an http(s) URL, not {url!r}")
        self.max_depth = _depth_arg(max_depth)
        domains = [d.strip().lower() for d in (allowed_domains or "").split(",") if d.strip()]
        if not domains:
            domains = list(self.profile.domains)
            domains += [urlsplit(u).hostname for u in self.start_urls_list if urlsplit(u).hostname]
            domains += [urlsplit(u).hostname for _, u in self.discovery_urls() if urlsplit(u).hostname]
        self.allowed_domains = sorted(set(domains))
        self._asked = U64Map()  # see _already_requested
        self._links: dict[str, tuple[str, str, bool]] = {}  # see _link_facts
        self.page_zone = self.profile.timezone
        self.page_lang = self.profile.language

    def _depth_limit(self) -> int:
        if self.max_depth is not None:
            return self.max_depth
        if self.profile.max_depth is not None:
            return self.profile.max_depth
        return self.settings.getint("CRAWLER_MAX_DEPTH", 3)

    async def start(self):
        self.extraction.warm_up()
        # Feeds and sitemaps first (spiders.discovery); the start pages once they are read.
        for request in self.discovery_then(self.start_page_requests):
            yield request

    def start_page_requests(self):
        for url in self.start_urls_list:
            yield scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                                 meta={"depth": 0, "crawl_kind": "listing"})

    async def render_failed(self, failure):
        """Errback of a render: its page is closed and the page is processed as fetched."""
        response = render_hook.fallback(self, failure)
        if response is not None:
            async for result in self.parse_page(response):
                yield result

    def page_failed(self, failure):
        request = failure.request
        if failure.check(NotModified):  # an unchanged listing: its stories, each by its own state
            yield from self._recheck(request, failure.value.links)
        if incremental_skip(failure, self.crawler.stats):  # fresh, not due, or 304: not a fault
            return
        kind, message = describe_failure(failure, self.settings)
        policy = policy_kind(kind)
        if policy:  # the site's word about this page (gone, refused, robots): counted, not a fault
            self.crawler.stats.inc_value(f"policy/{policy}")
            log.info("page %s: %s: %s", policy, request.url, message)
            response = getattr(failure.value, "response", None)
            if response is not None:
                yield self._answer_snapshot(request, response, policy)
            return
        self.crawler.stats.inc_value("pages/failed")
        self.crawler.stats.inc_value(f"pages/failed/{kind}")
        log.warning("page failed: %s: %s", request.url, message)

    def _answer_snapshot(self, request, response: Response, policy: str) -> PageSnapshot:
        """The fetch of a page the site answered with refused or gone, for `pages`. A gone page
        names its story as `lead`, so the store marks that story withdrawn (gone_at)."""
        return PageSnapshot(url=request.url, fetched_at=response_time(response),
                            status=response.status, aggregator=self.profile.name,
                            lead_url=request.url if policy == "gone" else None,
                            problems=[policy], depth=int(request.meta.get("depth", 0) or 0))

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    @property
    def extraction(self) -> ExtractionWorkers:
        """Where pages are read (crawler.extraction_workers), made on first use."""
        workers = self.__dict__.get("_extraction")
        if workers is None:
            # In the distributed mode the scheduler says how many crawls share this machine.
            workers = self._extraction = ExtractionWorkers.from_settings(
                self.settings, getattr(self, "crawls_here", None))
        return workers

    def closed(self, reason: str) -> None:
        workers = self.__dict__.get("_extraction")
        if workers is not None:
            workers.close()

    async def parse_page(self, response: Response):
        """A fetched page becomes its lead Article, its Teasers and a PageSnapshot, yielded
        together as one PageItems, then the requests for the links it leads to. Reading the
        page (crawler.extract) runs in an extraction worker process when there are any, so the
        crawl goes on meanwhile."""
        depth = render_hook.page_depth(response)
        fetched_at = response_time(response)
        unreadable = self._unreadable(response, fetched_at, depth)
        if unreadable is not None:
            yield unreadable
            return
        text, charset_problem = page_text(response, self.page_lang)
        if charset_problem:
            self.crawler.stats.inc_value("pages/charset_mismatch")
            log.warning("%s: %s", response.url, charset_problem)
        try:
            page = await self.extraction.extract(
                text,
                url=response.url,
                fetched_at=fetched_at,
                tz=self.page_zone or self.settings.get("CRAWLER_DEFAULT_TZ"),
                profile=self.profile,
                lang=self.page_lang,
            )
        except ExtractionWorkerDied as exc:
            self.crawler.stats.inc_value("pages/failed")
            self.crawler.stats.inc_value("pages/failed/extraction_worker")
            log.warning("page failed: %s: %s", response.url, exc)
            return
        # Pages that need JavaScript: the same URL again, rendered, instead of these items.
        render_request = render_hook.after_static(self, response, page)
        if render_request is not None:
            yield render_request
            return
        snapshot = PageSnapshot(url=response.url, fetched_at=fetched_at, status=response.status,
                                aggregator=self.profile.name, depth=depth)
        problems = list(page.problems) + ([charset_problem] if charset_problem else [])
        lead = self._lead_item(response, page, fetched_at)
        if lead is not None:
            snapshot.lead_url = lead.url
        snapshot.problems = self._page_problems(response, page, lead, problems)
        teasers = self._teaser_items(response, page, fetched_at)
        snapshot.related_urls = [t.url for t in teasers]
        yield PageItems(snapshot=snapshot, lead=lead, related=teasers)
        if depth >= self._depth_limit():
            return
        for request in self._follow(response, self._follow_links(response, page),
                                    snapshot.related_urls, depth, listing=page.lead is None):
            yield request

    def _unreadable(self, response: Response, fetched_at: datetime,
                    depth: int) -> PageSnapshot | None:
        """The snapshot of a page that is not HTML text (kept, counted, not extracted), or None
        for a page to read."""
        stats = self.crawler.stats
        if not isinstance(response, scrapy.http.TextResponse):
            stats.inc_value("pages/not_html")
            problem = "not_html"
        elif looks_binary(response.body):
            stats.inc_value("pages/failed")
            stats.inc_value("pages/failed/binary")
            log.warning("page failed: %s: binary data served as %s, not read", response.url,
                        response.headers.get(b"Content-Type", b"?").decode("latin-1")[:80])
            problem = "binary_body"
        else:
            return None
        return PageSnapshot(url=response.url, fetched_at=fetched_at, status=response.status,
                            aggregator=self.profile.name, problems=[problem], depth=depth)

    def _lead_item(self, response: Response, page: PageExtraction,
                   fetched_at: datetime) -> Article | None:
        """The page's own story; rel=canonical / og:url keys it when it stays on this site
        (crawler.urls), the fetched URL then being one of its aliases."""
        lead = page.lead
        if lead is None:
            return None
        if names_a_listing(response.url):
            # A front or section page's hero is a story of its own page, never the listing.
            log.info("listing page %s: its lead is not stored as a story", response.url)
            return None
        self.crawler.stats.inc_value("pages/lead")
        own = declared_canonical(response.url, [lead.url], self.url_rules)
        fetched = canonical_url(response.url, self.url_rules)
        same = own == fetched
        return Article.from_lead(
            lead,
            url=response.url if same else own,
            aliases=[] if same else [fetched],
            modified_raw=self._modified_raw(response, page),
            modified_at=response.meta.get("listed_modified_at"),  # a feed's or sitemap's date
            page_url=response.url,
            seen_at=fetched_at,
            aggregator=self.profile.name,
            position=0,
        )

    def _page_problems(self, response: Response, page: PageExtraction, lead: Article | None,
                       problems: list[str]) -> list[str]:
        """What the snapshot records as wrong with the page; counts the page's kind."""
        stats = self.crawler.stats
        if lead is not None:
            return problems
        if len(page.related) >= LISTING_MIN_CARDS:
            stats.inc_value("pages/listing")
            # A page of cards with no story of its own is a listing: a missing lead is expected.
            return [p for p in problems if "lead" not in p]
        stats.inc_value("pages/no_lead")
        log.warning("no lead story recognised on %s", response.url)
        return problems if "no_lead" in problems else [*problems, "no_lead"]

    def _teaser_items(self, response: Response, page: PageExtraction,
                      fetched_at: datetime) -> list[Teaser]:
        """One Teaser per card with a link, numbered by its place among all the page's cards."""
        teasers = [
            Teaser.from_card(card, page_url=response.url, seen_at=fetched_at, position=position,
                             aggregator=self.profile.name)
            for position, card in enumerate(page.related, start=1)
            if card.url and not names_a_listing(card.url)  # "See all top stories" is no story
        ]
        if teasers:
            self.crawler.stats.inc_value("items/teaser", len(teasers))
        return teasers

    def _recheck(self, request, links: list[str]):
        """The stories a listing led to when it was last read (it answered 304 or was not due):
        requested again so each is fetched or skipped by its own freshness and failure state."""
        depth = request.meta.get("depth", 0)
        if not links or depth >= self._depth_limit():
            return
        self.crawler.stats.inc_value("incremental/rechecked_links", len(links))
        for url in links:
            if self._allowed(url):
                yield scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                                     meta={"depth": depth + 1, "crawl_kind": "page"})

    @staticmethod
    def _read_by_extraction(response: Response, page: PageExtraction) -> bool:
        """True when extraction read the page's links and stamp from its own tree: an HTML page
        it could parse. Other text (XML, plain text) or a failed extraction is read with parsel."""
        return page.follow is not None and isinstance(response, HtmlResponse)

    def _follow_links(self, response: Response, page: PageExtraction) -> list[str]:
        """The links the profile's `follow` selectors match on the page, absolute, in order."""
        if self._read_by_extraction(response, page):
            return page.follow
        return selector_links(response, self.profile.follow)

    def _modified_raw(self, response: Response, page: PageExtraction) -> str | None:
        if self._read_by_extraction(response, page):
            return page.modified_raw
        return self.modified_raw(response)

    def _already_requested(self, key: str, depth: int) -> bool:
        """Whether this run already asked for the page `key` from this depth or nearer the
        start. Most links on an aggregator page lead to pages already asked for (every page
        teases the same popular stories); Scrapy's duplicate filter would drop them, but only
        after each went through the spider middlewares, the engine and a fingerprint. The
        depth is kept because a request dropped for its depth (DEPTH_LIMIT) may be wanted again
        from a shallower page. Bounded: when full it starts again, and the duplicate filter,
        which stays the authority, catches what it forgot. Keyed by a 64-bit hash of the key
        (crawler.frontier.seen): it holds every URL of the run."""
        hashed = key64(key)
        known = self._asked.get(hashed)
        if known is not None and known <= depth:
            return True
        if len(self._asked) >= ASKED_LIMIT:
            self._asked.clear()
        self._asked[hashed] = min(depth, DEPTH_CEILING)
        return False

    def _link_facts(self, link: str) -> tuple[str, str, bool]:
        """The key of a link (canonical: one fetch per page, whatever tracking it carried), the
        spelling to fetch, and whether it is in the allowed domains. Kept per link: every page
        repeats most of its links (the same popular stories), and the three answers cost more
        than a lookup. Bounded (LINK_FACTS_LIMIT, about 0.4 kB a link): when full it starts
        again, and the popular links are back after a page or two."""
        facts = self._links.get(link)
        if facts is None:
            if len(self._links) >= LINK_FACTS_LIMIT:
                self._links.clear()
            url = fetch_url(link, self.url_rules)
            facts = self._links[link] = (canonical_url(link, self.url_rules), url,
                                         self._allowed(url))
        return facts

    def _follow(self, response: Response, profile_links: list[str], teaser_urls: list[str],
                depth: int, listing: bool = False):
        links = [*profile_links, *teaser_urls]
        seen: set[str] = set()
        followed: list[str] = []
        skipped = 0
        for link in links:
            key, url, allowed = self._link_facts(link)
            if key in seen or not allowed:
                continue
            seen.add(key)
            followed.append(url)
            if self._already_requested(key, depth + 1):
                skipped += 1
                continue
            yield scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                                 meta={"crawl_kind": "page"})
        if skipped:
            self.crawler.stats.inc_value("links/already_requested", skipped)
        if listing:  # kept for the runs in which this listing answers 304 or is not due
            self.crawler.signals.send_catch_log(links_found, url=response.url, links=followed)
