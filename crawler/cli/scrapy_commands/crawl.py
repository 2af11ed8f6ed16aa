"""`scrapy crawl` for this project: checks the request and the database before anything
starts, and exits with a status that means one thing (crawler.extensions.run_status:
0 ok, 1 partial, 2 bad usage, 3 database unreachable) so cron mails the right thing.
`crawler crawl` runs this same command."""

from __future__ import annotations

import logging
import sys

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from crawler import log_levels
from crawler.cli.scrapy_commands.usage import check_crawl, check_settings
from crawler.extensions.run_status import (
    EXIT_DATABASE,
    EXIT_PARTIAL,
    EXIT_USAGE,
    exit_code,
    exit_codes_help,
    run_status,
)
from crawler.gc_tuning import freeze_startup_objects

log = logging.getLogger(__name__)


def preflight() -> str | None:
    """None when the database answers; otherwise the one line that says why not."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.storage.embedded_db import EmbeddedDBError
    from crawler.storage.store import Store, StoreUnavailable

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
    return None


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


def setup_problem(settings) -> str | None:
    """None when what the crawl needs besides the database is usable; otherwise one line:
    MONGO_URI unusable, data directory not writable or short of STORE_MIN_FREE_MB, Redis
    (REDIS_URL) not answering."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler import config
    from crawler.storage import spill
    from crawler.storage.uri_check import mongo_uri_problem

    uri = config.mongo_uri_from_env()
    problem = mongo_uri_problem(uri) if uri else None
    if problem:
        return problem
    if settings.getbool("STORE_JOURNAL", True):
        problem = spill.data_dir_problem(int(settings.getfloat("STORE_MIN_FREE_MB", 50) * 1_048_576))
        if problem:
            return problem
    redis_url = settings.get("REDIS_URL")
    return _redis_problem(str(redis_url)) if redis_url else None


def _stop(code: int, message: str) -> None:
    """One line on stderr and the exit status; raised before Scrapy logs anything."""
    print(f"crawl not started: {message}", file=sys.stderr)
    raise SystemExit(code)


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider into the database; exit status says how it went (see --help)"

    def long_desc(self) -> str:
        return (self.short_desc() + ". Exit status:\n" + exit_codes_help())

    def process_options(self, args, opts) -> None:
        # Runs before the crawler process exists: a mistake here starts nothing (no reactor,
        # no log lines, no embedded database in the current directory).
        try:
            written = arglist_to_dict(opts.set)
        except ValueError:
            written = {}  # Scrapy's own message follows
        problem = check_settings(written)
        if problem:
            _stop(EXIT_USAGE, problem)
        try:
            super().process_options(args, opts)
        except UsageError as exc:
            if exc.print_help or not str(exc):
                raise
            _stop(EXIT_USAGE, str(exc))
        if len(args) != 1:
            return  # Scrapy's own usage error follows in run()
        problem = check_crawl(args[0], opts.spargs, self.settings)
        if problem:
            _stop(EXIT_USAGE, problem)
        problem = setup_problem(self.settings)
        if problem:
            _stop(EXIT_USAGE, problem)
        problem = preflight()
        if problem:
            _stop(EXIT_DATABASE, problem)

    def _create_crawler(self, spidercls):
        self._crawler = crawler = super()._create_crawler(spidercls)
        # The crawler has installed the root log handler with its own settings (a spider's
        # custom_settings included): from here on, messages below its level are never built.
        log_levels.match_handlers()
        crawler.signals.connect(freeze_startup_objects, signal=signals.engine_started, weak=False)
        return crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        if self.exitcode:
            return
        crawler = getattr(self, "_crawler", None)
        if crawler is None or crawler.stats is None:
            self.exitcode = EXIT_PARTIAL
            return
        stats = crawler.stats.get_stats()
        status = stats.get("run/status") or run_status(stats, stats.get("finish_reason"))
        self.exitcode = exit_code(status, bool(stats.get("run/database_unreachable")))
