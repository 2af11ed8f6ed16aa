"""Which of a rendered page's own requests the browser never makes.

Images, media and fonts change nothing in the text we extract and are most of a page's bytes;
ad and analytics hosts add requests, scripts and sometimes pages that never finish loading.
scrapy-playwright calls `should_abort` (PLAYWRIGHT_ABORT_REQUEST) for every request a page
makes. What is blocked is a setting (RENDER_BLOCK_RESOURCE_TYPES, RENDER_BLOCK_HOSTS), read once
when the download handler starts (`configure`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_RESOURCE_TYPES = ("image", "media", "font")
# Ad, tag-manager and analytics hosts; a request to one of them or a subdomain is aborted.
DEFAULT_HOSTS = (
    "doubleclick.net",
    "googlesyndication.com",
    "googleadservices.com",
    "google-analytics.com",
    "googletagmanager.com",
    "googletagservices.com",
    "adservice.google.com",
    "amazon-adsystem.com",
    "adnxs.com",
    "criteo.com",
    "criteo.net",
    "taboola.com",
    "outbrain.com",
    "scorecardresearch.com",
    "quantserve.com",
    "chartbeat.com",
    "chartbeat.net",
    "hotjar.com",
    "segment.io",
    "segment.com",
    "mixpanel.com",
    "newrelic.com",
    "nr-data.net",
    "facebook.net",
    "connect.facebook.net",
    "ads-twitter.com",
    "analytics.twitter.com",
    "pubmatic.com",
    "rubiconproject.com",
    "openx.net",
    "casalemedia.com",
    "moatads.com",
    "adsafeprotected.com",
    "doubleverify.com",
    "yieldmo.com",
    "teads.tv",
    "sharethrough.com",
    "bat.bing.com",
    "clarity.ms",
)

_types: frozenset[str] = frozenset(DEFAULT_RESOURCE_TYPES)
_hosts: frozenset[str] = frozenset(DEFAULT_HOSTS)


def configure(resource_types=None, hosts=None) -> None:
    """Set what is blocked (None keeps the default)."""
    global _types, _hosts
    if resource_types is not None:
        _types = frozenset(str(t).lower() for t in resource_types)
    if hosts is not None:
        _hosts = frozenset(str(h).lower().lstrip(".") for h in hosts)


def blocked_host(host: str, hosts=None) -> bool:
    host = (host or "").lower().rstrip(".")
    pool = _hosts if hosts is None else hosts
    parts = host.split(".")
    return any(".".join(parts[i:]) in pool for i in range(len(parts) - 1))


def should_abort(request) -> bool:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: True to abort this browser request.

    The page's own document is never aborted, whatever its host."""
    try:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            return False
    except Exception:  # a request with no frame (service worker): judge it by type and host
        pass
    if request.resource_type in _types:
        return True
    return blocked_host(urlsplit(request.url).hostname or "")
