"""MongoDB storage. Components of a crawl get the crawl's one Store from `for_crawler`, so the
database is reached (and the embedded server started) once per crawl, not once per component."""

from crawler.storage.crawl_store import attach, for_crawler

__all__ = ["attach", "for_crawler"]
