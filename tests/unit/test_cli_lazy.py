"""The `crawler` command imports only the sub-command it runs; the list it prints of the others
(read from their source) is what their modules declare."""

from __future__ import annotations

import importlib
import subprocess
import sys

from crawler import cli
from tests.support.crawl import ROOT


def test_verbs_read_from_source_are_what_the_modules_declare():
    verbs = cli._verbs()
    assert [v.name for v in verbs] == sorted(v.name for v in verbs)
    assert {"crawl", "db", "demo", "extract", "timestamps"} <= {v.name for v in verbs}
    for verb in verbs:
        module = importlib.import_module(verb.module)
        assert (module.NAME, module.HELP) == (verb.name, verb.help)
        assert callable(module.run) and callable(module.register)


def test_full_parser_registers_every_verb():
    parser, modules = cli.build_parser()
    assert sorted(modules) == [v.name for v in cli._verbs()]
    assert parser.parse_args(["schedule", "list"]).command == "schedule"


def test_one_verb_imports_only_its_own_module():
    """`crawler timestamps` does not load the database layer, extraction or the other verbs."""
    probe = ("import sys; from crawler.cli import build_parser; "
             "parser, modules = build_parser(only='timestamps'); "
             "parser.parse_args(['timestamps', '8 hours ago']); "
             "print(sorted(modules), sorted(m for m in sys.modules if m.startswith("
             "('crawler.cli.', 'crawler.storage', 'crawler.dedup', 'scrapy', 'pymongo'))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out.strip() == "['timestamps'] ['crawler.cli.timestamps']"


def test_requested_verb_is_the_first_word_not_an_option():
    assert cli._requested(["crawl", "daily8", "-s", "X=1"]) == "crawl"
    assert cli._requested(["--version"]) is None
    assert cli._requested(["-h", "db"]) == "db"
    assert cli._requested([]) is None
