"""Which limits a site's download slot gets: settings, a profile's `politeness`, the operator's
own values; the polite defaults themselves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import astuple

from scrapy.settings import Settings

from crawler.politeness.limits import SiteLimits, operator_set, slot_limits
from crawler.sites.profile import ProfileError, parse_profile


def limits(profile=None, autothrottle=True, **kw):
    return astuple(slot_limits(concurrency=1, download_delay=1.0, start_delay=5.0,
                               autothrottle=autothrottle, profile=profile, **kw))


DEFAULTS = """
import json
from scrapy.settings import Settings
s = Settings()
s.setmodule("crawler.settings", priority="project")
print(json.dumps({k: s.get(k) for k in ("CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
      "AUTOTHROTTLE_ENABLED", "ROBOTSTXT_OBEY", "DOWNLOADER")}))
"""


def test_defaults_are_scrapys_project_template_and_autothrottle():
    # In a fresh interpreter without CRAWLER_* overrides (the suite raises them for its sites).
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAWLER_")}
    out = subprocess.run([sys.executable, "-c", DEFAULTS], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1, "AUTOTHROTTLE_ENABLED": True,
        "ROBOTSTXT_OBEY": True, "DOWNLOADER": "crawler.politeness.downloader.PoliteDownloader"}


def test_without_a_profile_the_settings_hold():
    assert limits() == (1, 5.0, True, 0.0)  # AutoThrottle starts at its start delay
    assert limits(autothrottle=False) == (1, 1.0, False, 0.0)


def test_profile_raises_its_sites_limits_and_fixes_its_delay():
    own = SiteLimits(concurrency=4, delay=0.0)
    assert limits(own) == (4, 0.0, False, 0.0)
    assert limits(SiteLimits(concurrency=4)) == (4, 5.0, True, 0.0)
    assert limits(SiteLimits(autothrottle=False)) == (1, 1.0, False, 0.0)
    # AutoThrottle asked for with a delay: the delay is its floor.
    assert limits(SiteLimits(delay=2.0, autothrottle=True)) == (1, 5.0, True, 2.0)


def test_operator_values_beat_the_profile_and_download_slots_beat_all():
    own = SiteLimits(concurrency=4, delay=0.0)
    assert limits(own, operator_concurrency=True) == (1, 0.0, False, 0.0)
    assert limits(own, operator_delay=True) == (4, 5.0, True, 0.0)
    assert limits(own, slot_settings={"concurrency": 2, "delay": 3}) == (2, 3.0, False, 0.0)


def test_operator_set_reads_priority_and_environment():
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    assert not operator_set(settings, "DOWNLOAD_DELAY", environ={})
    assert operator_set(settings, "DOWNLOAD_DELAY", environ={"CRAWLER_DOWNLOAD_DELAY": "0"})
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    assert operator_set(settings, "DOWNLOAD_DELAY", environ={})


def test_profile_politeness_field():
    p = parse_profile("name: mine\ndomains: [mine.example]\n"
                      "politeness: {concurrency: 4, delay: 0.5, autothrottle: false}\n", "p.yaml")
    assert p.politeness == SiteLimits(4, 0.5, False)
    assert parse_profile("name: theirs\n", "p.yaml").politeness is None


def test_profile_politeness_errors_name_file_and_line():
    cases = [
        ("name: x\npoliteness: fast\n", "p.yaml:2: politeness: must be a mapping"),
        ("name: x\npoliteness:\n  concurrency: 0\n", "p.yaml:3: politeness.concurrency"),
        ("name: x\npoliteness:\n  delay: -1\n", "p.yaml:3: politeness.delay"),
        ("name: x\npoliteness:\n  autothrottle: maybe\n", "p.yaml:3: politeness.autothrottle"),
        ("name: x\npoliteness:\n  concurency: 2\n", "p.yaml:3: politeness: unknown field 'concurency'"),
    ]
    for text, expected in cases:
        try:
            parse_profile(text, "p.yaml")
        except ProfileError as exc:
            assert str(exc).startswith(expected), str(exc)
        else:
            raise AssertionError(f"accepted: {text!r}")


def test_a_request_leaving_the_queue_counts_as_transferring_at_once():
    from crawler.politeness.downloader import PoliteSlot

    slot = PoliteSlot(concurrency=2, delay=0.0, jitter=0.0)
    for n in range(5):
        slot.queue.append((f"request {n}", None))
    taken = []
    # Scrapy's own loop (Downloader._process_queue): its transfers start later, as tasks.
    while slot.queue and slot.free_transfer_slots() > 0:
        taken.append(slot.queue.popleft()[0])
    assert taken == ["request 0", "request 1"] and len(slot.queue) == 3


def test_slot_delay_floor_and_autothrottle_off():
    from crawler.politeness.downloader import PoliteSlot

    fixed = PoliteSlot(concurrency=1, delay=0.25, jitter=0.0, throttled=False)
    fixed.delay = 7.0  # what AutoThrottle does after a slow response
    assert fixed.delay == 0.25 and fixed.download_delay() == 0.25
    throttled = PoliteSlot(concurrency=1, delay=1.0, jitter=0.5, floor=3.0)
    throttled.delay = 2.0
    assert throttled.delay == 2.0
    assert all(throttled.download_delay() >= 3.0 for _ in range(50))  # robots.txt Crawl-delay
    throttled.raise_floor(1.0)
    assert throttled.floor == 3.0
