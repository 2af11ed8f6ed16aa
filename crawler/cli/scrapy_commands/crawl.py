"""`scrapy crawl` for this project: checks the database first, and exits non-zero on a failed or
partial run so cron mails the right thing. `crawler crawl` runs this same command."""

from __future__ import annotations

import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.extensions.run_status import exit_code, run_status

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


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider into the database; exit status 1 when the run failed or was partial"

    def _create_crawler(self, spidercls):
        self._crawler = super()._create_crawler(spidercls)
        return self._crawler

    def run(self, args, opts) -> None:
        problem = preflight()
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
