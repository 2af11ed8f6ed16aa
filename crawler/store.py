"""The stable import path of the store that design.md promises tools and tests
(``crawler.store.Store``); the implementation lives in crawler.storage."""

from crawler.storage.store import Store

__all__ = ["Store"]
