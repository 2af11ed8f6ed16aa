"""Recycling browser contexts: a fresh context every N pages, the old one closed when idle.

A long crawl in one browser context accumulates cache, cookies, service workers and leaked
listeners; starting a new context every RENDER_CONTEXT_PAGES pages bounds that. Pure
bookkeeping, no browser: the download handler asks which context a page goes to (`acquire`)
and, when the page is done, whether that context may now be closed (`release`).
"""

from __future__ import annotations

from collections import Counter


class ContextRotation:
    def __init__(self, pages_per_context: int, prefix: str = "render"):
        self.pages_per_context = max(1, int(pages_per_context))
        self.prefix = prefix
        self.generation = 0
        self.served = 0
        self.open: Counter[str] = Counter()
        self.retired: set[str] = set()

    @property
    def current(self) -> str:
        return f"{self.prefix}-{self.generation}"

    def acquire(self) -> str:
        """The context for the next page; after N pages the next one starts a new context."""
        name = self.current
        self.open[name] += 1
        self.served += 1
        if self.served >= self.pages_per_context:
            self.retired.add(name)
            self.generation += 1
            self.served = 0
        return name

    def release(self, name: str) -> bool:
        """A page of `name` is done; True when `name` is retired and has no page left open."""
        self.open[name] -= 1
        if self.open[name] <= 0:
            del self.open[name]
            if name in self.retired:
                self.retired.discard(name)
                return True
        return False

    def retire(self, name: str) -> bool:
        """Retire `name` now (a page in it hung); True when it can be closed at once."""
        if name == self.current:
            self.generation += 1
            self.served = 0
        if self.open.get(name, 0) <= 0:
            self.retired.discard(name)
            return True
        self.retired.add(name)
        return False
