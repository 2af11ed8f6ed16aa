"""Sightings as their own records: a story's document does not grow with its sightings, old
documents migrate (idempotently), and every update document the store builds is one MongoDB
itself accepts."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import bson
import pytest
from pymongo import IndexModel

from crawler.items import SCHEMA_VERSION, Article, Teaser
from crawler.storage import migrations, write_plan
from crawler.storage.store import Store, sighting_record, story_ops
from tests.support.crawl import ROOT
from tests.support.store_items import prepared, sightings_of

pytestmark = pytest.mark.integration

T0 = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
URL = "https://wire.example/2026/04/harbour-plan"


def _teaser(page: int, at: datetime, position: int = 3) -> Teaser:
    return prepared(Teaser(url=URL, page_url=f"https://agg.example/p/{page}", seen_at=at,
                           position=position, headline="Harbour plan", source="Wire",
                           summary="The harbour plan, in short."))


def _size(store: Store, story_id: str) -> int:
    return len(bson.encode(store.articles.find_one({"_id": story_id})))


def test_bytes_per_story_do_not_grow_with_sightings(store):
    store.seen_resolution = timedelta(0)  # every batch advances last_seen_at: the worst case
    first = _teaser(0, T0)
    store.write_sightings([first])
    one = _size(store, first.fingerprint)
    for batch in range(20):
        store.write_sightings([_teaser(batch * 50 + n, T0 + timedelta(minutes=batch, seconds=n))
                               for n in range(1, 51)])
    assert len(sightings_of(store, first.fingerprint)) == 1001
    assert _size(store, first.fingerprint) == one
    doc = store.article(first.fingerprint)
    assert doc["last_seen_at"] == T0 + timedelta(minutes=19, seconds=50)


def test_seen_resolution_bounds_the_lag_of_last_seen(store):
    store.seen_resolution = timedelta(minutes=5)
    store.write_sightings([_teaser(0, T0)])
    store.write_sightings([_teaser(1, T0 + timedelta(minutes=4))])
    doc = store.article(_teaser(0, T0).fingerprint)
    assert doc["last_seen_at"] == T0  # moved by less than the resolution: not rewritten
    assert len(sightings_of(store, doc["_id"])) == 2  # the exact times are in sightings
    store.write_sightings([_teaser(2, T0 + timedelta(minutes=5))])
    assert store.article(doc["_id"])["last_seen_at"] == T0 + timedelta(minutes=5)
    store.write_sightings([_teaser(3, T0 - timedelta(hours=1))])  # a late replay widens at once
    assert store.article(doc["_id"])["first_seen_at"] == T0 - timedelta(hours=1)


def _old_shape(store: Store, n: int) -> list[dict]:
    """Version-1 documents: sightings in a seen_on array mirrored by seen_on_pages."""
    docs = []
    for k in range(n):
        seen_on = [{"page_url": f"https://agg.example/p/{p}", "role": "related", "position": p % 10 + 1,
                    "seen_at": T0 + timedelta(minutes=p)} for p in range(k + 1)]
        docs.append({"_id": f"{k:040x}", "url": f"https://wire.example/{k}",
                     "canonical_url": f"https://wire.example/{k}", "headline": f"Story {k}",
                     "completeness": "teaser", "content_hash": "h", "cluster_id": f"{k:040x}",
                     "first_seen_at": T0, "last_seen_at": seen_on[-1]["seen_at"], "updated_at": T0,
                     "schema_version": 1, "seen_on": seen_on,
                     "seen_on_pages": [s["page_url"] for s in seen_on]})
    store.articles.insert_many(docs)
    store.articles.create_indexes([IndexModel([("seen_on_pages", 1)], name="seen_on_pages")])
    return docs


def test_migrate_moves_sightings_out_and_is_idempotent(store, crawl_env):
    old = _old_shape(store, 30)
    # A sighting the new write path stored before the migration ran: not doubled by it.
    s0 = old[4]["seen_on"][2]
    store.sightings.insert_one(sighting_record(old[4]["_id"], s0["page_url"], s0["seen_at"],
                                               s0["role"], s0["position"]))
    cmd = [sys.executable, "-m", "crawler.cli", "db", "migrate"]
    out = subprocess.run(cmd, cwd=ROOT, env=crawl_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "sightings (schema 2)" in out.stdout and "articles_converted=30" in out.stdout
    want = sum(len(d["seen_on"]) for d in old)
    assert store.sightings.count_documents({}) == want
    for doc in old:
        stored = store.article(doc["_id"])
        assert "seen_on" not in stored and "seen_on_pages" not in stored
        assert stored["schema_version"] == 2
        got = [(s["page_url"], s["role"], s["position"], s["seen_at"])
               for s in sightings_of(store, doc["_id"])]
        assert got == [(s["page_url"], s["role"], s["position"], s["seen_at"]) for s in doc["seen_on"]]
    assert "seen_on_pages" not in store.articles.index_information()
    before = sorted(store.articles.find(), key=lambda d: d["_id"])
    again = subprocess.run(cmd, cwd=ROOT, env=crawl_env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "sightings_moved=0, articles_converted=0" in again.stdout
    assert store.sightings.count_documents({}) == want
    assert sorted(store.articles.find(), key=lambda d: d["_id"]) == before


def test_migration_steps_are_registered_in_order_with_versions():
    names = [s.name for s in migrations.STEPS]
    assert "sightings" in names and len(names) == len(set(names))
    assert max(s.version for s in migrations.STEPS) <= SCHEMA_VERSION


# -- every update document is one MongoDB accepts -------------------------------------------
# Operators the store relies on (docs/operations.md lists them with the manual's sections).
UPDATE_OPERATORS = {"$set", "$setOnInsert", "$max", "$min", "$addToSet", "$unset"}
QUERY_OPERATORS = {"$ne", "$exists", "$lte", "$lt", "$gte", "$gt", "$in", "$or", "$and"}


def _paths(update: dict) -> list[str]:
    return [path for fields in update.values() for path in fields]


def _check(update: dict) -> None:
    assert set(update) <= UPDATE_OPERATORS, update
    paths = _paths(update)
    assert len(paths) == len(set(paths)), f"a path in two operators: {update}"
    for a in paths:  # nor a path and its prefix (a and a.b), which MongoDB also refuses
        assert not any(b.startswith(a + ".") for b in paths), update


def _query_ops(query) -> set[str]:
    found: set[str] = set()
    if isinstance(query, dict):
        for key, value in query.items():
            if key.startswith("$"):
                found.add(key)
            found |= _query_ops(value)
    elif isinstance(query, list):
        for value in query:
            found |= _query_ops(value)
    return found


def _items(rng_seed: int):
    import random

    rng = random.Random(rng_seed)
    out = []
    for step in range(6):
        batch = []
        for _ in range(rng.randint(1, 8)):
            at = T0 + timedelta(minutes=rng.randint(-60, 60) + step * 10)
            if rng.random() < 0.4:
                item = Article(url=URL, page_url=URL, seen_at=at, headline=f"Full {rng.randint(0, 2)}",
                               source="Wire", body="word " * rng.randint(5, 40),
                               summary=rng.choice([None, "Standfirst."]),
                               modified_at=rng.choice([None, T0 + timedelta(hours=rng.randint(-2, 2))]))
                item.cluster_id = rng.choice([None, "c" * 40])
                item.aliases = rng.choice([[], ["https://wire.example/amp/harbour-plan"]])
                item.minhash = [1, 2, 3]
            else:
                item = Teaser(url=URL, page_url=f"https://agg.example/p/{rng.randint(0, 5)}",
                              seen_at=at, position=rng.randint(1, 9), headline="Teaser",
                              summary=" ".join(["snippet"] * rng.randint(0, 6)) or None)
            batch.append(prepared(item))
        out.append(batch)
    return out


@pytest.mark.parametrize("seed", range(8))
def test_every_update_document_names_each_path_once(store, monkeypatch, seed):
    """Spy on every statement the store sends (plans, touches, operations, folds) while random
    batches are written, through both the planned and the fallback path."""
    seen = _spy_updates(monkeypatch)
    store.seen_resolution = timedelta(0)
    for batch in _items(seed):
        store.write_sightings(batch)
        store._apply_ops([story_ops(batch)])  # the fallback path's statements too
    assert seen
    for query, update in seen:
        _check(update)
        assert _query_ops(query) <= QUERY_OPERATORS, query
    # The planner's own output, for a stored and a cached state.
    for batch in _items(seed + 100):
        ops = story_ops(batch)
        for state in (None, store.article(batch[0].fingerprint), store.cache.get(batch[0].fingerprint)):
            plan = write_plan.plan_story(batch[0].fingerprint, state, ops)
            if plan.filter is not None:
                _check(plan.update)
            if plan.touch:
                _check(plan.touch)


def _spy_updates(monkeypatch) -> list[tuple[dict, dict]]:
    """Every (filter, update) sent through any collection's update methods from now on."""
    from pymongo.collection import Collection

    seen: list[tuple[dict, dict]] = []
    real_bulk, real_many, real_one = Collection.bulk_write, Collection.update_many, Collection.update_one

    def bulk_write(self, requests, *a, **kw):
        requests = list(requests)
        seen.extend((r._filter, r._doc) for r in requests if hasattr(r, "_doc"))
        return real_bulk(self, requests, *a, **kw)

    def update_many(self, query, update, *a, **kw):
        seen.append((query, update))
        return real_many(self, query, update, *a, **kw)

    def update_one(self, query, update, *a, **kw):
        seen.append((query, update))
        return real_one(self, query, update, *a, **kw)

    monkeypatch.setattr(Collection, "bulk_write", bulk_write)
    monkeypatch.setattr(Collection, "update_many", update_many)
    monkeypatch.setattr(Collection, "update_one", update_one)
    return seen


