"""Incremental crawling across runs: fetch only what may have changed since the last run.

State lives in MongoDB (collection `fetch_state`, one document per fetched URL, written through
crawler.storage.store.Store): when the URL was last fetched, its ETag and Last-Modified, what kind of page
it turned out to be, and for listing pages, feeds and sitemaps an adaptive re-fetch interval.

Policy (`decide`, a pure function):
- listing pages, feeds and sitemaps are fetched every run by default; with a maximum interval set
  they are fetched adaptively: the interval halves (down to the minimum) when the page changed
  last time and doubles (up to the maximum) when it did not.
- an article page fetched within the freshness window (profile `freshness_window`, else the
  CRAWLER_FRESHNESS_WINDOW setting; none by default = fetch everything) is skipped, unless a feed
  or sitemap lists it as modified after that fetch;
- an older article page is re-fetched with If-None-Match / If-Modified-Since from the stored
  ETag / Last-Modified, and a 304 answer only advances the story's last_seen_at;
- a page that failed (5xx, 429, 408, a timeout or a lost connection) is fetched again on the next
  run whatever its freshness; after repeated failures it waits a backoff that doubles per
  failure (CRAWLER_FAILED_BACKOFF, capped by CRAWLER_FAILED_BACKOFF_MAX).

A listing, feed or sitemap that is not fetched (304, or not due) still leads to its stories: the
spider reports the links each one led to (the `links_found` signal) and they are kept in its
state; NotModified and SkippedByPolicy carry them, so the spider schedules each story, which is
then fetched or skipped by its own state (freshness window, failure, backoff).

IncrementalMiddleware applies the policy to every request the spider marks with
meta["crawl_kind"]; requests without that mark (robots.txt, anything a middleware adds) pass.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pymongo
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler import settings as defaults
from crawler.durations import parse_duration
from crawler.items import Article, PageItems, snapshot_of
from crawler.middlewares.fetch_skips import NotModified, SkippedByPolicy
from crawler.redact import public_name
from crawler.signals import links_found
from crawler.storage import for_crawler
from crawler.urls import fingerprint

log = logging.getLogger(__name__)

LISTING_KINDS = ("listing", "feed", "sitemap")

# Answers that mean "try again later", not "gone".
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


@dataclass(frozen=True)
class Policy:
    freshness: timedelta | None = None
    listing_min: timedelta | None = None
    listing_max: timedelta | None = None
    backoff: timedelta = timedelta(hours=1)
    backoff_max: timedelta = timedelta(days=1)

    @property
    def adaptive(self) -> bool:
        return self.listing_max is not None


@dataclass(frozen=True)
class Decision:
    fetch: bool
    reason: str
    headers: dict[str, str]


def decide(state: dict | None, kind: str, now: datetime, policy: Policy,
           listed_modified_at: datetime | None = None) -> Decision:
    """Fetch or skip one URL, and with which conditional headers. `state` is its fetch_state
    document (None: never fetched), `kind` the request's own hint, used until the state knows
    better."""
    failures = (state or {}).get("failures") or 0
    if failures:
        wait = failure_backoff(failures, policy)
        if wait and now - _aware(state["failed_at"]) < wait:
            return Decision(False, "backoff", {})
    if not state or not state.get("last_fetched_at"):
        return Decision(True, "retry" if failures else "new", {})
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    last = _aware(state["last_fetched_at"])
    known = state.get("kind") or kind
    if known in LISTING_KINDS or kind in ("feed", "sitemap"):
        interval = timedelta(seconds=state.get("interval_s") or 0)
        if policy.listing_min is not None:
            interval = max(interval, policy.listing_min)
        if interval and now - last < interval:
            return Decision(False, "listing_not_due", {})
        return Decision(True, "listing", headers)
    if listed_modified_at is not None and _aware(listed_modified_at) > last:
        return Decision(True, "listed_modified", headers)
    if failures:
        return Decision(True, "retry", headers)
    if policy.freshness is not None and now - last < policy.freshness:
        return Decision(False, "fresh", {})
    return Decision(True, "stale", headers)


def failure_backoff(failures: int, policy: Policy) -> timedelta:
    """How long a page waits after its n-th failure in a row: nothing after the first (the next
    run tries again), then the backoff, doubled per further failure, up to the maximum."""
    if failures <= 1:
        return timedelta(0)
    return min(policy.backoff * 2 ** (failures - 2), policy.backoff_max)


def next_interval(previous_s: float, changed: bool, policy: Policy) -> float:
    """The adaptive listing interval after a fetch: halve on change, double when unchanged,
    clamped to [min, max]. Without a maximum the interval stays at the minimum (every run)."""
    low = policy.listing_min.total_seconds() if policy.listing_min else 0.0
    if not policy.adaptive:
        return low
    high = policy.listing_max.total_seconds()
    if changed:
        value = previous_s / 2
    else:
        value = max(previous_s * 2, low, min(high, 60.0))
    return max(low, min(high, value))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def body_hash(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


class IncrementalMiddleware:
    """Downloader middleware: skip, condition, and record fetches (see the module docstring).

    State is read per request off the reactor thread and written in batches; a crash loses at
    most one batch of state, which only means those pages are fetched again next run.

    While the database is away, every read and write is bounded by STORE_PROBE_TIMEOUT, and
    after a failed read pages are fetched without state (unconditionally) for
    STORE_RETRY_INTERVAL seconds before the next read is tried: an outage costs the crawl one
    short wait per interval, not the driver's server-selection timeout per request."""

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("CRAWLER_INCREMENTAL", True):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch = settings.getint("CRAWLER_INCREMENTAL_BATCH", 100)
        self.timeout = settings.getfloat("STORE_PROBE_TIMEOUT", defaults.STORE_PROBE_TIMEOUT)
        self.retry_interval = settings.getfloat("STORE_RETRY_INTERVAL", defaults.STORE_RETRY_INTERVAL)
        self._paused_until = 0.0  # monotonic time before which state is not read
        self._unread = 0  # pages fetched without their state in the current outage (0: none)
        # Reads waiting for the next batched query (Store.fetch_states), by key.
        self._waiting: dict[str, list[asyncio.Future]] = {}
        self._reader: asyncio.Future | None = None
        self.store = None
        self.policy = Policy()
        self.pending: dict[str, dict[str, Any]] = {}
        self.seen_ids: dict[str, datetime] = {}
        self.rules = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.links_found, signal=links_found)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # -- lifecycle --------------------------------------------------------------------------
    def spider_opened(self, spider):
        profile = getattr(spider, "profile", None)
        settings = self.crawler.settings
        self.policy = Policy(
            freshness=_first(getattr(profile, "freshness_window", None),
                             settings.get("CRAWLER_FRESHNESS_WINDOW")),
            listing_min=_first(getattr(profile, "listing_min_interval", None),
                               settings.get("CRAWLER_LISTING_MIN_INTERVAL")),
            listing_max=_first(getattr(profile, "listing_max_interval", None),
                               settings.get("CRAWLER_LISTING_MAX_INTERVAL")),
            backoff=_first(settings.get("CRAWLER_FAILED_BACKOFF", "1h")) or timedelta(0),
            backoff_max=_first(settings.get("CRAWLER_FAILED_BACKOFF_MAX", "1d")) or timedelta(0),
        )
        self.rules = getattr(spider, "url_rules", None)
        try:
            self.store = for_crawler(self.crawler)
        except Exception as exc:  # the store pipeline reports an unreachable database itself
            log.warning("incremental state unavailable (%s): fetching everything", public_name(exc))
            self.store = None

    async def spider_closed(self, spider):
        await self._flush()

    # -- requests ---------------------------------------------------------------------------
    async def process_request(self, request, spider=None):
        kind = request.meta.get("crawl_kind")
        if kind is None or self.store is None or request.meta.get("incremental_done"):
            return None
        key = fingerprint(request.url)
        state = await self._read(key, request.url)
        now = datetime.now(UTC)
        decision = decide(state, kind, now, self.policy, request.meta.get("listed_modified_at"))
        self.stats.inc_value(f"incremental/{decision.reason}")
        if not decision.fetch:
            self.stats.inc_value(f"policy/{decision.reason}")
            raise SkippedByPolicy(f"{decision.reason}: {request.url}", *_led_to(state))
        request.meta["incremental_done"] = True
        request.meta["incremental_state"] = state
        for name, value in decision.headers.items():
            request.headers.setdefault(name, value)
        return None

    async def process_response(self, request, response, spider=None):
        kind = request.meta.get("crawl_kind")
        if kind is None or self.store is None:
            return response
        now = datetime.now(UTC)
        state = request.meta.get("incremental_state") or {}
        key = fingerprint(request.url)
        update: dict[str, Any] = {"url": request.url, "last_fetched_at": now}
        if response.status in RETRY_STATUSES:
            await self._record(key, _failed(state, now))
            return response
        if response.status == 304:
            self.stats.inc_value("incremental/not_modified")
            self.stats.inc_value("policy/not_modified")
            if state.get("kind") in LISTING_KINDS:
                update["interval_s"] = next_interval(state.get("interval_s") or 0, False, self.policy)
            if state.get("article_id"):
                self.seen_ids[state["article_id"]] = now
            await self._record(key, update)
            raise NotModified(f"not modified: {request.url}", *_led_to(state))
        if response.status != 200:
            return response
        update["failures"] = 0
        digest = body_hash(response.body)
        update["body_hash"] = digest
        update["etag"] = _header(response, b"ETag")
        update["last_modified"] = _header(response, b"Last-Modified")
        if kind in ("feed", "sitemap"):
            update["kind"] = kind
        if kind in ("feed", "sitemap") or state.get("kind") == "listing":
            changed = state.get("body_hash") != digest
            update["interval_s"] = next_interval(state.get("interval_s") or 0, changed, self.policy)
        await self._record(key, update)
        return response

    async def process_exception(self, request, exception, spider=None):
        """A timeout or a lost connection is a failure the next run retries (see decide)."""
        if request.meta.get("crawl_kind") is None or self.store is None:
            return None
        if isinstance(exception, IgnoreRequest):
            return None
        state = request.meta.get("incremental_state") or {}
        await self._record(fingerprint(request.url), _failed(state, datetime.now(UTC)))
        return None

    def links_found(self, url: str, links: list[str], children: list[str] | None = None):
        """What a listing, feed or sitemap led to, kept for runs in which it is not fetched."""
        self._merge(fingerprint(url), {"links": list(dict.fromkeys(links)),
                                       "children": list(dict.fromkeys(children or ()))})

    def item_scraped(self, item, response=None, spider=None):
        """Learn what a fetched page was: an article (and which story it keys) or a listing."""
        lead = item.lead if isinstance(item, PageItems) else item
        snapshot = snapshot_of(item)
        if isinstance(lead, Article) and lead.page_url:
            self._merge(fingerprint(lead.page_url), {"kind": "article", "article_id": lead.fingerprint})
        elif snapshot is not None and snapshot.lead_url is None and not snapshot.problems:
            entry = self.pending.get(fingerprint(snapshot.url), {})
            if entry.get("kind") not in ("feed", "sitemap"):
                self._merge(fingerprint(snapshot.url), {"kind": "listing"})

    async def _read(self, key: str, url: str) -> dict | None:
        if time.monotonic() < self._paused_until:
            self._unavailable()
            return None
        try:
            state = await self._read_batched(key)
        except Exception as exc:
            self._paused_until = time.monotonic() + self.retry_interval
            if not self._unread:  # once per outage, not once per retry
                log.warning("could not read fetch state (%s): fetching pages unconditionally "
                            "until the database answers, asking every %.1fs (first: %s)",
                            public_name(exc), self.retry_interval, url)
            self._unavailable()
            return None
        if self._unread:
            log.warning("fetch state readable again: %d pages were fetched unconditionally "
                        "meanwhile", self._unread)
            self._unread = 0
        return state

    def _unavailable(self) -> None:
        self._unread += 1
        self.stats.inc_value("incremental/state_unavailable")

    def _read_batched(self, key: str) -> asyncio.Future:
        """One query for every read asked for while the previous query was out: no added
        wait, and as many reads per query as requests arrive meanwhile."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.ensure_future(self._read_all())
        return future

    async def _read_all(self) -> None:
        await asyncio.sleep(0)  # requests scheduled in the same turn join this query
        while self._waiting:
            waiting, self._waiting = self._waiting, {}
            try:
                states = await asyncio.to_thread(self._bounded, self.store.fetch_states, list(waiting))
            except Exception as exc:
                for futures in waiting.values():
                    for future in futures:
                        if not future.done():
                            future.set_exception(exc)
                continue
            self.stats.inc_value("incremental/state_reads")
            for key, futures in waiting.items():
                for future in futures:
                    if not future.done():
                        future.set_result(states.get(key))

    def _bounded(self, method, *args):
        with pymongo.timeout(self.timeout):
            return method(*args)

    # -- state writes -----------------------------------------------------------------------
    def _merge(self, key: str, fields: dict[str, Any]) -> None:
        self.pending.setdefault(key, {}).update(fields)

    async def _record(self, key: str, fields: dict[str, Any]) -> None:
        self._merge(key, fields)
        if len(self.pending) + len(self.seen_ids) >= self.batch:
            await self._flush()

    async def _flush(self) -> None:
        pending, seen = self.pending, self.seen_ids
        self.pending, self.seen_ids = {}, {}
        if self.store is None or (not pending and not seen):
            return
        if time.monotonic() < self._paused_until:
            log.warning("database away: state of %d pages not saved; they are fetched again "
                        "next run", len(pending))
            return
        try:
            await asyncio.to_thread(self._bounded, self.store.save_fetch_state, pending)
            await asyncio.to_thread(self._bounded, self.store.touch_seen, seen)
        except Exception as exc:
            self._paused_until = time.monotonic() + self.retry_interval
            log.warning("could not save fetch state (%s); those pages are fetched again next run",
                        public_name(exc))


def _first(*values: Any) -> timedelta | None:
    for value in values:
        if isinstance(value, timedelta):
            return value
        parsed = parse_duration(value)
        if parsed is not None:
            return parsed
    return None


def _led_to(state: dict | None) -> tuple[list[str], list[str]]:
    """The story links and child sitemaps a listing, feed or sitemap led to when last read."""
    state = state or {}
    return list(state.get("links") or ()), list(state.get("children") or ())


def _failed(state: dict, now: datetime) -> dict[str, Any]:
    """The state fields of one more failure in a row (retries within a run count once: each
    attempt computes from the state read before the first)."""
    return {"failures": (state.get("failures") or 0) + 1, "failed_at": now}


def _header(response, name: bytes) -> str | None:
    raw = response.headers.get(name)
    return raw.decode("latin-1") if raw else None
