"""The Redis connection, made as scrapy-redis makes its own."""

from __future__ import annotations

from scrapy.settings import Settings
from scrapy_redis import connection


def redis_client(url: str):
    """A client for REDIS_URL, configured as scrapy-redis configures its own."""
    return connection.from_settings(Settings({"REDIS_URL": url}))
