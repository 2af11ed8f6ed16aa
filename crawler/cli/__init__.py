"""The `crawler` command: one sub-command per module in crawler.cli.

Each module there exposes NAME, HELP, register(parser) and run(args) -> exit status, so a new
sub-command is a new file, not an edit here.

Only the sub-command being run is imported: the others' names and help lines (for `crawler
--help` and the list of choices) are read from their source, since importing every module
would load what every command needs (the database layer, extraction, the web app) before any
of them runs.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import pkgutil
import platform
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType


@dataclass(frozen=True)
class Verb:
    """A sub-command as its module declares it, before the module is imported."""

    name: str
    help: str
    module: str


def _declared(source: str) -> tuple[str | None, str | None, bool]:
    """NAME and HELP when the module's top level assigns them literal strings, and whether it
    defines run."""
    found: dict[str, str] = {}
    has_run = False
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "run":
            has_run = True
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ("NAME", "HELP"):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(value, str):
                found[node.targets[0].id] = value
    return found.get("NAME"), found.get("HELP"), has_run


def _verb(module_name: str) -> Verb | None:
    """The sub-command a module declares, or None when it is not one. Read from the source;
    a module whose NAME or HELP is not a literal (or that ships without source) is imported."""
    spec = importlib.util.find_spec(module_name)
    origin = spec.origin if spec else None
    if origin and origin.endswith(".py"):
        with open(origin, encoding="utf-8") as f:
            name, help_text, has_run = _declared(f.read())
        if name is not None and help_text is not None:
            return Verb(name, help_text, module_name) if has_run else None
        if not has_run:
            return None
    module = importlib.import_module(module_name)
    if hasattr(module, "NAME") and hasattr(module, "run"):
        return Verb(module.NAME, module.HELP, module_name)
    return None


def _verbs() -> list[Verb]:
    verbs = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        verb = _verb(f"{__name__}.{info.name}")
        if verb is not None:
            verbs.append(verb)
    return verbs


def _requested(argv: list[str]) -> str | None:
    """The sub-command named on the command line: the first word that is not an option (the
    top-level options take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


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


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The `crawler` parser and the sub-command modules it imported (name -> module). With
    `only`, every sub-command is listed but only that one is imported and given its options:
    enough to parse a command line that names it, or none."""
    parser = argparse.ArgumentParser(
        prog="crawler",
        description="Crawl news aggregators into MongoDB: lead stories, related teasers, UTC times.",
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for verb in _verbs():
        sp = sub.add_parser(verb.name, help=verb.help, description=verb.help)
        if only is None or verb.name == only:
            module = importlib.import_module(verb.module)
            module.register(sp)
            modules[verb.name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser, modules = build_parser(only=_requested(argv) or "")
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(modules[args.command].run(args) or 0)
    except KeyboardInterrupt:
        return 130

