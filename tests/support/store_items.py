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


def sightings_of(db, story_id: str) -> list[dict]:
    """A story's sighting records (docs/schema.md, `sightings`), oldest first; `db` is a
    database or a Store."""
    from crawler.storage.store import Store

    db = db.db if isinstance(db, Store) else db
    return sorted(db.sightings.find({"story_id": story_id}),
                  key=lambda s: (s["seen_at"], s["page_url"], s["role"], s["position"]))
