"""The disk under the data directory fills up, or cannot be written at all: the crawl stops
accepting, says so in one line naming the directory and the room it needs, exits non-zero, and
nothing it accepted is lost or stored twice.

The data directory is a real small filesystem (a tmpfs mounted for the test), so the journal
meets the kernel's own ENOSPC and EROFS, not an injected exception.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from pymongo import MongoClient

from tests.integration.test_faults_outage import (  # noqa: F401
    _start_crawl,
    _stats,
    _wait_pages,
    own_db,
    slow_demo,
)
from tests.support.crawl import run_crawler
from tests.support.fault_checks import check_fetched_pages_stored
from tests.support.fault_table import record
from tests.support.small_disk import fill, tmpfs

SECRET = "disk-Pa55"


def _env(data: Path, port: int, db: str) -> dict:
    return dict(os.environ, CRAWLER_DATA_DIR=str(data), MONGO_DB=db,
                MONGO_URI=f"mongodb://crawler:{SECRET}@127.0.0.1:{port}/?authMechanism=PLAIN")


def _one_line(err: str, needle: str) -> str:
    lines = [line for line in err.splitlines() if needle in line]
    assert len(lines) == 1, (needle, lines, err[-3000:])
    return lines[0]


def test_disk_full_during_an_outage_stops_the_crawl_and_loses_nothing(
    demo_site, slow_demo, own_db, tmp_path  # noqa: F811
):
    db_name = f"disk_{uuid.uuid4().hex[:8]}"
    with tmpfs(tmp_path / "data", "2m") as data:
        env = _env(data, own_db.port, db_name)
        proc = _start_crawl(slow_demo, env, "-s", "STORE_MIN_FREE_MB=1", "-s", "STORE_CLOSE_WAIT=60")
        try:
            _wait_pages(slow_demo, proc, 8)
            own_db.kill()  # the database goes away: batches go to the journal's spill only
            filler = fill(data, 24_000)  # and the disk fills up under the journal
            deadline = time.monotonic() + 60
            stderr_seen = ""
            while "waiting up to" not in stderr_seen:
                assert proc.poll() is None, "the crawl ended without waiting for the database"
                assert time.monotonic() < deadline, "the crawl never noticed the full disk"
                stderr_seen += os.read(proc.stderr.fileno(), 65536).decode(errors="replace")
            fetched_at_stop = len(slow_demo.fetched_paths())
            own_db.start()  # the database comes back while the crawl holds items in memory
            out, err = proc.communicate(timeout=120)
            err = stderr_seen + err
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stats = _stats(err)
        line = _one_line(err, "stopping the crawl: cannot write the journal in")
        assert str(data / "spill" / "journal") in line and "No space left on device" in line
        assert "free at least" in line and "Traceback" not in err
        assert proc.returncode == 1, err[-3000:]  # stopped early: failed, not ok
        assert stats.get("store/lost", 0) == 0 and stats["store/unjournaled"] > 0
        assert len(slow_demo.fetched_paths()) <= fetched_at_stop + 4  # no more fetching
        assert len(slow_demo.fetched_paths()) < len(demo_site.expected)
        assert SECRET not in out + err

        filler.unlink()  # room again: replay what the outage left in the spill
        replay = run_crawler(["db", "replay"], env)
        assert replay.returncode == 0, replay.stderr
        # The database came back while the crawl waited: it replayed everything itself.
        assert "nothing to replay" in replay.stdout or "could not store 0" in replay.stdout
        assert SECRET not in replay.stdout + replay.stderr
        client = MongoClient(own_db.uri, tz_aware=True)
        db = client[db_name]
        numbers = check_fetched_pages_stored(db, demo_site, slow_demo)
        assert numbers == {"lost": 0, "twice": 0}
        run = db.runs.find_one()
        assert run["status"] == "failed" and run["finish_reason"] == "journal_unwritable"
        client.drop_database(db_name)
    record("disk full during a database outage (24 kB left on a tmpfs)", numbers,
           proc.returncode, line.split("stopping the crawl: ", 1)[1].split(" (")[0] + " ...")


def test_disk_full_and_the_database_never_back_counts_exactly_what_was_lost(
    demo_site, slow_demo, own_db, tmp_path  # noqa: F811
):
    """The worst case: nowhere to put the items. They are not reported as kept: the run says
    how many were lost, and everything it did keep is replayed."""
    db_name = f"disk_{uuid.uuid4().hex[:8]}"
    with tmpfs(tmp_path / "data", "2m") as data:
        env = _env(data, own_db.port, db_name)
        proc = _start_crawl(slow_demo, env, "-s", "STORE_MIN_FREE_MB=1", "-s", "STORE_CLOSE_WAIT=1")
        try:
            _wait_pages(slow_demo, proc, 8)
            own_db.kill()
            filler = fill(data, 24_000)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stats = _stats(err)
        assert "Spider closed (journal_unwritable)" in err, err[-3000:]
        assert proc.returncode == 1 and "Traceback" not in err, err[-6000:]
        lost = stats.get("store/lost", 0)
        if lost:
            line = _one_line(err, "items were lost")
            assert line.split("ERROR: ")[-1].startswith(f"{lost} items were lost")
        assert "kept in" not in _one_line(err, "stopping the crawl")
        filler.unlink()
        own_db.start()
        replay = run_crawler(["db", "replay"], env)
        assert replay.returncode == 0, replay.stderr
        client = MongoClient(own_db.uri, tz_aware=True)
        stored = client[db_name].sightings.count_documents({})
        stored += client[db_name].pages.count_documents({})
        # Every item the crawl handed to the store is stored once, or counted lost: none
        # vanished, none doubled.
        assert stored + lost == stats["items/scraped"], (stored, lost)
        client.drop_database(db_name)


def test_read_only_data_directory_is_refused_before_the_first_request(
    slow_demo, own_db, tmp_path  # noqa: F811
):
    with tmpfs(tmp_path / "data", "1m", read_only=True) as data:
        env = _env(data, own_db.port, f"ro_{uuid.uuid4().hex[:8]}")
        done = run_crawler(["crawl", "daily8", "-a", f"start_url={slow_demo.url('/')}"], env)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(data / "spill" / "journal") in lines[0] and "cannot be written" in lines[0]
    assert "Read-only file system" in lines[0] and "free" in lines[0]
    assert slow_demo.fetched_paths() == []  # not one request
    record("read-only data directory", {"lost": 0, "twice": 0}, done.returncode,
           lines[0].split(": ", 1)[1].split(" (")[0] + " ...")


def test_too_little_room_is_refused_before_the_first_request(slow_demo, own_db, tmp_path):  # noqa: F811
    with tmpfs(tmp_path / "data", "1m") as data:
        env = _env(data, own_db.port, f"room_{uuid.uuid4().hex[:8]}")
        done = run_crawler(["crawl", "daily8", "-a", f"start_url={slow_demo.url('/')}",
                            "-s", "STORE_MIN_FREE_MB=5"], env)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "needs at least 5.0 MB" in lines[0], done.stderr
    assert slow_demo.fetched_paths() == []
