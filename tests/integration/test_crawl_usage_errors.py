"""Operator mistakes: one line on stderr, exit status 2, no traceback, and nothing started (no
embedded database, no request to the site)."""

from __future__ import annotations

import os

import pytest

from tests.support.crawl import CRAWLER, run_crawler

MISTAKES = [
    (["crawl", "nosuchspider"], "unknown spider 'nosuchspider'"),
    (["crawl", "aggregator"], "start_url"),
    (["crawl", "daily8", "-a", "max_depth=abc"], "max_depth must be a whole number"),
    (["crawl", "daily8", "-a", "max_dpeth=2"], "has no argument 'max_dpeth'"),
    (["crawl", "daily8", "-a", "start_url=ftp://example.org/"], "http(s) URL"),
    (["crawl", "daily8", "-a", "nonsense"], "use -a NAME=VALUE"),
    (["crawl", "daily8", "-s", "CONCURRENT_REQUESTS=many"], "expected a number"),
    (["crawl", "daily8", "-s", "ROBOTSTXT_OBEY=perhaps"], "expected true or false"),
    (["crawl", "daily8", "-s", "CONCURENT_REQUESTS=4"], "did you mean 'CONCURRENT_REQUESTS'"),
    (["crawl", "daily8", "-s", "CRAWLER_EXTRACT_PROCESSES=lots"], "'auto' or a whole number"),
    (["crawl", "daily8", "-s", "CRAWLER_EXTRACT_RECYCLE_AFTER=-5"], "whole number of pages >= 0"),
]


@pytest.fixture
def no_database_env(tmp_path):
    """No MONGO_URI: a crawl that got as far as the database would start the embedded one in
    CRAWLER_DATA_DIR (and a scrapy crawl typed in tmp_path would create ./var there)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "CRAWLER_DATA_DIR")}
    env["CRAWLER_DATA_DIR"] = str(tmp_path / "data")
    return env


@pytest.mark.parametrize(("argv", "expected"), MISTAKES, ids=[" ".join(m[0][1:]) for m in MISTAKES])
def test_mistake_is_one_line_exit_2_and_starts_nothing(argv, expected, no_database_env, tmp_path):
    proc = run_crawler(argv, no_database_env, timeout=60)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(lines) == 1 and expected in lines[0], proc.stderr[-2000:]
    assert lines[0].startswith("crawl not started: ")
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "data").exists()  # no embedded database was started


def test_scrapy_crawl_says_the_same(no_database_env, tmp_path):
    """`scrapy crawl` runs the same command class: same line, same status, from any directory."""
    import subprocess
    import sys

    from tests.support.crawl import ROOT

    env = dict(no_database_env, SCRAPY_SETTINGS_MODULE="crawler.settings",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "nosuchspider"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "crawl not started: unknown spider 'nosuchspider' (known: aggregator, daily8)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_unreachable_database_is_exit_3(crawl_env, demo_server):
    env = dict(crawl_env, MONGO_URI="mongodb://127.0.0.1:9/")
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={demo_server.url('/')}"], env)
    assert proc.returncode == 3, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert demo_server.fetched_paths() == []


def test_help_lists_the_exit_statuses():
    import subprocess

    proc = subprocess.run([*CRAWLER, "crawl", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for code in ("0", "1", "2", "3"):
        assert f"\n  {code}  " in proc.stdout
    assert "database could not be reached" in proc.stdout
