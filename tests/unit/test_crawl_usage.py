"""Checks of a crawl request before anything starts: each mistake is one line."""

from __future__ import annotations

import os

import pytest

from crawler.cli.scrapy_commands.usage import check_crawl, check_settings


@pytest.fixture
def settings():
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    return get_project_settings()


@pytest.mark.parametrize(("spider", "args", "expected"), [
    ("nosuchspider", {}, "unknown spider 'nosuchspider'"),
    ("daily", {}, "did you mean 'daily8'?"),
    ("aggregator", {}, "needs -a start_url="),
    ("daily8", {"max_depth": "abc"}, "max_depth must be a whole number >= 0, not 'abc'"),
    ("daily8", {"max_depth": "-2"}, "max_depth must be a whole number"),
    ("daily8", {"max_dpeth": "2"}, "has no argument 'max_dpeth' (did you mean 'max_depth'?"),
    ("daily8", {"start_url": "ftp://example.org/"}, "start_url must be an http(s) URL"),
    ("daily8", {"feeds": "file:///etc/passwd"}, "feeds must be http(s) URLs"),
])
def test_each_mistake_is_one_line(settings, spider, args, expected):
    problem = check_crawl(spider, args, settings)
    assert problem is not None and expected in problem
    assert "\n" not in problem


def test_a_correct_request_passes(settings):
    assert check_crawl("daily8", {"start_url": "http://127.0.0.1:1/", "max_depth": "2",
                                  "_job": "scrapyd-job-id"}, settings) is None
    assert check_crawl("aggregator", {"start_url": "http://127.0.0.1:1/"}, settings) is None


@pytest.mark.parametrize(("values", "expected"), [
    ({"CONCURRENT_REQUESTS": "many"}, "expected a number"),
    ({"DOWNLOAD_DELAY": "soon"}, "expected a number"),
    ({"ROBOTSTXT_OBEY": "perhaps"}, "expected true or false"),
    ({"ITEM_PIPELINES": "[1,2]"}, "expected a JSON object"),
    ({"CONCURENT_REQUESTS": "4"}, "did you mean 'CONCURRENT_REQUESTS'?"),
])
def test_bad_settings(values, expected):
    problem = check_settings(values)
    assert problem is not None and expected in problem


def test_good_and_foreign_settings_pass():
    good = {"CONCURRENT_REQUESTS": "4", "DOWNLOAD_DELAY": "0.5", "ROBOTSTXT_OBEY": "false",
            "MY_ADDON_OPTION": "x", "CLOSESPIDER_TIMEOUT": "60",
            "ITEM_PIPELINES": '{"pipelines.store.StorePipeline": 300}',
            "SPIDER_MODULES": "spiders,tests.support.render_spider"}
    assert check_settings(good) is None
