"""The database goes away in the middle of a crawl: items are spilled to disk and replayed when
it comes back (in the same run, or later by `crawler db replay`), and every item is stored
exactly once.

Each test runs a real `crawler crawl daily8` subprocess against the demo site (served slowly, so
the crawl lasts a few seconds) and its own FerretDB in a tmp data dir, which the test stops and
starts again on the same port with the same data.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from datetime import UTC, datetime

import pytest
from pymongo import MongoClient

from crawler.demo_site import FixtureServer
from crawler.items import Article, PageSnapshot
from crawler.storage import spill
from crawler.storage.store import Store
from crawler.urls import canonical_url, fingerprint
from tests.support.crawl import CRAWLER, ROOT, run_crawler
from tests.support.fault_checks import check_stored_exactly_once
from tests.support.fault_db import OwnFerretDB
from tests.support.fault_table import record

SECRET = "outage-Pa55"
SLOW = 0.06  # seconds per page: the 50-page crawl lasts a few seconds at 2 requests at once


@pytest.fixture
def own_db(tmp_path):
    """A FerretDB of this test's own, so it can be killed without harming the session's."""
    db = OwnFerretDB(tmp_path / "own-db")
    yield db
    db.close()


@pytest.fixture
def slow_demo(demo_site):
    def render(path):
        time.sleep(SLOW)
        return demo_site.render(path)

    with FixtureServer(render) as server:
        yield server


def _env(tmp_path, port):
    return dict(os.environ, CRAWLER_DATA_DIR=str(tmp_path / "data"), MONGO_DB="outage",
                MONGO_URI=f"mongodb://crawler:{SECRET}@127.0.0.1:{port}/?authMechanism=PLAIN")


def _start_crawl(server, env, *extra: str):
    args = ["crawl", "daily8", "-a", f"start_url={server.url('/')}",
            "-s", "CONCURRENT_REQUESTS=2", "-s", "STORE_BATCH_SIZE=8",
            "-s", "STORE_RETRY_INTERVAL=0.3", "-s", "CRAWLER_PROGRESS_INTERVAL=0", *extra]
    return subprocess.Popen([*CRAWLER, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_pages(server, proc, count, timeout=60.0):
    deadline = time.monotonic() + timeout
    while len(server.fetched_paths()) < count:
        assert proc.poll() is None, "the crawl ended before the fault was injected"
        assert time.monotonic() < deadline
        time.sleep(0.01)


def _wait_spilled(tmp_path, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    spill = tmp_path / "data" / "spill"
    while not (spill.is_dir() and any(spill.glob("*.jsonl"))):
        assert proc.poll() is None, "the crawl ended before it noticed the outage"
        assert time.monotonic() < deadline, "no batch was spilled while the database was away"
        time.sleep(0.05)


def _on_disk(tmp_path) -> list:
    """Spill and journal files the crawl left under its data dir."""
    return sorted((tmp_path / "data" / "spill").rglob("*.jsonl"))


STATS_LINE = re.compile(r"'([a-z_/0-9.]+)': (\d+),?\n")


def _stats(stderr: str) -> dict:
    """The counters Scrapy dumps at the end of a crawl, for the cases whose database is away
    when the crawl ends: there the log is the only record until a replay writes the run's end
    (where the database answers, tests read the run record's `stats` instead)."""
    return {k: int(v) for k, v in STATS_LINE.findall(stderr)}


def test_outage_mid_crawl_is_spilled_and_replayed_in_the_same_run(
    demo_site, slow_demo, own_db, tmp_path
):
    port = own_db.port
    env = _env(tmp_path, port)
    proc = _start_crawl(slow_demo, env)
    try:
        _wait_pages(slow_demo, proc, 10)
        own_db.kill()  # the database goes away mid-crawl
        _wait_pages(slow_demo, proc, 25)
        # Writes do not hold up fetching, so 15 pages can pass within the driver's retry window:
        # keep the database away until the crawl has noticed (a batch spilled).
        _wait_spilled(tmp_path, proc)
        own_db.start()  # and comes back, same data, same port
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-3000:]  # everything reached the database in the end
    db = MongoClient(f"mongodb://127.0.0.1:{port}/", tz_aware=True)["outage"]
    stats = db.runs.find_one()["stats"]  # the run record's counters (the database is back)
    assert "database unreachable" in err and "database is back: replayed" in err
    assert stats["store/outages"] >= 1
    assert stats["store/spilled"] > 0 and stats["store/replayed"] >= stats["store/spilled"]
    assert stats["store/unstored"] == 0
    # Incremental crawling read no state while the database was away and did not wait for it
    # on every request: one bounded failed read per retry interval, the rest skipped.
    assert stats.get("incremental/state_unavailable", 0) > 0
    assert err.count("could not read fetch state") <= stats["incremental/state_unavailable"]
    assert SECRET not in out + err
    numbers = check_stored_exactly_once(db, demo_site, slow_demo)
    assert numbers == {"lost": 0, "twice": 0}
    assert _on_disk(tmp_path) == []
    run = db.runs.find_one()
    assert run["status"] == "ok" and SECRET not in json.dumps(run, default=str)
    line = next(x for x in err.splitlines() if "database is back: replayed" in x)
    record("database killed mid-crawl, back before the end (same port)", numbers,
           proc.returncode, line.split("] ")[-1].split(": ", 1)[-1])


