"""robots.txt obeyed for every request, also those that arrive while robots.txt is loading.

Scrapy 2.19's RobotsTxtMiddleware parks concurrent requests on one Deferred while it fetches a
host's robots.txt and awaits it through ``Deferred.asFuture``; that adapter's callback returns
None, so only the first waiting request sees the parser and every later one sees None, which
means "no robots.txt": a crawl that starts many URLs on one host at once fetched disallowed
paths. This subclass looks the parser up again when the wait returns nothing.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobots
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(_ScrapyRobots):
    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            known = self._parsers.get(urlparse_cached(request).netloc)
            if known is not None and not isinstance(known, Deferred):
                return known
        return parser
