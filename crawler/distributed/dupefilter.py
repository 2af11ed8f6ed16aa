"""The shared duplicate filter: article fingerprints kept across runs, listings only per run."""

from __future__ import annotations

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter


class RunDupeFilter(RFPDupeFilter):
    """Article fingerprints kept across runs; listing pages and start URLs only per run."""

    def __init__(self, server, key: str, debug: bool = False, run_key: str | None = None,
                 listings_key: str | None = None, start_urls: set[str] | None = None):
        super().__init__(server, key, debug)
        self.run_key = run_key or key + ":run"
        self.listings_key = listings_key
        self.start_urls = start_urls or set()

    def is_listing(self, request: Request) -> bool:
        if request.url in self.start_urls:
            return True
        return bool(self.listings_key and self.server.sismember(self.listings_key, request.url))

    def seen_key(self, request: Request) -> str:
        """The set that remembers this request: the run's for listings, the lasting one else."""
        return self.run_key if self.is_listing(request) else self.key

    def request_seen(self, request: Request) -> bool:
        return self.server.sadd(self.seen_key(request), self.request_fingerprint(request)) == 0

    def clear(self) -> None:
        """Never called on the shared sets by a worker that leaves (SCHEDULER_PERSIST)."""
        self.server.delete(self.key, self.run_key)