def test_outage_until_the_end_is_replayed_by_crawler_db_replay(
    demo_site, slow_demo, own_db, tmp_path
):
    port = own_db.port
    env = _env(tmp_path, port)
    proc = _start_crawl(slow_demo, env)
    try:
        _wait_pages(slow_demo, proc, 30)
        own_db.kill()  # and stays away until the crawl has ended
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            out, err = proc.communicate()
            print(err[-5000:])
    stats = _stats(err)
    assert proc.returncode == 1, err[-3000:]  # partial: items wait on disk
    assert stats["store/unstored"] > 0
    assert "the next run or `crawler db replay` stores them" in err
    assert SECRET not in out + err
    assert _on_disk(tmp_path)

    own_db.start()
    replay = run_crawler(["db", "replay"], env)
    assert replay.returncode == 0, replay.stderr
    assert "0 spill files left" in replay.stdout and SECRET not in replay.stdout + replay.stderr
    db = MongoClient(f"mongodb://127.0.0.1:{port}/", tz_aware=True)["outage"]
    numbers = check_stored_exactly_once(db, demo_site, slow_demo)
    assert numbers == {"lost": 0, "twice": 0}
    again = run_crawler(["db", "replay"], env)
    assert again.returncode == 0 and "nothing to replay" in again.stdout
    # The run ended by the outage is recorded failed, with its counts, and the replay noted.
    run = db.runs.find_one()
    assert run["status"] == "failed" and run["counts"]["pages"] > 0, run
    assert run["counts"]["unstored"] == 0 and run["replay"]["complete"] is True
    assert run["replay"]["stored"] == stats["store/unstored"]
    line = next(x for x in err.splitlines() if "the next run or `crawler db replay`" in x)
    record("database killed mid-crawl until the run ended, then `crawler db replay`", numbers,
           proc.returncode, line.split("ERROR: ")[-1])


# -- the spill itself ------------------------------------------------------------------------
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _lead(n: int) -> Article:
    url = f"https://news.example/s/{n}"
    item = Article(url=url, page_url=url, seen_at=NOW, headline=f"Story {n}", body="Body text.")
    item.canonical_url, item.fingerprint, item.content_hash = canonical_url(url), fingerprint(url), "h"
    return item


def test_replaying_a_batch_twice_stores_nothing_twice(store, tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    items = [_lead(n) for n in range(3)]
    pages = [PageSnapshot(url=f"https://news.example/s/{n}", fetched_at=NOW, status=200,
                          lead=fingerprint(f"https://news.example/s/{n}"), run_id="r1")
             for n in range(3)]
    spill.write(items + pages, "r1")
    store.write_sightings(items)  # the batch had reached the database before the crash
    store.insert_pages(pages)
    assert spill.replay(store) == 6
    assert store.count_articles() == 3
    assert store.pages.count_documents({}) == 3
    assert store.sightings.count_documents({}) == store.articles.count_documents({})
    assert spill.pending() == []


def test_a_torn_last_line_is_skipped_and_the_rest_replayed(store, tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    path = spill.write([_lead(1), _lead(2)], "r2")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"kind": "article", "item": {"url": "https://news.exa')  # killed mid-write
    assert spill.replay(store) == 2
    assert store.count_articles() == 2


def test_journal_of_a_live_crawl_is_left_alone_and_of_a_dead_one_replayed(
    store, tmp_path, monkeypatch
):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    journal = spill.Journal("live")
    journal.append(_lead(1))
    assert spill.replay(store) == 0  # its owner holds the lock: not ours to take
    assert store.count_articles() == 0
    batch = journal.seal()
    batch._close()  # the owner dies: its lock is released, the file stays
    assert spill.replay(store) == 1
    assert store.count_articles() == 1


def test_while_the_database_is_known_away_batches_spill_without_asking_it(
    tmp_path, monkeypatch, own_db, caplog
):
    """One failed write marks the database away; until the retry interval has passed, later
    batches go straight to the spill instead of each waiting for the driver's timeout."""
    from crawler.storage.durable import DurableWriter

    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path / "data"))
    port = own_db.port
    store = Store(f"mongodb://127.0.0.1:{port}/", f"t_{uuid.uuid4().hex[:8]}")

    class Stats(dict):
        def inc_value(self, key, n=1):
            self[key] = self.get(key, 0) + n

        def set_value(self, key, value):
            self[key] = value

    stats = Stats()
    writer = DurableWriter(store, stats, "run1", retry_interval=60, probe_timeout=0.5)
    own_db.kill()
    caplog.set_level("WARNING", logger="crawler.storage.durable")
    for n in range(5):
        writer.accept(_lead(n))
        writer.write([_lead(n)], [], [writer.seal()])
    reasons = [r.getMessage().split(":")[0] for r in caplog.records if "kept in" in r.getMessage()]
    assert reasons[0] != "database still away"  # the first batch asked the database
    assert reasons[1:] == ["database still away"] * 4  # the others did not
    assert stats["store/spilled"] == 5 and stats["store/outages"] == 1
    own_db.start()
    writer.next_probe = 0  # the retry interval has passed: a probe in the background
    writer._probe_later()
    assert writer.back.wait(15)
    writer.accept(_lead(9))
    writer.write([_lead(9)], [], [writer.seal()])
    writer.finish()
    assert stats["store/replayed"] == 5 and stats["store/unstored"] == 0
    assert store.count_articles() == 6
    store.client.drop_database(store.db.name)
    store.close()
