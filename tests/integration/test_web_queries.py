"""The web application's reads against a real server: both shapes of sightings, and the story
index keeping its last snapshot when the database goes away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import MongoClient

from crawler.web import queries
from crawler.web.storyindex import StoryIndex

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_sightings_from_the_story_or_from_their_own_collection(store):
    db = store.db
    seen_on = [{"page_url": "https://a/2", "role": "related", "position": 2, "seen_at": NOW},
               {"page_url": "https://a/1", "role": "lead", "position": 0,
                "seen_at": NOW - timedelta(hours=1)}]
    db.articles.insert_one({"_id": "s1", "headline": "h", "seen_on": seen_on})
    article = queries.get_article(db, "s1")
    assert [s["page_url"] for s in queries.story_sightings(db, article)] == ["https://a/1",
                                                                              "https://a/2"]
    db.sightings.insert_many([
        {"story_id": "s1", "page_url": f"https://a/{i}", "role": "related", "position": i,
         "seen_at": NOW + timedelta(minutes=i), "run_id": "r"} for i in (3, 1, 2)])
    db.sightings.insert_one({"story_id": "other", "page_url": "https://x/", "role": "lead",
                             "position": 0, "seen_at": NOW, "run_id": "r"})
    rows = queries.story_sightings(db, article)
    assert [r["position"] for r in rows] == [1, 2, 3]


def test_index_keeps_its_snapshot_when_the_database_is_away(store, mongo_uri):
    store.db.articles.insert_one({"_id": "x1", "headline": "kept", "published_at": NOW})
    client = MongoClient(mongo_uri, tz_aware=True)
    db = client[store.db.name]
    index = StoryIndex(lambda: queries.story_docs(db))
    assert index.reload() is not None and len(index.snapshot.stories) == 1
    client.close()  # a closed client raises on use, as a lost server would
    assert index.reload() is None
    assert index.error and index.snapshot.stories[0].headline == "kept"
