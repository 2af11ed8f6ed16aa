"""Schema migrations: registered steps that `crawler db migrate` runs in order.

Each step is idempotent (run twice, or after a crash half-way, it ends where one clean run
ends) and independent of the others, so steps added by different changes compose: a step
raises `schema_version` with `$max` on the documents it converted, never lowers it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from crawler.storage import url_keys
from crawler.storage.store import sighting_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    name: str
    version: int  # the schema_version documents have once this step converted them
    run: Callable  # (Store) -> dict of counts, for the report
    summary: str


STEPS: list[Step] = []


def step(name: str, version: int, summary: str):
    def register(func: Callable) -> Callable:
        STEPS.append(Step(name, version, func, summary))
        return func
    return register


def migrate(store) -> list[tuple[Step, dict[str, int]]]:
    """Run every registered step, in order; returns what each did."""
    return [(s, s.run(store)) for s in STEPS]


# Documents converted per round: their sightings go in one insert_many.
ROUND = 200


@step("sightings", 2, "sightings move out of articles.seen_on into the sightings collection")
def sightings_out_of_articles(store) -> dict[str, int]:
    """Every `seen_on` element becomes a record in `sightings` (the same _id the write path
    gives it, so nothing is doubled by running again or by a later replay); then the array and
    its mirror `seen_on_pages` are removed and the document's schema_version raised. The
    removal is guarded by the array still being there, so a second runner changes nothing."""
    moved = converted = 0
    while True:
        docs = list(store.articles.find({"seen_on": {"$exists": True}}, {"seen_on": 1})
                    .limit(ROUND))
        if not docs:
            break
        records = {}
        for doc in docs:
            for s in doc.get("seen_on") or []:
                if not isinstance(s, dict) or not s.get("page_url") or s.get("seen_at") is None:
                    continue
                record = sighting_record(doc["_id"], s["page_url"], s["seen_at"],
                                         s.get("role") or "related", int(s.get("position") or 0))
                records.setdefault(record["_id"], record)
        if records:
            try:
                moved += len(store.sightings.insert_many(list(records.values()),
                                                         ordered=False).inserted_ids)
            except BulkWriteError as exc:
                if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                    raise
                moved += exc.details.get("nInserted", 0)
        ops = [UpdateOne({"_id": d["_id"], "seen_on": {"$exists": True}},
                         {"$unset": {"seen_on": "", "seen_on_pages": ""},
                          "$max": {"schema_version": 2}}) for d in docs]
        for start in range(0, len(ops), store.ops_per_command):
            converted += store.articles.bulk_write(ops[start:start + store.ops_per_command],
                                                   ordered=False).modified_count
    raised = store.articles.update_many({"schema_version": {"$lt": 2}},
                                        {"$max": {"schema_version": 2}}).modified_count
    dropped = 0
    if "seen_on_pages" in store.articles.index_information():
        store.articles.drop_index("seen_on_pages")
        dropped = 1
    return {"sightings_moved": moved, "articles_converted": converted,
            "articles_version_raised": raised, "indexes_dropped": dropped}


@step("fold_url_keys", 2, "stories re-keyed under the current URL folding (www. hosts, /amp/ "
      "path prefixes): moved, or merged into the story already under the new key")
def fold_url_keys(store) -> dict[str, int]:
    """crawler.storage.url_keys: after the sightings step, so sightings follow the story."""
    result = url_keys.migrate(store)
    return {"examined": result.examined, "rekeyed": result.moved, "merged": result.merged,
            "pages_rewritten": result.pages_rewritten}
