"""Canonical URLs and the fingerprints that key stored stories.

The same story reaches an aggregator under tracking parameters, fragments, host-case and
default-port variants; all of them must key one document. w3lib does the standard
canonicalisation (sorted query, escaping); this module adds what news links carry.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only track the click, never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "referrer",
        "cmpid",
        "ncid",
        "ocid",
        "_ga",
        "spm",
        "share",
        "from",
        "src",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The one spelling of `url` that keys its story.

    Drops tracking parameters and the fragment, lower-cases the host, removes default ports,
    and sorts the remaining query (w3lib).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port if parts.port is not None else None
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    )
    path = parts.path or "/"
    return canonicalize_url(urlunsplit((scheme, host, path, query, "")), keep_fragments=False)


def fingerprint(url: str) -> str:
    """A stable key for a story: hex SHA-1 of its canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()