def test_migrations_withdrawals_runs_and_fetch_state_name_each_path_once(store, monkeypatch):
    """The update documents outside the write path: both migration steps (sightings out of
    seen_on; re-keying, moved and merged), withdrawn stories marked and restored, 304 touches,
    alias folds, fetch state, run records."""
    from crawler.items import PageSnapshot

    _old_shape(store, 3)
    # Stored under a www. host: fold_url_keys re-keys one and merges the other into a story
    # already under the folded key.
    for n, merged in ((1, False), (2, True)):
        url = f"https://www.wire.example/fold/{n}"
        store.articles.insert_one({"_id": f"{n:x}" * 40, "url": url, "canonical_url": url,
                                   "cluster_id": f"{n:x}" * 40, "first_seen_at": T0,
                                   "last_seen_at": T0, "updated_at": T0, "schema_version": 2})
        if merged:
            store.write_sightings([prepared(Teaser(url=f"https://wire.example/fold/{n}",
                                                   page_url="https://agg.example/", seen_at=T0,
                                                   position=1, headline="Folded"))])
    seen = _spy_updates(monkeypatch)
    report = dict((s.name, counts) for s, counts in migrations.migrate(store))
    assert report["sightings"]["articles_converted"] == 3
    assert report["fold_url_keys"]["rekeyed"] >= 1 and report["fold_url_keys"]["merged"] == 1

    story = _teaser(0, T0)
    store.write_sightings([story])
    page = dict(url=URL, lead=story.fingerprint, related=[], run_id="r1", aggregator="x", depth=1)
    store.insert_pages([PageSnapshot(fetched_at=T0 + timedelta(hours=1), status=410, **page)])
    assert store.article(story.fingerprint)["gone_status"] == 410
    store.insert_pages([PageSnapshot(fetched_at=T0 + timedelta(hours=2), status=200, **page)])
    assert "gone_at" not in store.article(story.fingerprint)
    store.touch_seen({story.fingerprint: T0 + timedelta(hours=3)})
    store.save_fetch_state({"k" * 40: {"etag": '"v1"', "fetched_at": T0}})
    alias = _teaser(9, T0)
    alias.url = "https://wire.example/amp/harbour-plan"
    store.write_sightings([prepared(alias)])
    store.fold_aliases({story.fingerprint: [prepared(alias).fingerprint]})
    run_id = store.start_run("daily8", {})
    store.finish_run(run_id, status="ok", finished_at=T0)
    store.mark_run_failed(store.start_run("daily8", {}), "killed", {})

    operators = {op for _, update in seen for op in update}
    assert {"$set", "$unset", "$max", "$min", "$addToSet"} <= operators, operators
    for query, update in seen:
        _check(update)
        assert _query_ops(query) <= QUERY_OPERATORS, query
