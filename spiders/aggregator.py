"""Zero-config spider: any aggregator or publisher site from `-a start_url=`.

Uses the site's profile when one matches the start URL, otherwise the generic extractor with a
profile built on the spot (the start URL's domain, the crawler's default zone). Same items and
pipelines as every other spider.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.sites import SiteProfile, profile_for_url
from spiders.base import ProfileSpider


def generic_profile(start_urls: list[str]) -> SiteProfile:
    hosts = tuple(sorted({(urlsplit(u).hostname or "").lower() for u in start_urls} - {""}))
    # Stored as each story's `aggregator`: the site's host says more than "generic".
    return SiteProfile(name=hosts[0] if hosts else "generic", domains=hosts, start_urls=tuple(start_urls), max_depth=2)


class AggregatorSpider(ProfileSpider):
    name = "aggregator"

    def __init__(self, start_url: str | None = None, **kwargs):
        urls = [u.strip() for u in (start_url or "").split(",") if u.strip()]
        if not urls:
            raise ValueError("the aggregator spider needs -a start_url=URL[,URL...]")
        self.profile = profile_for_url(urls[0]) or generic_profile(urls)
        super().__init__(start_url=start_url, **kwargs)
