"""Merge rules (docs/schema.md, "Merge rules") against the real server, in both orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.items import Article, Teaser
from tests.support.store_items import prepared, sightings_of

T0 = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
URL = "https://paper.example/world/bridge-reopens"


def teaser(page, summary, at=T0, role="related", **kw):
    return prepared(Teaser(url=URL + "?utm_source=agg", page_url=page, seen_at=at, position=1,
                        headline="Bridge reopens", source="Paper", summary=summary, role=role, **kw))


def full(at=T0, body="The bridge reopened on Monday.\n\nTraffic flowed again.", modified=None, **kw):
    fields = dict(headline="Harbour bridge reopens after repairs", source="Paper", body=body,
                  published_at=T0 - timedelta(hours=3), modified_at=modified)
    fields.update(kw)
    return prepared(Article(url=URL, page_url=URL, seen_at=at, **fields))


def _doc(store):
    docs = list(store.articles.find())
    assert len(docs) == 1
    return docs[0]


def _strip(doc):
    """Null and absent are the same (schema: "date or null"): a page without a modified time
    leaves modified_at out of a new document and nulls a teaser's feed date."""
    return {k: v for k, v in doc.items()
            if k != "last_seen_at" and v is not None}


def test_teaser_then_full_page_and_full_page_then_teaser_agree(store, mongo_uri, db_name):
    from crawler.storage.store import Store

    t = teaser("https://agg.example/a", "A short snippet.", at=T0)
    f = full(at=T0 + timedelta(minutes=5))
    store.write_sightings([t])
    store.write_sightings([f])
    one = _doc(store)
    assert one["completeness"] == "full" and one["headline"] == "Harbour bridge reopens after repairs"
    assert one["summary"] == "A short snippet."  # the page had none: the snippet stays

    other = Store(mongo_uri, db_name + "_b")
    try:
        other.write_sightings([f])
        other.write_sightings([t])
        two = _doc(other)
        two_roles = sorted(s["role"] for s in sightings_of(other, two["_id"]))
    finally:
        other.client.drop_database(db_name + "_b")
        other.close()
    assert _strip(one) | {"updated_at": None} == _strip(two) | {"updated_at": None}
    assert sorted(s["role"] for s in sightings_of(store, one["_id"])) == two_roles


def test_full_page_summary_outranks_any_teaser_snippet(store):
    store.write_sightings([full(summary="The page's own standfirst.")])
    store.write_sightings([teaser("https://agg.example/a", "A much longer snippet written by the "
                                  "aggregator that should not replace the page's own summary.")])
    assert _doc(store)["summary"] == "The page's own standfirst."


def test_two_teasers_with_different_snippets_keep_the_fuller_one_in_any_order(store):
    short = teaser("https://agg.example/a", "Bridge open.", at=T0)
    longer = teaser("https://agg.example/b", "The harbour bridge is open again after repairs.",
                    at=T0 + timedelta(minutes=1))
    store.write_sightings([short])
    store.write_sightings([longer])
    assert _doc(store)["summary"] == longer.summary
    store.articles.delete_many({})
    store.cache.clear()  # deleted behind the writer's back: its cached states no longer hold
    store.write_sightings([longer])
    store.write_sightings([short])
    doc = _doc(store)
    assert doc["summary"] == longer.summary and len(sightings_of(store, doc["_id"])) == 2
    # Replaying both changes nothing.
    before = _strip(doc)
    store.write_sightings([short, longer])
    assert _strip(_doc(store)) == before


def test_feed_entry_fills_the_story_until_its_page_is_crawled(store):
    entry = teaser("https://paper.example/feed.xml", "From the feed.", role="feed",
                   published_at=T0 - timedelta(hours=2))
    store.write_sightings([entry])
    doc = _doc(store)
    assert doc["completeness"] == "teaser" and doc["published_at"] == T0 - timedelta(hours=2)
    assert sightings_of(store, doc["_id"])[0]["role"] == "feed"
    store.write_sightings([full(at=T0 + timedelta(hours=1))])
    doc = _doc(store)
    assert doc["completeness"] == "full" and doc["published_at"] == T0 - timedelta(hours=3)


def test_republished_story_with_newer_modified_time_wins_in_any_order(store):
    old = full(at=T0, modified=T0 - timedelta(hours=1))
    new = full(at=T0 + timedelta(hours=6), modified=T0 + timedelta(hours=5),
               body="The bridge reopened on Monday.\n\nUpdated: a second lane opened on Friday.",
               headline="Harbour bridge fully reopens")
    store.write_sightings([old])
    counts = store.write_sightings([new])
    assert counts.updated == 1
    doc = _doc(store)
    assert doc["headline"] == "Harbour bridge fully reopens"
    assert doc["modified_at"] == T0 + timedelta(hours=5)
    # The older copy seen later (a replay, a stale mirror) does not bring the old text back.
    counts = store.write_sightings([full(at=T0 + timedelta(hours=7), modified=T0 - timedelta(hours=1))])
    assert counts.updated == 0
    assert _doc(store)["headline"] == "Harbour bridge fully reopens"
    # Other order: the newer version first, the older one after.
    store.articles.delete_many({})
    store.cache.clear()  # deleted behind the writer's back: its cached states no longer hold
    store.write_sightings([new])
    store.write_sightings([old])
    doc = _doc(store)
    assert doc["headline"] == "Harbour bridge fully reopens" and "second lane" in doc["body"]


def test_cluster_is_joined_once_and_aliases_fold_a_teaser_document(store):
    f = full()
    f.cluster_id = "c" * 40
    f.aliases = ["https://paper.example/world/bridge-reopens-2"]
    alias_teaser = prepared(Teaser(url="https://paper.example/world/bridge-reopens-2",
                                page_url="https://agg.example/z", seen_at=T0 - timedelta(hours=1),
                                position=3, headline="Bridge reopens"))
    store.write_sightings([alias_teaser])
    assert store.count_articles() == 1  # the teaser, under the alias URL's key
    store.write_sightings([f])
    doc = _doc(store)
    assert doc["cluster_id"] == "c" * 40
    assert doc["aliases"] == ["https://paper.example/world/bridge-reopens-2"]
    assert doc["first_seen_at"] == T0 - timedelta(hours=1)
    assert sorted(s["page_url"] for s in sightings_of(store, doc["_id"])) == ["https://agg.example/z", URL]
    # Idempotent; and a later, different cluster never moves it.
    again = full(at=T0 + timedelta(hours=1))
    again.cluster_id = "d" * 40
    again.aliases = list(f.aliases)
    store.write_sightings([again])
    doc2 = _doc(store)
    assert doc2["cluster_id"] == "c" * 40 and doc2["aliases"] == doc["aliases"]
