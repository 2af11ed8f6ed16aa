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


def _settings(scrapy_args: list[str]):
    """The project settings with the command line's -s overrides, as the crawl will see them."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    pairs = []
    for i, arg in enumerate(scrapy_args):
        if arg in ("-s", "--set") and i + 1 < len(scrapy_args):
            pairs.append(scrapy_args[i + 1])
        elif arg.startswith("-s") and len(arg) > 2:
            pairs.append(arg[2:])
        elif arg.startswith("--set="):
            pairs.append(arg[6:])
    settings.setdict(dict(p.split("=", 1) for p in pairs if "=" in p), priority="cmdline")
    return settings


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli.scrapy_commands.crawl import preflight

    # Checked here too, before Scrapy logs anything, so a cron mail holds one clear line.
    problem = preflight(_settings(args.scrapy_args))
    if problem:
        print(f"crawl not started: {problem}", file=sys.stderr)
        return 2
    return scrapy_main(["crawl", args.spider, *args.scrapy_args])
