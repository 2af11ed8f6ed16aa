"""Items as the pipelines hand them to the store: canonical URL, fingerprint and content hash
stamped (the normalise pipeline's keys, without its text cleaning)."""

from __future__ import annotations

from crawler.storage.store import content_hash
from crawler.urls import canonical_url, fingerprint


def prepared(item):
    item.canonical_url = canonical_url(item.url)
    item.fingerprint = fingerprint(item.url)
    item.content_hash = content_hash(item)
    return item
