"""Folding an alias document finds its sightings by their ids when this writer inserted the
alias and writes alone, so the fold does not search every stored sighting (FerretDB's SQLite
backend serves only `_id` from an index); in every other case it searches by `story_id`. Either
way they are re-pointed by `_id` in slices (FerretDB stops answering an update that modifies
too many documents at once) and the result is the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import Article, Teaser
from crawler.storage.own_sightings import OwnSightings
from crawler.storage.store import Store
from tests.support.store_items import prepared, sightings_of

pytestmark = pytest.mark.integration

T0 = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
STORY = "https://paper.example/world/ferry-timetable"
ALIAS = "https://paper.example/world/ferry-timetable-2"
SEEN = 130


def _teaser(n: int, minutes: int) -> Teaser:
    return prepared(Teaser(url=ALIAS, page_url=f"https://agg.example/p/{n}",
                           seen_at=T0 + timedelta(minutes=minutes), position=n % 9 + 1,
                           headline="Ferry timetable changes", source="Paper"))


def _page(minutes: int) -> Article:
    page = prepared(Article(url=STORY, page_url=STORY, seen_at=T0 + timedelta(minutes=minutes),
                            headline="Ferry timetable changes", source="Paper",
                            body="The winter ferry timetable starts on Monday. " * 8))
    page.aliases = [ALIAS]
    return page


class _Filters:
    """The filters of the sightings updates the store sends."""

    def __init__(self, collection):
        self.collection, self.filters = collection, []

    def update_many(self, query, update, *a, **kw):
        self.filters.append(query)
        return self.collection.update_many(query, update, *a, **kw)

    def __getattr__(self, name):
        return getattr(self.collection, name)


def _fold_after_three_batches(store: Store) -> tuple[list[dict], str]:
    store.write_sightings([_teaser(n, n) for n in range(3)])  # inserts the alias document
    store.write_sightings([_teaser(n, n) for n in range(3, 6)])
    store.write_sightings([_teaser(6, 6), _teaser(0, 0)])  # a replayed sighting among them
    # More than FerretDB modifies in one command: the re-pointing goes in slices.
    store.write_sightings([_teaser(n, n) for n in range(7, SEEN)])
    spy = _Filters(store.sightings)
    store.sightings = spy
    store.write_sightings([_page(30)])
    store.sightings = spy.collection
    return spy.filters, _page(30).fingerprint


def _assert_folded(store: Store, story_id: str) -> None:
    alias_id = _teaser(0, 0).fingerprint
    assert store.article(alias_id) is None
    assert sightings_of(store, alias_id) == []
    seen = sightings_of(store, story_id)
    assert sorted(s["page_url"] for s in seen) == sorted(
        [f"https://agg.example/p/{n}" for n in range(SEEN)] + [STORY])
    doc = store.article(story_id)
    assert doc["first_seen_at"] == T0 and doc["aliases"] == [ALIAS]


def test_an_alias_this_writer_inserted_is_folded_by_id(store):
    filters, story_id = _fold_after_three_batches(store)
    assert store.folds_searched == 0
    assert len(filters) == 3 and all(set(f) == {"_id", "story_id"} for f in filters), filters
    _assert_folded(store, story_id)


def test_with_other_writers_the_fold_searches_by_story(store):
    store.shared_writers = True
    filters, story_id = _fold_after_three_batches(store)
    assert store.folds_searched == 1
    assert len(filters) == 3 and all(set(f) == {"_id", "story_id"} for f in filters), filters
    _assert_folded(store, story_id)


def test_an_alias_from_an_earlier_crawl_is_searched_for(store, mongo_uri, db_name):
    earlier = Store(mongo_uri, db_name)
    try:
        earlier.write_sightings([_teaser(n, n) for n in range(SEEN)])
    finally:
        earlier.close()
    store.write_sightings([_teaser(0, 0)])  # re-seen now: still not all its sightings known
    store.write_sightings([_page(30)])
    assert store.folds_searched == 1
    _assert_folded(store, _page(30).fingerprint)


def test_a_forgotten_story_is_searched_for(store):
    store.own_sightings = OwnSightings(limit=1)
    store.write_sightings([_teaser(n, n) for n in range(SEEN)])
    store.write_sightings([prepared(Teaser(url="https://paper.example/other", page_url=STORY,
                                           seen_at=T0, position=1, headline="Other"))])
    store.write_sightings([_page(30)])
    assert store.folds_searched == 1
    _assert_folded(store, _page(30).fingerprint)


def test_the_ids_kept_are_bounded_and_exact():
    own = OwnSightings(limit=2)
    a, b, c = "a" * 40, "b" * 40, "c" * 40
    own.created("s1", [a])
    own.seen("s1", [b, a])
    own.seen("never-created", [c])
    assert own.take("never-created") is None
    own.created("s2", [c])
    own.created("s3", [])
    assert own.take("s1") is None  # the oldest, evicted
    assert own.take("s2") == [c] and own.take("s2") is None
    own.created("s4", [a])
    own.seen("s4", [b, a])
    assert own.take("s4") == [a, b]
    own.created("s5", [a])
    own.drop("s5")
    assert own.take("s5") is None


def test_a_site_at_a_new_address_folds_every_story_without_a_search(
    demo_site, crawl_env, mongo_uri, db_name
):
    """The second crawl finds every story at a new address (another port: the same site): each
    page folds the teaser documents the crawl stored under the new URLs into the stories of
    the first crawl, by id, and no sighting is left pointing at a folded document."""
    from pymongo import MongoClient

    from crawler.demo_site import FixtureServer
    from tests.support.crawl import run_crawler

    def crawl() -> dict:
        with FixtureServer(demo_site.render) as server:
            done = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/')}"],
                               crawl_env)
        assert done.returncode == 0, done.stderr[-3000:]
        db = MongoClient(mongo_uri, tz_aware=True)[db_name]
        return next(db.runs.find().sort("started_at", -1).limit(1))["stats"]

    crawl()
    stats = crawl()
    assert stats.get("store/folds", 0) >= len(demo_site.stories) // 2, stats
    assert stats.get("store/folds_searched", 0) == 0
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    stories = {d["_id"] for d in db.articles.find({}, {"_id": 1})}
    pointed = {s["story_id"] for s in db.sightings.find({}, {"story_id": 1})}
    assert pointed <= stories

