"""The embedded FerretDB is built with scripts/patch_ferretdb.py: lookups by _id use the _id
index, what an update command modifies is written in one transaction, and the answers stay what
MongoDB gives. Skipped against a server that is not FerretDB (TEST_MONGO_URI pointing at MongoDB
has its own planner)."""

from __future__ import annotations

import threading

import pytest
from pymongo import MongoClient, UpdateMany, UpdateOne


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


def test_an_update_command_of_hundreds_of_statements_is_answered(coll, mongo_uri):
    """Upstream kept every statement's read open until the command ended and waited forever for
    a pooled connection past about a hundred: a socket timeout turns such a hang into a failure."""
    client = MongoClient(mongo_uri, socketTimeoutMS=30_000)
    try:
        c = client[coll.database.name][coll.name]
        result = c.bulk_write([UpdateOne({"_id": f"id{i}"}, {"$set": {"m": i * 2}}) for i in range(300)])
        assert (result.matched_count, result.modified_count) == (300, 300)
        assert sorted(d["m"] for d in c.find({}, {"m": 1})) == [i * 2 for i in range(300)]
    finally:
        client.close()


def test_a_statement_sees_the_statements_before_it_in_the_same_command(coll):
    result = coll.bulk_write([
        UpdateOne({"_id": "id1"}, {"$set": {"n": 1000}}),
        UpdateOne({"_id": "id1", "n": 1000}, {"$push": {"tags": "seen"}}),
        UpdateOne({"_id": "fresh"}, {"$set": {"v": 1}}, upsert=True),
        UpdateOne({"_id": "fresh", "v": 1}, {"$inc": {"v": 1}}),
        UpdateMany({"n": {"$gte": 1000}}, {"$set": {"big": True}}),
    ])
    assert (result.matched_count, result.modified_count, result.upserted_count) == (4, 4, 1)
    assert coll.find_one({"_id": "id1"}) == {"_id": "id1", "n": 1000, "tags": ["t1", "seen"], "big": True}
    assert coll.find_one({"_id": "fresh"}) == {"_id": "fresh", "v": 2}


def _update(coll, *statements: dict) -> dict:
    """The raw command: FerretDB's reply to a failed statement lacks the counts pymongo's bulk
    API reads, upstream as patched, so the tests look at the reply and the stored state."""
    return coll.database.command("update", coll.name, updates=list(statements), ordered=True)


def test_a_failing_statement_keeps_the_ones_before_it_and_is_undone_itself(coll):
    reply = _update(
        coll,
        {"q": {"_id": "id5"}, "u": {"$set": {"before": True}}},
        {"q": {"_id": "id6"}, "u": {"$inc": {"tags": 1}}},  # $inc of an array fails
        {"q": {"_id": "id7"}, "u": {"$set": {"after": True}}},
    )
    assert reply.get("writeErrors")
    assert coll.find_one({"_id": "id5"})["before"] is True
    assert coll.find_one({"_id": "id6"}) == {"_id": "id6", "n": 6, "tags": ["t0"]}
    assert "after" not in coll.find_one({"_id": "id7"})  # ordered: the command stopped there
    coll.update_one({"_id": "id7"}, {"$set": {"after": True}})  # and nothing is left locked
    assert coll.find_one({"_id": "id7"})["after"] is True


def test_a_duplicate_key_in_an_upsert_keeps_the_statements_before_it(coll):
    coll.create_index("n", unique=True)
    reply = _update(
        coll,
        {"q": {"_id": "id8"}, "u": {"$set": {"before": True}}},
        {"q": {"_id": "clash"}, "u": {"$set": {"n": 9}}, "upsert": True},  # id9 holds n=9
    )
    assert reply["writeErrors"][0]["code"] == 11000
    assert coll.find_one({"_id": "id8"})["before"] is True
    assert coll.find_one({"_id": "clash"}) is None
    assert coll.count_documents({}) == 300


def test_collections_and_indexes_created_during_update_commands_do_not_wait(coll):
    """An update command holds no SQLite transaction across its statements: one that did would
    wait on the metadata registry's lock while holding SQLite's, and a collection or index
    created in the same database meanwhile would fail after the busy timeout."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def updating() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                coll.bulk_write([UpdateOne({"_id": f"id{(n * 50 + i) % 300}"}, {"$inc": {"n": 1}})
                                 for i in range(50)])
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                failures.append(exc)
                return

    writer = threading.Thread(target=updating)
    writer.start()
    try:
        for k in range(15):
            extra = coll.database[f"made_meanwhile_{k}"]
            extra.insert_one({"_id": k})
            extra.create_index("n", name="n_asc")
            coll.create_index([("n", 1), (f"k{k}", 1)], name=f"meanwhile_{k}")
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    assert coll.count_documents({}) == 300
