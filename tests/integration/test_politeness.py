"""Politeness as the crawled site sees it: a slow local site counts the requests in flight per
host on its side of the socket, and the gaps between their arrivals."""

from __future__ import annotations

import json

import pytest

from crawler.politeness import OWN_SITE_SETTINGS
from tests.support.crawl import run_crawler
from tests.support.slow_site import SlowSite

POLITE_ENV = {f"CRAWLER_{name}" for name in OWN_SITE_SETTINGS}
# Only the setting under test differs from the defaults; the delay is left out where concurrency
# is what is counted, so each case takes seconds.
NO_DELAY = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false"]


@pytest.fixture
def polite_env(crawl_env):
    """The crawl environment without the suite's raised limits: the project's defaults."""
    return {k: v for k, v in crawl_env.items() if k not in POLITE_ENV}


def crawl(site: SlowSite, env: dict, *args: str):
    proc = run_crawler(["crawl", "aggregator", "-a", f"start_url={site.url('/')}",
                        "-a", "max_depth=1", "-s", "CRAWLER_INCREMENTAL=false", *args], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def peak(site: SlowSite) -> int:
    return max(site.max_in_flight.values())


@pytest.mark.parametrize("n", [1, 2])
def test_concurrency_per_domain_from_the_command_line(polite_env, n):
    with SlowSite(delay=0.5, pages=6) as site:
        crawl(site, polite_env, "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={n}", *NO_DELAY)
    assert len(site.page_arrivals()) == 7  # the home page and its six stories
    assert peak(site) == n  # at most n, and n is reached: the limit is what held it


def test_concurrency_per_domain_from_the_environment(polite_env):
    env = dict(polite_env, CRAWLER_CONCURRENT_REQUESTS_PER_DOMAIN="2",
               CRAWLER_DOWNLOAD_DELAY="0", CRAWLER_AUTOTHROTTLE_ENABLED="false")
    with SlowSite(delay=0.5, pages=5) as site:
        crawl(site, env)
    assert peak(site) == 2


def write_profile(folder, host: str, politeness: dict) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "own.yaml").write_text(
        "name: own-slow-site\n"
        f"domains: [{host}]\n"
        "render: never\n"
        f"politeness: {json.dumps(politeness)}\n", encoding="utf-8")


def test_profile_raises_the_limits_of_its_own_site_and_the_command_line_wins(polite_env, tmp_path):
    env = dict(polite_env, CRAWLER_PROFILES=str(tmp_path / "profiles"))
    write_profile(tmp_path / "profiles", "127.0.0.1", {"concurrency": 3, "delay": 0})
    with SlowSite(delay=0.5, pages=6) as site:
        crawl(site, env)
    assert peak(site) == 3
    with SlowSite(delay=0.5, pages=4) as site:
        crawl(site, env, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert peak(site) == 1


def test_defaults_one_request_at_a_time_with_a_delay(polite_env):
    # The defaults as they are, AutoThrottle included, but for its five-second start delay and
    # the random spread of the delay, so the gaps can be checked against DOWNLOAD_DELAY (1 s).
    with SlowSite(delay=0.0, pages=3) as site:
        crawl(site, polite_env, "-s", "AUTOTHROTTLE_START_DELAY=1", "-s", "DOWNLOAD_DELAY_JITTER=0")
    arrivals = site.page_arrivals()
    assert len(arrivals) == 4 and peak(site) == 1
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    # 1 s apart when they leave the crawler; the slack is for a loaded machine (without the
    # delay they arrive milliseconds apart).
    assert min(gaps) >= 0.7, gaps


def test_robots_crawl_delay_is_a_floor(polite_env, mongo_uri, db_name):
    robots = "User-agent: *\nCrawl-delay: 2\nAllow: /\n"
    with SlowSite(delay=0.0, pages=3, robots=robots) as site:
        crawl(site, polite_env, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", *NO_DELAY)
    arrivals = site.page_arrivals()
    assert len(arrivals) == 4 and peak(site) == 1
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= 1.6, gaps  # 2 s apart when they leave, as for the delay above
