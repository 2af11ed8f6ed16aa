"""robots.txt obeyed for every request, also those that arrive while robots.txt is loading.

Scrapy 2.19's RobotsTxtMiddleware parks concurrent requests on one Deferred while it fetches a
host's robots.txt and awaits it through ``Deferred.asFuture``; that adapter's callback returns
None, so only the first waiting request sees the parser and every later one sees None, which
means "no robots.txt": a crawl that starts many URLs on one host at once fetched disallowed
paths. This subclass looks the parser up again when the wait returns nothing.

It also honours the file's Crawl-delay for our user agent: the delay becomes the floor of the
host's download slot (crawler.politeness), capped by ROBOTSTXT_MAX_CRAWL_DELAY so one odd file
cannot stall a crawl for hours.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobots
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

log = logging.getLogger(__name__)


class RobotsTxtMiddleware(_ScrapyRobots):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._crawl_delays: dict[str, float | None] = {}

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            known = self._parsers.get(urlparse_cached(request).netloc)
            if known is not None and not isinstance(known, Deferred):
                return known
        return parser

    def process_request_2(self, rp, request) -> None:
        if rp is not None:
            self._apply_crawl_delay(rp, request)
        super().process_request_2(rp, request)

    def _apply_crawl_delay(self, rp, request) -> None:
        netloc = urlparse_cached(request).netloc
        if netloc in self._crawl_delays:
            return
        useragent = self._robotstxt_useragent or request.headers.get(b"User-Agent",
                                                                     self._default_useragent)
        reader = getattr(rp, "crawl_delay", None)
        try:
            delay = reader(useragent) if reader is not None else None
        except Exception:  # a parser that cannot say: no Crawl-delay
            delay = None
        self._crawl_delays[netloc] = delay
        if not delay or delay <= 0:
            return
        cap = self.crawler.settings.getfloat("ROBOTSTXT_MAX_CRAWL_DELAY", 60.0)
        if delay > cap:
            log.warning("%s: robots.txt asks for Crawl-delay %gs; using ROBOTSTXT_MAX_CRAWL_DELAY "
                        "%gs", netloc, delay, cap)
            delay = cap
        downloader = self.crawler.engine.downloader
        if hasattr(downloader, "raise_floor"):
            downloader.raise_floor(request, delay)
            self._stats.set_value(f"robotstxt/crawl_delay/{netloc}", delay)
            log.info("%s: robots.txt Crawl-delay %gs honoured", netloc, delay)
