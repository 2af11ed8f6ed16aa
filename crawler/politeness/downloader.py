"""Scrapy's downloader with slots that hold their concurrency, the limits of limits.py, and
robots.txt's Crawl-delay as a floor.

Why a subclass: Scrapy 2.19's downloader, on the asyncio reactor, takes requests off a slot's queue
and starts each transfer as a task that marks the request as transferring only when the task first
runs. Every request taken off the queue in one pass still sees the slot as free, so a slot with
CONCURRENT_REQUESTS_PER_DOMAIN=1 sent every queued request to the site at once (with no delay;
a delay takes one request per pass). Here a request counts as transferring the moment it leaves
the queue; Scrapy's own code does the rest unchanged.
"""

from __future__ import annotations

import logging
from collections import deque

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot, _slot_jitter
from scrapy.utils.httpobj import urlparse_cached

from crawler.politeness.limits import SiteLimits, operator_set, slot_limits

log = logging.getLogger(__name__)


class _TransferQueue(deque):
    """A slot's queue: what leaves it is transferring from that moment."""

    def __init__(self, slot: PoliteSlot):
        super().__init__()
        self.slot = slot

    def popleft(self):
        item = super().popleft()
        self.slot.transferring.add(item[0])
        return item


class PoliteSlot(Slot):
    """A download slot whose delay never goes below `floor` (robots.txt Crawl-delay, a profile's
    delay under AutoThrottle) and that AutoThrottle leaves alone when not `throttled`."""

    def __init__(self, concurrency: int, delay: float, jitter: float | None = None,
                 throttled: bool = True, floor: float = 0.0):
        self.throttled = True
        super().__init__(concurrency, delay, jitter)
        self.queue = _TransferQueue(self)
        self.floor = floor
        self.throttled = throttled

    @property
    def delay(self) -> float:
        return self._delay

    @delay.setter
    def delay(self, value: float) -> None:
        # Scrapy's Slot sets it once; AutoThrottle sets it after every response.
        if self.throttled or not hasattr(self, "_delay"):
            self._delay = value

    def download_delay(self) -> float:
        return max(self.floor, super().download_delay())

    def raise_floor(self, seconds: float) -> None:
        self.floor = max(self.floor, seconds)


class PoliteDownloader(Downloader):
    def __init__(self, crawler):
        super().__init__(crawler)
        settings = self.settings
        self._autothrottle = settings.getbool("AUTOTHROTTLE_ENABLED")
        self._download_delay = settings.getfloat("DOWNLOAD_DELAY")
        self._operator_concurrency = operator_set(settings, "CONCURRENT_REQUESTS_PER_DOMAIN") or \
            bool(self.ip_concurrency)
        self._operator_delay = operator_set(settings, "DOWNLOAD_DELAY")
        # Floors learnt before their slot exists (robots.txt is read before the first page).
        self._floors: dict[str, float] = {}

    def _profile_limits(self, request: Request) -> SiteLimits | None:
        profile = getattr(self.crawler.spider, "profile", None)
        limits = getattr(profile, "politeness", None)
        if limits is None or not profile.matches(request.url):
            return None
        return limits

    def _get_slot(self, request: Request, spider=None) -> tuple[str, Slot]:
        key = self.get_slot_key(request)
        if key not in self.slots:
            limits = slot_limits(
                concurrency=self.ip_concurrency or self.domain_concurrency,
                download_delay=self._download_delay,
                # AutoThrottle sets _delay to its start delay when the spider opens.
                start_delay=self._delay,
                autothrottle=self._autothrottle,
                profile=self._profile_limits(request),
                slot_settings=self.per_slot_settings.get(key),
                operator_concurrency=self._operator_concurrency,
                operator_delay=self._operator_delay,
            )
            jitter = _slot_jitter(self.per_slot_settings.get(key, {}), self._jitter)
            self.slots[key] = PoliteSlot(limits.concurrency, limits.delay, jitter,
                                         throttled=limits.throttled,
                                         floor=max(limits.floor, self._floors.get(key, 0.0)))
            self._start_slot_gc()
        return key, self.slots[key]

    def raise_floor(self, request: Request, seconds: float) -> None:
        """A delay the site asked for (robots.txt Crawl-delay) for the slot of `request`."""
        key = request.meta.get(self.DOWNLOAD_SLOT) or urlparse_cached(request).hostname or ""
        self._floors[key] = max(self._floors.get(key, 0.0), seconds)
        slot = self.slots.get(key)
        if isinstance(slot, PoliteSlot):
            slot.raise_floor(seconds)
