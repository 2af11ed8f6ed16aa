"""The `crawler` command: one sub-command per module in crawler.cli.

Each module there exposes NAME, HELP, register(parser) and run(args) -> exit status, so a new
sub-command is a new file, not an edit here.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
from importlib.metadata import PackageNotFoundError, version


def _command_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            yield module


def version_text() -> str:
    """The installed distribution's version, with Scrapy's and Python's, for bug reports."""
    try:
        own = version("news-aggregator-crawler")
    except PackageNotFoundError:  # run from a source tree that was never installed
        own = "unknown (not installed)"
    try:
        scrapy = version("scrapy")
    except PackageNotFoundError:
        scrapy = "?"
    return f"crawler {own} (Scrapy {scrapy}, Python {platform.python_version()})"


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="crawler",
        description="Crawl news aggregators into MongoDB: lead stories, related teasers, UTC times.",
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for module in _command_modules():
        sp = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.register(sp)
        modules[module.NAME] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(modules[args.command].run(args) or 0)
    except KeyboardInterrupt:
        return 130

