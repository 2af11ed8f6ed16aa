"""Defaults and Redis key names shared by the distributed components."""

from __future__ import annotations

from crawler.settings import CRAWLER_REDIS_PREFIX as DEFAULT_PREFIX

# Request meta key holding the lease of a request popped from the shared queue.
LEASE = "_redis_lease"
# Meta keys known to hold live objects that must not (and cannot) cross processes.
LOCAL_META = ("playwright_page", "playwright_context_kwargs_obj", "download_slot_obj")


def prefix(settings) -> str:
    """The crawl's key prefix, %(spider)s not yet filled in."""
    return settings.get("CRAWLER_REDIS_PREFIX") or DEFAULT_PREFIX


def run_keys(prefix: str, spider_name: str) -> dict[str, str]:
    base = prefix % {"spider": spider_name}
    return {name: f"{base}:{name}" for name in
            ("run", "listings", "workers", "worker", "idle", "leases")}
