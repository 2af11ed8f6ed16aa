"""`crawler db migrate` re-keys stories stored under URL spellings that fold differently now
(www. hosts, /amp/ path prefixes): moved or merged, pages and clusters pointing at the new keys,
and a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.items import Article, PageSnapshot, Teaser
from crawler.storage.store import content_hash
from crawler.urls import canonical_url, key_of
from tests.support.crawl import run_crawler

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def old_keyed(item, old_canonical: str):
    """An item as the store received it before www./amp-prefix folding existed."""
    item.canonical_url = old_canonical
    item.fingerprint = key_of(old_canonical)
    item.content_hash = content_hash(item)
    return item


def test_migrate_rekeys_old_stories_and_is_idempotent(store, crawl_env):
    www = "https://www.example.in/india/story-1"
    bare = "https://example.in/india/story-2"
    www_dup = "https://www.example.in/india/story-2"
    amp = "https://example.in/amp/india/story-3"
    listing = "https://example.in/"
    items = [
        old_keyed(Article(url=www, page_url=www, seen_at=T0, headline="One", body="Body one.",
                          aggregator="example.in"), www),
        old_keyed(Teaser(url=bare, page_url=listing, seen_at=T0, position=1, headline="Two"), bare),
        old_keyed(Teaser(url=www_dup, page_url="https://example.in/other", seen_at=T0 - timedelta(hours=2),
                         position=2, headline="Two"), www_dup),
        old_keyed(Teaser(url=amp, page_url=listing, seen_at=T0, position=3, headline="Three"), amp),
    ]
    store.write_sightings(items)
    store.articles.update_one({"_id": key_of(www)}, {"$set": {"cluster_id": key_of(www)}})
    page = PageSnapshot(url=listing, fetched_at=T0, status=200, run_id="r1")
    page.related = [key_of(bare), key_of(www_dup), key_of(amp)]
    store.insert_pages([page])
    assert store.articles.count_documents({}) == 4

    first = run_crawler(["db", "migrate"], crawl_env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "examined=4, rekeyed=2, merged=1, pages_rewritten=1" in first.stdout, first.stdout

    keys = {canonical_url(u): key_of(canonical_url(u)) for u in (www, bare, amp)}
    assert sorted(d["_id"] for d in store.articles.find()) == sorted(keys.values())
    one = store.article(keys[canonical_url(www)])
    assert one["canonical_url"] == "https://example.in/india/story-1"
    assert one["headline"] == "One" and www in one["aliases"] and one["cluster_id"] == one["_id"]
    two = store.article(key_of(bare))
    assert two["first_seen_at"] == T0 - timedelta(hours=2)  # the merged copy's first sighting
    assert www_dup in two["aliases"]
    three = store.article(key_of("https://example.in/india/story-3"))
    assert three["headline"] == "Three" and amp in three["aliases"]
    stored_page = store.pages.find_one()
    assert stored_page["related"] == [key_of(bare), key_of(bare), three["_id"]]

    before = sorted(store.articles.find(), key=lambda d: d["_id"])
    again = run_crawler(["db", "migrate"], crawl_env, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "examined=3, rekeyed=0, merged=0, pages_rewritten=0" in again.stdout, again.stdout
    assert sorted(store.articles.find(), key=lambda d: d["_id"]) == before
