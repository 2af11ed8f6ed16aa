"""Which concurrency and delay one site's download slot gets.

Order, lowest first: the settings' defaults (polite: one request at a time, a delay, AutoThrottle);
the crawled profile's `politeness` for its own domains (a site the user owns may go faster);
DOWNLOAD_SLOTS and settings the operator gave for this run (`-s`, CRAWLER_<NAME> in the
environment), which beat a profile. robots.txt's Crawl-delay is a floor under whatever delay results,
AutoThrottle's included.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# What a user's own local site (the bundled demo, test fixtures, benchmarks on 127.0.0.1) may be
# crawled with, set explicitly where such a site is crawled: never the default for other sites.
OWN_SITE_SETTINGS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
}


@dataclass(frozen=True)
class SiteLimits:
    """A profile's `politeness`: None leaves the setting's value."""

    concurrency: int | None = None
    delay: float | None = None
    autothrottle: bool | None = None


@dataclass(frozen=True)
class SlotLimits:
    concurrency: int
    delay: float
    # False: AutoThrottle leaves this slot's delay as it is.
    throttled: bool
    # The delay never goes below this, whatever AutoThrottle computes.
    floor: float = 0.0


def operator_set(settings: BaseSettings, name: str, environ=None) -> bool:
    """True when the run's operator chose this setting (`-s`, a spider's custom_settings, or the
    environment), not the project's default."""
    # Scrapy is imported here, not at the top: profiles (crawler.sites) import this module, and
    # an extraction worker that unpickles a profile need not load Scrapy and Twisted.
    from scrapy.settings import SETTINGS_PRIORITIES

    environ = os.environ if environ is None else environ
    priority = settings.getpriority(name) or 0
    return priority > SETTINGS_PRIORITIES["project"] or f"CRAWLER_{name}" in environ


def slot_limits(
    concurrency: int,
    download_delay: float,
    start_delay: float,
    autothrottle: bool,
    profile: SiteLimits | None = None,
    slot_settings: dict | None = None,
    operator_concurrency: bool = False,
    operator_delay: bool = False,
) -> SlotLimits:
    """The limits of a new slot. `start_delay` is the delay a throttled slot starts with
    (AutoThrottle's start delay); `download_delay` the one an unthrottled slot keeps. A profile
    that fixes a delay turns AutoThrottle off for its site unless it also asks for AutoThrottle,
    so the delay it chose is the delay kept."""
    profile = profile or SiteLimits()
    if profile.concurrency is not None and not operator_concurrency:
        concurrency = profile.concurrency
    profile_delay = profile.delay if not operator_delay else None
    if profile.autothrottle is not None:
        throttled = autothrottle and profile.autothrottle
    else:
        throttled = autothrottle and profile_delay is None
    floor = 0.0
    if profile_delay is not None and not throttled:
        delay = profile_delay
    else:
        delay = start_delay if throttled else download_delay
        floor = profile_delay or 0.0
    slot_settings = slot_settings or {}
    if "concurrency" in slot_settings:
        concurrency = int(slot_settings["concurrency"])
    if "delay" in slot_settings:
        delay = float(slot_settings["delay"])
    return SlotLimits(max(1, int(concurrency)), max(0.0, float(delay)), throttled, floor)
