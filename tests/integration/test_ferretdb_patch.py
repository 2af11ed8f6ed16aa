"""The embedded FerretDB is built with scripts/patch_ferretdb.py: lookups by _id use the _id
index, and the answers stay what MongoDB gives. Skipped against a server that is not FerretDB
(TEST_MONGO_URI pointing at MongoDB has its own planner)."""

from __future__ import annotations

import pytest
from pymongo import UpdateOne


@pytest.fixture
def coll(store):
    if "ferretdbVersion" not in store.client.admin.command("buildInfo"):
        pytest.skip("not FerretDB")
    c = store.db["patch_check"]
    c.insert_many([{"_id": f"id{i}", "n": i, "tags": [f"t{i % 3}"]} for i in range(300)])
    return c


def _plan(coll, query: dict) -> str:
    out = coll.database.command("explain", {"find": coll.name, "filter": query})
    return " ".join(out["queryPlanner"]["Plan"])


@pytest.mark.parametrize("query", [
    {"_id": "id7"},
    {"_id": "id7", "tags": {"$ne": "t0"}},
    {"_id": {"$in": ["id7", "id8", "nope"]}},
    {"_id": "id7", "$or": [{"n": {"$exists": False}}, {"n": {"$lt": 9}}]},
])
def test_queries_pinning_id_search_the_id_index(coll, query):
    assert "USING INDEX" in _plan(coll, query) and "SCAN" not in _plan(coll, query)


def test_other_queries_still_scan(coll):
    assert "SCAN" in _plan(coll, {"n": 7})
    assert "SCAN" in _plan(coll, {"_id": {"$in": ["id1", 5]}})  # mixed types are not narrowed


def test_answers_are_unchanged_by_the_preselection(coll):
    assert coll.count_documents({"_id": "id7", "tags": {"$ne": "t0"}}) == 1
    assert coll.count_documents({"_id": "id7", "tags": {"$ne": "t1"}}) == 0  # id7 has t1
    assert coll.count_documents({"_id": "id7", "tags": {"$ne": "t0"}, "n": 8}) == 0
    assert sorted(d["_id"] for d in coll.find({"_id": {"$in": ["id3", "id4", "zz"]}, "n": {"$gt": 3}})) == ["id4"]
    result = coll.bulk_write([
        UpdateOne({"_id": "id10", "tags": {"$nin": ["t0"]}}, {"$push": {"tags": "t0"}}),
        UpdateOne({"_id": "id11", "tags": {"$nin": ["t2"]}}, {"$push": {"tags": "t2"}}),  # has t2
        UpdateOne({"_id": "new", "n": 5}, {"$set": {"x": 1}}, upsert=True),
    ], ordered=False)
    assert (result.matched_count, result.upserted_count) == (1, 1)
    assert coll.find_one({"_id": "id10"})["tags"] == ["t1", "t0"]
    assert coll.find_one({"_id": "id11"})["tags"] == ["t2"]
    assert coll.find_one({"_id": "new"}) == {"_id": "new", "n": 5, "x": 1}
    assert coll.delete_many({"_id": {"$in": ["id1", "id2"]}, "n": 2}).deleted_count == 1
    assert coll.count_documents({}) == 300
