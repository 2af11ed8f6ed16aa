"""`crawler crawl SPIDER [-a NAME=VALUE] [-s SETTING=VALUE]`: `scrapy crawl` with the project's
defaults, from any directory."""

from __future__ import annotations

import argparse
import os

from crawler.extensions.run_status import exit_codes_help

NAME = "crawl"
HELP = "run a spider (same as `scrapy crawl`); the exit status says how the run went"


def register(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ("exit status:\n" + exit_codes_help() + "\n`crawler runs` shows the same "
                     "distinction: ok, partial, failed, with policy counts apart from problems.")
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
    # crawler.cli.scrapy_commands.crawl checks the request, then the database, before Scrapy
    # starts anything: a mistake is one line and exit 2, an unreachable database one line, exit 3.
    return scrapy_main(["crawl", args.spider, *args.scrapy_args])
