"""`crawler crawl SPIDER [-a NAME=VALUE] [-s SETTING=VALUE]`: `scrapy crawl` with the project's
defaults, from any directory."""

from __future__ import annotations

import argparse
import os
import sys

NAME = "crawl"
HELP = "run a spider (same as `scrapy crawl`); exit status non-zero when the run failed"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spider", help="spider name (see `scrapy list`)")
    parser.add_argument("scrapy_args", nargs=argparse.REMAINDER,
                        help="-a NAME=VALUE spider arguments, -s NAME=VALUE settings, other "
                             "`scrapy crawl` options")


def scrapy_main(argv: list[str]) -> int:
    """Run Scrapy's command line in-process with this project's settings; its exit status."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from scrapy.cmdline import execute

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    try:
        execute(["scrapy", *argv])
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli.scrapy_commands.crawl import preflight

    # Checked here too, before Scrapy logs anything, so a cron mail holds one clear line.
    problem = preflight()
    if problem:
        print(f"crawl not started: {problem}", file=sys.stderr)
        return 2
    return scrapy_main(["crawl", args.spider, *args.scrapy_args])
