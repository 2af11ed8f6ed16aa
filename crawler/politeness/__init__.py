"""Politeness towards the sites crawled: requests in flight per site, the delay between them,
AutoThrottle, robots.txt Crawl-delay, and a site profile's own limits for a site the user owns.

Modules: downloader (Scrapy's downloader with per-site slots that hold their limit), limits (which
limit a site's slot gets, from settings, the profile and robots.txt: pure functions).
"""

from crawler.politeness.limits import OWN_SITE_SETTINGS, SiteLimits

__all__ = ["OWN_SITE_SETTINGS", "SiteLimits"]
