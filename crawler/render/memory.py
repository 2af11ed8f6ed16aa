"""Scrapy's memory extension, with the browser counted.

Scrapy's MemoryUsage measures only the crawler process; Chromium runs in its own processes and
can grow without Scrapy noticing. scrapy-playwright's extension adds the Playwright driver and
every browser process under it (needs psutil). This subclass finds the driver with current
Playwright too, records the browser's share (stat memusage/browser_max) and, if psutil is missing, warns once and keeps Scrapy's own
behaviour rather than switching memory checks off altogether.
"""

from __future__ import annotations

import logging
from importlib import import_module

from scrapy.extensions.memusage import MemoryUsage
from scrapy_playwright.memusage import ScrapyPlaywrightMemoryUsageExtension

log = logging.getLogger(__name__)


class BrowserMemoryUsage(ScrapyPlaywrightMemoryUsageExtension):
    def __init__(self, crawler) -> None:
        MemoryUsage.__init__(self, crawler)  # raises NotConfigured when MEMUSAGE_ENABLED is off
        try:
            self.psutil = import_module("psutil")
        except ImportError:
            self.psutil = None
            log.warning("psutil is not installed: memory checks count the crawler, not the browser")

    def _get_main_process_ids(self) -> list[int]:
        """The Playwright driver's pid (the browser runs under it). scrapy-playwright looks it
        up as context_manager._connection..., which newer Playwright moved under ._client."""
        ids: list[int] = []
        try:
            handlers = self.crawler.engine.downloader.handlers._handlers.values()
        except AttributeError:
            return ids
        for handler in set(handlers):
            provider = getattr(handler, "browser_provider", None)
            manager = getattr(provider, "playwright_context_manager", None)
            if manager is None:
                continue
            for owner in ("_client", "_connection"):
                proc = getattr(getattr(getattr(manager, owner, None), "_transport", None), "_proc",
                               None)
                if proc is not None and proc.pid not in ids:
                    ids.append(proc.pid)
        return ids

    def _get_total_playwright_process_memory(self) -> int:
        """PSS of the driver and every process under it: Chromium's processes share much of
        their memory, and summing RSS would count it once per process."""
        total = 0
        for pid in self._get_main_process_ids():
            try:
                root = self.psutil.Process(pid)
                procs = [root, *root.children(recursive=True)]
            except self.psutil.Error:
                continue
            for proc in procs:
                try:
                    total += proc.memory_full_info().pss
                except (self.psutil.Error, AttributeError):
                    continue
        return total

    def browser_size(self) -> int:
        if self.psutil is None:
            return 0
        size = self._get_total_playwright_process_memory()
        self._stats.max_value("memusage/browser_max", size)
        return size

    def get_virtual_size(self) -> int:
        return MemoryUsage.get_virtual_size(self) + self.browser_size()
