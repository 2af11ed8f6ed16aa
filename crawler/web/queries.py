"""The database reads behind the pages. Reads only: nothing here inserts, updates or deletes,
and no index is created, so the database user may be read-only.

The one place that knows where a story's sightings live is story_sightings().
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from crawler.web.storyindex import FIELDS

SIGHTINGS_LIMIT = 2000
RUN_FIELDS_FOR_CHARTS = {"spider": 1, "started_at": 1, "finished_at": 1, "duration_s": 1,
                         "status": 1, "counts": 1, "errors": 1, "job": 1}

# query name -> [count, total seconds]; read by crawler.web.metrics.
QUERY_TIMES: dict[str, list[float]] = {}


@contextmanager
def timed(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        entry = QUERY_TIMES.setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started


def open_database(uri: str | None = None) -> tuple[Any, Database]:
    """(closeable handle, database) through the project's store: the embedded database is
    started when MONGO_URI is unset, exactly as for a crawl."""
    # optional/heavy, loaded on the request that needs it (start-up cost)
    from crawler.store import Store

    store = Store(uri)
    return store, store.db


def story_docs(db: Database, since: datetime | None = None):
    """The small fields of every story (first seen at or after `since` when given)."""
    query = {"first_seen_at": {"$gte": since}} if since else {}
    with timed("story_index"):
        yield from db.articles.find(query, dict.fromkeys(FIELDS, 1)).batch_size(5000)


def recent_runs(db: Database, limit: int = 50, query: dict | None = None) -> list[dict]:
    with timed("runs"):
        return list(db.runs.find(query or {}, {"settings": 0, "args": 0})
                    .sort("started_at", DESCENDING).limit(limit))


def runs_since(db: Database, since: datetime) -> list[dict]:
    """Runs started at or after `since`, oldest first, with only what the charts need."""
    with timed("runs"):
        return list(db.runs.find({"started_at": {"$gte": since}}, RUN_FIELDS_FOR_CHARTS)
                    .sort("started_at", ASCENDING))


def all_runs_summary(db: Database) -> list[dict]:
    """Every run with the fields the metrics and the Sources page sum up."""
    with timed("runs"):
        return list(db.runs.find({}, RUN_FIELDS_FOR_CHARTS))


def get_run(db: Database, run_id: str) -> dict | None:
    with timed("run"):
        return db.runs.find_one({"_id": run_id})


def get_article(db: Database, story_id: str) -> dict | None:
    with timed("article"):
        return db.articles.find_one({"_id": story_id}, {"minhash": 0})


def get_articles(db: Database, ids: list[str]) -> list[dict]:
    if not ids:
        return []
    with timed("article"):
        return list(db.articles.find({"_id": {"$in": ids}},
                                     {"body": 0, "minhash": 0, "seen_on": 0, "seen_on_pages": 0}))


def story_sightings(db: Database, article: dict) -> list[dict]:
    """Where and when a story was seen, oldest first: {page_url, role, position, seen_at}.

    Two stored shapes: sightings as records of their own in a `sightings` collection (keyed by
    story_id, docs/schema.md) when that collection exists, else the `seen_on` array inside the story."""
    with timed("sightings"):
        if "sightings" in db.list_collection_names(filter={"name": "sightings"}):
            rows = list(db.sightings.find({"story_id": article["_id"]}, {"_id": 0, "story_id": 0})
                        .sort("seen_at", ASCENDING).limit(SIGHTINGS_LIMIT))
            if rows:
                return rows
        rows = list(article.get("seen_on") or [])
    rows.sort(key=lambda s: (s.get("seen_at") is None, s.get("seen_at") or 0))
    return rows[:SIGHTINGS_LIMIT]


def ping_seconds(db: Database) -> float:
    started = time.perf_counter()
    db.command("ping")
    return time.perf_counter() - started
