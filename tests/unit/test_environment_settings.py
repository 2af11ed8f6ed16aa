"""CRAWLER_<SETTING> environment overrides: every setting, dicts merged, defaults < spider <
environment < -s (crawler.environment)."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler import environment
from crawler import settings as defaults


def _project(environ: dict[str, str], cmdline: dict | None = None,
             spider: dict | None = None) -> Settings:
    """Settings built the way a crawl builds them: defaults, spider, environment, -s."""
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    if spider:
        settings.setdict(spider, priority="spider")
    if cmdline:
        settings.setdict(cmdline, priority="cmdline")
    environment.apply(settings, environ)
    return settings


def test_a_scrapy_setting_the_project_never_defines_is_set_from_the_environment():
    assert "DEPTH_LIMIT" not in dir(defaults)
    settings = _project({"CRAWLER_DEPTH_LIMIT": "2"})
    assert settings.getint("DEPTH_LIMIT") == 2


def test_precedence_defaults_then_spider_then_environment_then_command_line():
    assert _project({}).getint("CONCURRENT_REQUESTS") == defaults.CONCURRENT_REQUESTS
    env = {"CRAWLER_CONCURRENT_REQUESTS": "3"}
    assert _project(env).getint("CONCURRENT_REQUESTS") == 3
    assert _project(env, spider={"CONCURRENT_REQUESTS": 5}).getint("CONCURRENT_REQUESTS") == 3
    assert _project({}, spider={"CONCURRENT_REQUESTS": 5}).getint("CONCURRENT_REQUESTS") == 5
    assert _project(env, cmdline={"CONCURRENT_REQUESTS": "7"}).getint("CONCURRENT_REQUESTS") == 7


def test_crawler_settings_are_set_by_their_own_name():
    settings = _project({"CRAWLER_MAX_DEPTH": "9", "CRAWLER_REDIS_WRITE_LOCK": "false"})
    assert settings.getint("CRAWLER_MAX_DEPTH") == 9
    assert settings.getbool("CRAWLER_REDIS_WRITE_LOCK") is False
    assert "MAX_DEPTH" not in settings


def test_a_dict_setting_from_the_environment_is_merged_into_the_defaults():
    settings = _project({"CRAWLER_ITEM_PIPELINES": '{"my.Extra": 400, '
                                                    '"pipelines.dedup.DedupPipeline": null}'})
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["my.Extra"] == 400
    assert pipelines["pipelines.dedup.DedupPipeline"] is None
    assert pipelines["pipelines.store.StorePipeline"] == 300  # the defaults stay


def test_plain_strings_json_values_and_process_variables():
    settings = _project({"CRAWLER_LOG_LEVEL": "WARNING", "CRAWLER_DATA_DIR": "/tmp/x",
                         "REDIS_URL": "redis://127.0.0.1:6379/0", "CRAWLER_RETRY_TIMES": ""})
    assert settings.get("LOG_LEVEL") == "WARNING"
    assert "DATA_DIR" not in settings  # where files go, read by crawler.config, not a setting
    assert settings.get("REDIS_URL") == "redis://127.0.0.1:6379/0"
    assert settings.getint("RETRY_TIMES") == defaults.RETRY_TIMES  # empty: not set


def test_outside_a_crawl_the_same_values():
    assert environment.setting("CRAWLER_SCHEDULES", {}) == defaults.CRAWLER_SCHEDULES
    assert environment.setting("CRAWLER_SCHEDULES", {"CRAWLER_SCHEDULES": "x.yaml"}) == "x.yaml"
