"""The project's stats collector is Scrapy's in-memory one with attributes looked up the
ordinary way: same methods, same results, the old `spider` argument still accepted."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.extensions.stats import StatsCollector


def test_the_project_collects_stats_with_it():
    assert get_project_settings()["STATS_CLASS"] == "crawler.extensions.stats.StatsCollector"
    crawler = get_crawler(settings_dict={"STATS_CLASS": get_project_settings()["STATS_CLASS"]})
    assert type(crawler.stats) is StatsCollector


def test_it_answers_as_scrapys_does():
    crawler = get_crawler()
    ours, scrapys = StatsCollector(crawler), MemoryStatsCollector(crawler)
    assert isinstance(ours, MemoryStatsCollector)
    for stats in (ours, scrapys):
        stats.inc_value("pages")
        stats.inc_value("pages", 2)
        stats.inc_value("start", start=10)
        stats.max_value("depth", 3)
        stats.max_value("depth", 1)
        stats.min_value("first", 5)
        stats.min_value("first", 2)
        stats.set_value("reason", "finished")
    assert ours.get_stats() == scrapys.get_stats() == {
        "pages": 3, "start": 11, "depth": 3, "first": 2, "reason": "finished"}
    assert ours.get_value("missing", 7) == 7
    ours.inc_value("pages", spider=None)  # the old argument, still taken (Scrapy warns of it)
    assert ours.get_value("pages") == 4
