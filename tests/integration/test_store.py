"""Store merge rules and idempotence against the real server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import Article, PageSnapshot, Teaser
from crawler.urls import canonical_url
from tests.support.store_items import prepared, sightings_of

T0 = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
URL = "https://news.example/story/one?utm_source=x"


def teaser(page="https://agg.example/a", at=T0, **kw):
    fields = dict(headline="One story", source="Harbor Daily", summary="Short snippet.", position=2)
    fields.update(kw)
    return prepared(Teaser(url=URL, page_url=page, seen_at=at, **fields))


def article(at=T0, **kw):
    fields = dict(headline="One story, in full", source="Harbor Daily", body="Para one.\n\nPara two.",
                  published_at=T0 - timedelta(hours=8), published_raw="8 hours ago")
    fields.update(kw)
    return prepared(Article(url="https://news.example/story/one", page_url="https://news.example/story/one",
                         seen_at=at, **fields))


def test_teaser_then_full_page_is_one_full_document(store):
    counts = store.write_sightings([teaser()])
    assert (counts.new, counts.updated) == (1, 0)
    counts = store.write_sightings([article(at=T0 + timedelta(minutes=5))])
    assert (counts.new, counts.updated) == (0, 1)
    docs = list(store.articles.find())
    assert len(docs) == 1
    doc = docs[0]
    assert doc["completeness"] == "full"
    assert doc["headline"] == "One story, in full"
    assert doc["summary"] == "Short snippet."  # known, and the full page had none: kept
    assert doc["first_seen_at"] == T0
    assert doc["updated_at"] == T0 + timedelta(minutes=5)
    assert sorted(s["role"] for s in sightings_of(store, doc["_id"])) == ["lead", "related"]
    assert "seen_on" not in doc


def test_full_then_teaser_keeps_the_full_page(store):
    store.write_sightings([article()])
    counts = store.write_sightings([teaser(page="https://agg.example/b", at=T0 + timedelta(hours=1),
                                           headline="Shortened title", summary="")])
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 1)
    doc = store.articles.find_one()
    assert doc["headline"] == "One story, in full"
    assert doc["completeness"] == "full"
    assert doc["last_seen_at"] == T0 + timedelta(hours=1)
    assert doc["updated_at"] == T0
    assert len(sightings_of(store, doc["_id"])) == 2


def test_known_field_is_never_overwritten_by_an_empty_one(store):
    store.write_sightings([article(image="https://news.example/i.jpg", authors=["A. Writer"])])
    store.write_sightings([article(at=T0 + timedelta(hours=1), body="Para one, corrected.", image=None,
                                   authors=[])])
    doc = store.articles.find_one()
    assert doc["body"] == "Para one, corrected."
    assert doc["image"] == "https://news.example/i.jpg"
    assert doc["authors"] == ["A. Writer"]


def test_replaying_a_batch_changes_nothing_but_last_seen(store):
    store.seen_resolution = timedelta(0)
    batch = [teaser(), article(), teaser(page="https://agg.example/c", position=5)]
    store.write_sightings(batch)
    first = store.articles.find_one()
    again = [teaser(at=T0 + timedelta(minutes=1)), article(at=T0 + timedelta(minutes=1))]
    counts = store.write_sightings(again)
    assert counts.new == 0 and counts.updated == 0
    second = store.articles.find_one()
    assert second["last_seen_at"] == T0 + timedelta(minutes=1)
    assert {k: v for k, v in second.items() if k != "last_seen_at"} == {
        k: v for k, v in first.items() if k != "last_seen_at"
    }
    # Sightings are per fetch: the three first ones, and the two of the later fetch.
    assert len(sightings_of(store, second["_id"])) == 5
    store.write_sightings(again)  # replayed: nothing new
    assert len(sightings_of(store, second["_id"])) == 5
    assert store.articles.find_one() == second


def test_last_seen_never_goes_back(store):
    store.write_sightings([teaser(at=T0 + timedelta(hours=2))])
    store.write_sightings([teaser(at=T0)])
    assert store.articles.find_one()["last_seen_at"] == T0 + timedelta(hours=2)


def test_indexes_are_created_idempotently(store):
    store.ensure_indexes()
    store.ensure_indexes()
    names = set(store.articles.index_information())
    assert {"canonical_url_unique", "published_at_desc", "updated_at_id", "source_published"} <= names


def test_a_superseded_index_is_dropped_once_its_replacement_exists(store):
    """A database from before the (updated_at, _id) index keeps no redundant updated_at index."""
    from pymongo import ASCENDING, IndexModel

    store.articles.create_indexes([IndexModel([("updated_at", ASCENDING)], name="updated_at")])
    assert "updated_at" in store.articles.index_information()
    store.ensure_indexes()
    names = set(store.articles.index_information())
    assert "updated_at_id" in names and "updated_at" not in names
    store.ensure_indexes()  # nothing left to drop: no error
    assert store.articles.index_information()["updated_at_id"]["key"] == [("updated_at", 1), ("_id", 1)]


def test_canonical_url_is_unique(store):
    from pymongo.errors import DuplicateKeyError

    store.write_sightings([teaser()])
    with pytest.raises(DuplicateKeyError):
        store.articles.insert_one({"_id": "other", "canonical_url": canonical_url(URL)})


def test_pages_and_runs(store):
    run_id = store.start_run("daily8", {"start_url": "https://agg.example/"}, started_at=T0)
    store.insert_pages([PageSnapshot(url="https://agg.example/a", fetched_at=T0, status=200,
                                     lead="abc", related=["d", "e"], run_id=run_id)])
    store.finish_run(run_id, status="ok", finished_at=T0 + timedelta(minutes=1))
    page = store.pages.find_one()
    assert page["related"] == ["d", "e"] and page["run_id"] == run_id
    assert store.recent_runs()[0]["status"] == "ok"
