"""`scrapy crawl` for this project: checks the database first, and exits non-zero on a failed or
partial run so cron mails the right thing. `crawler crawl` runs this same command."""

from __future__ import annotations

import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.extensions.run_status import exit_code, run_status

log = logging.getLogger(__name__)


def preflight(settings=None) -> str | None:
    """None when the crawl can start; otherwise the one line that says why not: MONGO_URI
    unusable, data directory not writable (or, with `settings`, short of STORE_MIN_FREE_MB),
    database or Redis not answering."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler import config
    from crawler.storage import spill
    from crawler.storage.embedded_db import EmbeddedDBError
    from crawler.storage.store import Store, StoreUnavailable
    from crawler.storage.uri_check import mongo_uri_problem

    uri = config.mongo_uri_from_env()
    problem = mongo_uri_problem(uri) if uri else None
    if problem:
        return problem
    if settings is None or settings.getbool("STORE_JOURNAL", True):
        min_free = int(settings.getfloat("STORE_MIN_FREE_MB", 50) * 1_048_576) if settings else 0
        problem = spill.data_dir_problem(min_free)
        if problem:
            return problem
    try:
        store = Store()
    except EmbeddedDBError as exc:
        return f"database unavailable: {exc}"
    try:
        store.ping()
    except StoreUnavailable as exc:
        return str(exc)
    finally:
        store.close()
    redis_url = settings.get("REDIS_URL") if settings is not None else None
    return _redis_problem(str(redis_url)) if redis_url else None


def _redis_problem(url: str) -> str | None:
    """None when Redis at `url` answers a ping within 3 s."""
    # loaded on use: Redis is needed only in distributed mode
    from redis import Redis
    from redis.exceptions import RedisError

    # loaded on use, as above
    from crawler.redact import mask_uri, public_name

    try:
        client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    except (ValueError, RedisError) as exc:
        return f"REDIS_URL {mask_uri(url)} is not usable: {mask_uri(str(exc))}"
    try:
        client.ping()
    except RedisError as exc:
        return (f"Redis at {mask_uri(url)} does not answer ({public_name(exc)}): start it, or "
                "unset REDIS_URL to crawl without distributed mode")
    finally:
        client.close()
    return None


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider into the database; exit status 1 when the run failed or was partial"

    def _create_crawler(self, spidercls):
        self._crawler = super()._create_crawler(spidercls)
        return self._crawler

    def run(self, args, opts) -> None:
        problem = preflight(self.settings)
        if problem:
            print(f"crawl not started: {problem}", file=sys.stderr)
            self.exitcode = 2
            return
        super().run(args, opts)
        if self.exitcode:
            return
        crawler = getattr(self, "_crawler", None)
        if crawler is None or crawler.stats is None:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats()
        status = stats.get("run/status") or run_status(stats, stats.get("finish_reason"))
        self.exitcode = exit_code(status)
