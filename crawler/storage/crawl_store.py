"""One Store per crawl, shared by the pipelines, extensions and middlewares that need it.

Built on first use from MONGO_URI / MONGO_DB and closed when the engine stops (after every
component's spider_closed work). A test or a tool that already has a Store hands it over with
`attach` before the components open; an attached store is the caller's to close.
"""

from __future__ import annotations

import asyncio

from scrapy import signals

from crawler.signals import store_opened
from crawler.storage.store import Store

_ATTR = "_crawl_store"


class _CrawlStore:
    """Holds the crawl's store on the crawler object; its bound method closes it at the end."""

    def __init__(self, store: Store, owned: bool):
        self.store = store
        self.owned = owned

    async def close(self) -> None:
        """Closed in a worker thread: with the database away, pymongo's close waits for a server
        (the selection timeout) before giving up on ending its sessions. On the reactor thread
        that wait would stall the other engine_stopped work running beside it; Scrapy's HTTP
        handler then sees its own disconnect timeout fire after its connections already closed,
        and Twisted logs an AlreadyCalledError."""
        if self.owned:
            await asyncio.to_thread(self.store.close)


def for_crawler(crawler) -> Store:
    """The crawl's store, built the first time a component asks (may raise when the database
    cannot be reached or started: each component says what it does without one)."""
    held: _CrawlStore | None = getattr(crawler, _ATTR, None)
    if held is None:
        held = _install(crawler, Store(), owned=True)
    return held.store


def attach(crawler, store: Store) -> Store:
    """Use `store` for this crawl instead of one built from the environment."""
    return _install(crawler, store, owned=False).store


def _install(crawler, store: Store, owned: bool) -> _CrawlStore:
    held = _CrawlStore(store, owned)
    setattr(crawler, _ATTR, held)
    crawler.signals.connect(held.close, signal=signals.engine_stopped)
    crawler.signals.send_catch_log(signal=store_opened, store=store)
    return held
