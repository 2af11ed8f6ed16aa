"""Several writers on one database without Redis: two crawls at once lose no sighting, and two
fresh starts create the indexes at once without an error."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid

import pytest
from pymongo import MongoClient

from crawler.demo_site import FixtureServer
from crawler.storage.store import ARTICLE_INDEXES, SIGHTING_INDEXES, Store
from tests.support.crawl import CRAWLER, ROOT
from tests.support.fault_checks import check_stored_exactly_once
from tests.support.fault_table import record

pytestmark = pytest.mark.integration


def test_two_overlapping_crawls_into_one_database_lose_no_sighting(
    demo_site, crawl_env, mongo_uri, db_name, tmp_path
):
    def slow(path):
        time.sleep(0.01)
        return demo_site.render(path)

    with FixtureServer(slow) as server:
        procs = []
        for n in range(2):
            env = dict(crawl_env, CRAWLER_DATA_DIR=str(tmp_path / f"data{n}"))
            # Small batches, so the two writers interleave on the same stories many times.
            args = ["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                    "-s", "STORE_BATCH_SIZE=20", "-s", "STORE_SEEN_RESOLUTION=0",
                    "-s", "CRAWLER_PROGRESS_INTERVAL=0"]
            procs.append(subprocess.Popen([*CRAWLER, *args], env=env, cwd=ROOT, text=True,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        errors = [p.communicate(timeout=300)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [e[-2000:] for e in errors]
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    # Every page fetched by each crawl has all its sightings, once; every story once.
    assert db.pages.count_documents({}) == 2 * len(demo_site.expected)
    numbers = check_stored_exactly_once(db, demo_site, server)
    assert numbers == {"lost": 0, "twice": 0}
    for doc in db.articles.find():
        latest = db.sightings.find({"story_id": doc["_id"]}).sort("seen_at", -1).limit(1)
        assert doc["last_seen_at"] == next(iter(latest))["seen_at"], doc["_id"]
    # Nothing to see: both runs end ok, as if each had the database to itself.
    record("two crawls of one site into one database at once, without Redis", numbers,
           max(p.returncode for p in procs), "")


@pytest.mark.parametrize("attempt", range(3))
def test_two_fresh_starts_create_the_indexes_at_once(mongo_uri, attempt):
    name = f"test_idx_{uuid.uuid4().hex[:10]}"
    stores = [Store(mongo_uri, name) for _ in range(3)]
    barrier = threading.Barrier(len(stores))
    failures: list[BaseException] = []

    def start(store: Store) -> None:
        barrier.wait()
        try:
            store.ensure_indexes()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert failures == []
        names = set(stores[0].articles.index_information())
        assert {m.document["name"] for m in ARTICLE_INDEXES} <= names
        assert {m.document["name"] for m in SIGHTING_INDEXES} <= set(stores[0].sightings.index_information())
    finally:
        stores[0].client.drop_database(name)
        for s in stores:
            s.close()
