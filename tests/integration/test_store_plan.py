"""The one-statement-per-story write path (crawler.storage.write_plan) against the operations it
replaces, on the real server: same documents for random sequences of batches, and the exact
result when another writer overtakes a plan."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import Article, Teaser
from crawler.storage import write_plan
from crawler.storage.store import Store, story_ops
from tests.support.store_items import prepared, sightings_of

T0 = datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)
STORIES = [f"https://wire{n}.example/2026/03/story-{n}" for n in range(4)]
PAGES = [f"https://agg.example/read/{n}" for n in range(5)]
WORDS = "harbour council budget ferry tunnel vote schedule repair fares night".split()


def _random_item(rng: random.Random, step: int):
    url = rng.choice(STORIES)
    at = T0 + timedelta(minutes=rng.randint(-30, 30) + step * 7, microseconds=rng.randint(0, 999))
    summary = " ".join(rng.choices(WORDS, k=rng.randint(0, 9))) or None
    if rng.random() < 0.35:
        body = " ".join(rng.choices(WORDS, k=40))
        modified = T0 + timedelta(hours=rng.randint(-2, 2)) if rng.random() < 0.5 else None
        return prepared(Article(url=url, page_url=url, seen_at=at, headline=f"Full {rng.randint(0, 2)}",
                             source="Wire", body=body, summary=summary, modified_at=modified,
                             published_at=T0 - timedelta(hours=3), published_raw="3 hours ago"))
    return prepared(Teaser(url=url, page_url=rng.choice(PAGES), seen_at=at, position=rng.randint(1, 10),
                        headline=f"Teaser {rng.randint(0, 2)}", source="Wire", summary=summary))


def _docs(store: Store) -> list[dict]:
    return sorted(store.articles.find({}), key=lambda d: d["_id"])


def _old_path(store: Store, batch) -> None:
    groups: dict[str, list] = {}
    for item in batch:
        groups.setdefault(item.fingerprint, []).append(item)
    store._apply_ops([story_ops(g) for g in groups.values()])


@pytest.fixture
def twin(mongo_uri, db_name):
    other = Store(mongo_uri, db_name + "_ops")
    other.ensure_indexes()
    yield other
    other.client.drop_database(other.db.name)
    other.close()


@pytest.mark.parametrize("seed", range(12))
def test_plans_store_what_the_operations_store(store, twin, seed):
    store.seen_resolution = timedelta(0)  # the operations advance last_seen_at exactly
    rng = random.Random(seed)
    for step in range(5):
        batch = [_random_item(rng, step) for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.3:
            batch = batch + batch  # a batch replayed inside itself
        store.write_sightings(batch)
        _old_path(twin, batch)
    ours, theirs = _docs(store), _docs(twin)
    assert [d["_id"] for d in ours] == [d["_id"] for d in theirs]
    assert ours == theirs


def test_replaying_a_batch_sends_nothing_but_is_counted_unchanged(store):
    rng = random.Random(99)
    batch = [_random_item(rng, 0) for _ in range(10)]
    store.write_sightings(batch)
    before = _docs(store)
    counts = store.write_sightings(batch)
    assert counts.new == 0 and counts.updated == 0
    assert _docs(store) == before


@pytest.fixture
def other_writer(mongo_uri, store):
    """A second writer on the same database, with its own state cache (another process)."""
    other = Store(mongo_uri, store.db.name)
    yield other
    other.close()


def test_a_plan_overtaken_by_another_writer_falls_back_to_the_operations(store, twin, other_writer):
    """Our cached state predates another writer's batch: the plan's guard no longer holds,
    and the result is exactly what the operations give."""
    store.seen_resolution = other_writer.seen_resolution = timedelta(0)
    url = STORIES[0]
    first = [prepared(Teaser(url=url, page_url=PAGES[0], seen_at=T0, position=1, headline="H",
                          source="Wire", summary="short"))]
    other = [prepared(Teaser(url=url, page_url=PAGES[1], seen_at=T0 + timedelta(minutes=1), position=2,
                          headline="H", source="Wire", summary="a much longer snippet of the story"))]
    late = [prepared(Teaser(url=url, page_url=PAGES[2], seen_at=T0 + timedelta(minutes=2), position=3,
                         headline="H", source="Wire", summary="a longer snippet"))]
    store.write_sightings(first)
    stale = store.cache.get(first[0].fingerprint)
    assert stale is not None  # the next batch is planned on the cache, without a read
    other_writer.write_sightings(other)
    plan = write_plan.plan_story(first[0].fingerprint, stale, story_ops(late))
    assert plan.update["$set"]["summary"] == "a longer snippet"  # what the stale state implies
    store.write_sightings(late)
    for batch in (first, other, late):
        _old_path(twin, batch)
    ours = store.article(first[0].fingerprint)
    assert ours == twin.article(first[0].fingerprint)
    assert ours["summary"] == "a much longer snippet of the story"
    assert [s["page_url"] for s in sightings_of(store, ours["_id"])] == PAGES[:3]


def test_a_story_inserted_by_another_writer_first_is_merged_not_lost(store, other_writer):
    item = prepared(Teaser(url=STORIES[1], page_url=PAGES[0], seen_at=T0, position=1, headline="H",
                        source="Wire", summary="snippet"))
    again = prepared(Teaser(url=STORIES[1], page_url=PAGES[3], seen_at=T0 + timedelta(minutes=5),
                         position=4, headline="H", source="Wire", summary="snippet"))
    store.write_sightings([item])
    other_writer._states = lambda ids: {}  # read before our insert: it plans a new story
    counts = other_writer.write_sightings([again])
    doc = store.article(item.fingerprint)
    assert counts.new == 0
    assert [s["page_url"] for s in sightings_of(store, doc["_id"])] == [PAGES[0], PAGES[3]]
    assert doc["last_seen_at"] == (T0 + timedelta(minutes=5)).replace(microsecond=123000)


def test_touches_of_a_batch_go_out_together_and_a_story_deleted_meanwhile_comes_back(store, twin):
    """Re-sightings that only move last_seen_at: stories seen at the same time share an
    update_many, the rest go one by one, all in one command; a story deleted behind the
    writer's back (its cached state says it exists) is stored again by the operations."""
    store.seen_resolution = timedelta(minutes=5)
    stories = [f"https://wire.example/2026/03/touch-{n}" for n in range(7)]

    def seen(step: int, n: int, url: str):
        # stories 0-3 on one page (one time), 4-6 on pages of their own (times of their own)
        page, at = ((PAGES[0], T0) if n < 4 else (PAGES[n - 3], T0 + timedelta(seconds=n)))
        return prepared(Teaser(url=url, page_url=page, seen_at=at + timedelta(hours=step),
                               position=n + 1, headline=f"H{n}", source="Wire", summary="snippet"))

    first = [seen(0, n, u) for n, u in enumerate(stories)]
    store.write_sightings(first)
    _old_path(twin, first)
    gone = first[5].fingerprint
    store.articles.delete_one({"_id": gone})
    twin.articles.delete_one({"_id": gone})
    assert store.cache.get(gone) is not None  # believed stored: planned as a touch

    sent = []
    real = store.articles.bulk_write
    store.articles.bulk_write = lambda requests, **kw: sent.append(list(requests)) or real(requests, **kw)
    later = [seen(1, n, u) for n, u in enumerate(stories)]
    before = store.statements
    store.write_sightings(later)
    _old_path(twin, later)
    assert len(sent) == 2  # the touches in one command, then the deleted story's operations
    touches, fallback = sent
    assert sorted(type(r).__name__ for r in touches) == ["UpdateMany", "UpdateOne", "UpdateOne", "UpdateOne"]
    assert all(set(r._doc) == {"$max"} for r in touches)
    assert {r._filter["_id"] for r in fallback} == {gone}
    assert store.statements - before == 3  # sightings, touches, operations
    assert _docs(store) == _docs(twin)
    assert store.article(gone)["last_seen_at"] == later[5].seen_at.replace(microsecond=123000)


