"""Scrapy settings for the crawler.

Every setting here may be overridden without editing code: from the environment as
CRAWLER_<NAME> (a JSON value, or a plain string), from the command line with `-s NAME=VALUE`,
or per spider. MONGO_URI / MONGO_DB / CRAWLER_DATA_DIR select the database and data directory.
"""

from __future__ import annotations

import json
import os

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.scrapy_commands"

USER_AGENT = "newscrawler/0.1 (+https://example.invalid/newscrawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# No control listeners: a scheduled crawler opens no ports of its own.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}

# How many sightings the store pipeline sends to MongoDB in one bulk write.
STORE_BATCH_SIZE = 200
# Crawl depth when neither the profile nor `-a max_depth=` says.
CRAWLER_MAX_DEPTH = 3
# Default page zone for times written without one, when the profile names none.
CRAWLER_DEFAULT_TZ = "UTC"


def _from_env(namespace: dict) -> None:
    for name in [n for n in namespace if n.isupper()]:
        raw = os.environ.get(f"CRAWLER_{name}") if not name.startswith("CRAWLER_") else os.environ.get(name)
        if raw is None:
            continue
        try:
            namespace[name] = json.loads(raw)
        except ValueError:
            namespace[name] = raw


_from_env(globals())
