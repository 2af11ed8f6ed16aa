"""`crawler demo`: serve the bundled sample aggregator on 127.0.0.1, crawl it into the default
database, print what was stored. Needs no network."""

from __future__ import annotations

import argparse
import os
import socket
import sys

from crawler.redact import mask_uri

NAME = "demo"
HELP = "crawl the bundled sample aggregator into the default database and print a summary"

PREFERRED_PORT = 8808  # stable URLs make repeated demos update the same documents


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None,
                        help=f"port for the sample site (default {PREFERRED_PORT}, or a free one)")
    parser.add_argument("--loglevel", default="WARNING", help="Scrapy log level (default WARNING)")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli.scrapy_commands.crawl import preflight
    from crawler.demo_site import DemoSite, FixtureServer
    from crawler.extensions.run_status import exit_code
    from crawler.politeness import OWN_SITE_SETTINGS
    from crawler.storage.store import Store

    problem = preflight()
    if problem:
        print(f"demo not started: {problem}", file=sys.stderr)
        return 2
    port = args.port or (PREFERRED_PORT if _port_free(PREFERRED_PORT) else 0)
    site = DemoSite()
    with FixtureServer(site.render, port=port) as server:
        print(f"sample aggregator at {server.base_url}/ ({len(site.stories)} stories, "
              f"{len(site.listing_paths)} listing pages); crawling...", flush=True)
        settings = get_project_settings()
        settings.set("LOG_LEVEL", args.loglevel, priority="cmdline")
        # The demo's site is the crawler's own, on 127.0.0.1: no need to spare it.
        settings.setdict(OWN_SITE_SETTINGS, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("daily8")
        process.crawl(crawler, start_url=server.url("/"))
        process.start()
        stats = crawler.stats.get_stats()
    status = stats.get("run/status", "failed")
    store = Store()
    try:
        prefix = server.base_url + "/"
        stored = store.count_articles({"canonical_url": {"$regex": "^" + prefix.replace(".", r"\.")}})
        total = store.count_articles()
    finally:
        store.close()
    rows = [
        ("pages fetched", stats.get("response_received_count", 0)),
        ("listing pages", stats.get("pages/listing", 0)),
        ("leads", stats.get("pages/lead", 0)),
        ("teasers", stats.get("items/teaser", 0)),
        ("pages without a lead", stats.get("pages/no_lead", 0)),
        ("duplicates folded", stats.get("dedup/folded", 0)),
        ("new stories", stats.get("store/new", 0)),
        ("updated stories", stats.get("store/updated", 0)),
        ("stored articles (this site)", stored),
        ("stored articles (database)", total),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"  {key:<{width}}  {value:>6}")
    print(f"\nrun {stats.get('run/id', '?')}: {status} ({stats.get('finish_reason', '?')}); "
          f"database {mask_uri(store.uri)} / {store.db.name}")
    return exit_code(status)
