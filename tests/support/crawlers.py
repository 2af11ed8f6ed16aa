"""In-process crawler objects for component tests: the one way a test hands its store to the
pipelines, extensions and middlewares (the same way a crawl does, crawler.storage.attach)."""

from __future__ import annotations

import scrapy
from scrapy.utils.test import get_crawler

from crawler.storage import attach


class ComponentSpider(scrapy.Spider):
    name = "component-test"


def crawler_with_store(store, settings: dict | None = None, spidercls=ComponentSpider):
    """A crawler (Scrapy's test settings plus `settings`) whose components use `store`; its
    spider is created and set, as the engine would before opening components."""
    crawler = get_crawler(spidercls, settings or {})
    crawler.spider = spidercls()
    attach(crawler, store)
    return crawler
