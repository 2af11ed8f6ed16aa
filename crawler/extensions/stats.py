"""Scrapy's in-memory stats collector, without its per-attribute deprecation shim.

Scrapy 2.13+ routes every attribute access on the stats collector through a Python-level
`__getattribute__` that wraps the stats methods to warn about their old `spider` argument;
each access of any other attribute (the collector's own `_stats` included) raises and catches
an AttributeError first. A crawl calls the stats a few dozen times per page, which made the
shim about 2% of the reactor thread's time. The methods are Scrapy's own and still accept
`spider` (no warning is given for it).
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class StatsCollector(MemoryStatsCollector):
    """scrapy.statscollectors.MemoryStatsCollector, attributes looked up the ordinary way."""

    __getattribute__ = object.__getattribute__