def test_matches_follows_mongodb_on_the_forms_the_store_uses():
    doc = {"_id": "a", "pages": ["p1", "p2"], "rank": "1:000004:ab", "t": T0}
    assert write_plan.matches(doc, {"_id": "a", "pages": {"$ne": "p3"}})
    assert not write_plan.matches(doc, {"pages": {"$ne": "p2"}})
    assert write_plan.matches(doc, {"pages": {"$nin": ["p3"]}})
    assert not write_plan.matches(doc, {"pages": {"$nin": ["p3", "p1"]}})
    assert write_plan.matches(doc, {"missing": None}) and not write_plan.matches(doc, {"rank": None})
    assert write_plan.matches(doc, {"$or": [{"x": {"$exists": True}}, {"rank": {"$lt": "2"}}]})
    assert not write_plan.matches(doc, {"rank": {"$lt": 5}})  # no comparison across types
    assert write_plan.matches(doc, {"t": {"$lte": T0.replace(microsecond=123000)}})  # milliseconds
    with pytest.raises(write_plan.UnsupportedOperation):
        write_plan.matches(doc, {"pages": {"$size": 2}})
    with pytest.raises(write_plan.UnsupportedOperation):
        write_plan.apply_update(doc, {"$mul": {"n": 2}}, inserting=False)


def test_a_story_the_planner_refuses_is_written_operation_by_operation(store, twin, monkeypatch,
                                                                     caplog):
    """If the planner meets a stored shape it cannot diff (UnsupportedOperation), that story
    takes the operations instead; the others keep their plans; nothing is lost."""
    rng = random.Random(5)
    first = [_random_item(rng, 0) for _ in range(8)]
    later = [_random_item(rng, 3) for _ in range(8)]
    refused = later[0].fingerprint
    real = write_plan.plan_story

    def plan_story(story_id, state, ops, resolution=timedelta(0)):
        if story_id == refused and state is not None:
            raise write_plan.UnsupportedOperation("test: refused")
        return real(story_id, state, ops, resolution)

    monkeypatch.setattr(write_plan, "plan_story", plan_story)
    for batch in (first, later, later):
        with caplog.at_level("WARNING", logger="crawler.storage.store"):
            store.write_sightings(batch)
        _old_path(twin, batch)
    assert _docs(store) == _docs(twin)
    assert f"story {refused} written operation by operation" in caplog.text
