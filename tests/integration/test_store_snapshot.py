"""Reads the crawl makes of a growing database at each run's start stay bounded on a server
that indexes only `_id` (FerretDB's SQLite backend): the dedup snapshot is picked from a stream
and read by `_id`, never sorted in the server's memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import Article, Teaser
from crawler.storage.store import Store, content_hash
from tests.support.store_items import prepared

pytestmark = pytest.mark.integration

T0 = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)


def test_the_dedup_snapshot_is_the_newest_full_stories_read_by_id_on_ferretdb(store, monkeypatch):
    """At a run's start the dedup indexes are rebuilt from the newest full stories. On a server
    that indexes only `_id` they are picked from a stream and read by `_id` (no sort of every
    stored body in the server's memory); the answer is the sorted query's."""
    for n in range(30):
        page = prepared(Article(url=f"https://paper.example/s/{n}", page_url=f"https://paper.example/s/{n}",
                                seen_at=T0, headline=f"Story {n}", source="Paper",
                                body=f"Story number {n} in full. " * 10))
        page.content_hash = content_hash(page)
        store.write_sightings([page])
        store.articles.update_one({"_id": page.fingerprint},
                                  {"$set": {"updated_at": T0 + timedelta(minutes=(n * 7) % 30)}})
    store.write_sightings([prepared(Teaser(url="https://paper.example/t", page_url="https://agg.example/",
                                           seen_at=T0, position=1, headline="A teaser"))])
    expected = [f"https://paper.example/s/{n}" for n in
                sorted(range(30), key=lambda n: (n * 7) % 30, reverse=True)[:10]]
    monkeypatch.setattr(Store, "serves_only_id", lambda self: True)
    picked = store.dedup_snapshot(10)
    assert [d["canonical_url"] for d in picked] == expected
    assert all(set(d) <= {"_id", "canonical_url", "text_hash", "minhash", "cluster_id", "aliases"}
               for d in picked)
    monkeypatch.setattr(Store, "serves_only_id", lambda self: False)
    assert store.dedup_snapshot(10) == picked
    assert store.dedup_snapshot(0) == []
