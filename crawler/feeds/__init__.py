"""Discovery documents: RSS 2.0 and Atom feeds, sitemaps, sitemap indexes and news sitemaps.

Pure parsing with lxml (Scrapy's sitemap parser drops news:publication_date and news:title):
bytes in, DiscoveredEntry objects out. The spider turns entries into teaser-like sightings with
role "feed" or "sitemap"; their title and date fill the story until its own page is crawled.
"""

from crawler.feeds.model import DiscoveredEntry, Discovery
from crawler.feeds.parse import parse_discovery

__all__ = ["DiscoveredEntry", "Discovery", "parse_discovery"]
