"""MongoDB: the only module that talks to the database.

A sighting (a story seen on one fetch of one page, in one role and place) is its own record in
`sightings`, inserted once: its `_id` is derived from (story, page URL, fetch time, role,
position), so a replayed batch inserts nothing twice, and a story's document never grows with
its popularity. Story documents are keyed by the canonical-URL fingerprint (`_id`) and written
by self-sufficient operations, which give the same result in any order, and whose re-run (a
replay after a crash) changes nothing:

  A  upsert on _id: $setOnInsert every known field and updated_at; $min first_seen_at;
     $max last_seen_at.
  B  (full pages only) on _id with a different content_hash: $set the non-empty fields,
     completeness "full", content_hash, updated_at. A known field is never overwritten by an
     empty one, and a teaser never overwrites a full page.

They are not sent as they are: the batch's stories are evaluated on their known state
(crawler.storage.write_plan): one insert_many document per new story; for a known story, an
update guarded by the values it was planned from only when a stored field changes, and a touch
of last_seen_at only when it moves by at least the seen resolution (STORE_SEEN_RESOLUTION; 0
touches every batch). Touches with the same time share one update_many, and a batch's touches go
out in as few commands as the per-command limit allows. A guard another writer broke sends that
story's operations themselves.

Why a resolution: a MongoDB-wire server rewrites a whole document per update (FerretDB: about
ten times the cost of inserting one), and a story re-seen on every page of a crawl would cost a
rewrite per batch. The exact times are in `sightings`; last_seen_at lags the latest of them by
less than the resolution.

Known state comes from a bounded in-process cache (StateCache) of the stories this writer wrote
recently, else from one read per batch. The cache is only a hint, right with several writers:
the fields the plan skips a write on move one way only (summary rank, seen times, modified
time, a joined cluster), so a stale entry makes the plan send what is already stored
(harmless) or fail a guard (the story's operations are sent instead). The one judgement a
stale entry can change is B's "same content as stored" when two writers store different
versions of one page at the same moment, which the operations leave to the order of arrival
anyway. Page snapshots and sightings are inserted, never updated, so two writers cannot lose
each other's.

crawler.dedup.merge adds the summary-rank, modified-time, near-duplicate cluster and alias rules
(docs/schema.md, "Merge rules"); documents stored under an alias URL are folded into the story,
their sightings found by id when this writer inserted them (crawler.storage.own_sightings).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, MongoClient, UpdateMany, UpdateOne
from pymongo.errors import AutoReconnect, BulkWriteError, OperationFailure, PyMongoError

from crawler import config
from crawler.dedup import merge
from crawler.items import SCHEMA_VERSION, Article, PageSnapshot, Teaser
from crawler.redact import mask_uri
from crawler.storage import sanitize, write_plan
from crawler.storage.embedded_db import resolve_uri
from crawler.storage.own_sightings import OwnSightings
from crawler.storage.write_plan import Op

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

SERVER_TIMEOUT_MS = 5000
# Update statements per bulk command. Upstream FerretDB 1.24 on SQLite stops answering an update
# command of about a hundred statements (the embedded build's patch fixes that, a server a user
# brings may not have it), so batches are sent in slices of this size.
OPS_PER_COMMAND = 50
# Documents per insert_many, and _ids per `$in` read (the patched FerretDB pre-selects up to 1,000
# _ids through its index, scripts/patch_ferretdb.py).
INSERTS_PER_COMMAND = 500
READS_PER_QUERY = 1000
# Fields left out when the write path reads a batch's stories. No operation's filter reads them
# and they are only ever $set whole (body, minhash) or are what the migration moves out
# (seen_on), so the planner needs their new values, never the stored ones; they are most of a
# document's size, and decoding them in the writer thread competed with the crawl.
STATE_PROJECTION = {"body": 0, "seen_on": 0, "seen_on_pages": 0, "minhash": 0}
# What the state cache keeps of a story: every field a teaser-only batch's operations read or
# may write (merge.extra_ops' summary rule, A's seen times) and the guarded fields.
CACHED_FIELDS = ("summary_rank", "last_seen_at", "first_seen_at", "updated_at", *write_plan.GUARDED)
# Seconds last_seen_at may lag the latest sighting (STORE_SEEN_RESOLUTION).
DEFAULT_SEEN_RESOLUTION = 300.0
DEFAULT_STATE_CACHE = 5000  # crawler.settings.STORE_STATE_CACHE: full early, then flat
DEFAULT_STATE_TTL = 600.0

# Story fields copied from items into documents.
STORY_FIELDS = (
    "url",
    "canonical_url",
    "headline",
    "source",
    "aggregator",
    "authors",
    "body",
    "summary",
    "image",
    "lang",
    "published_at",
    "published_raw",
    "published_precision",
)

ARTICLE_INDEXES = [
    IndexModel([("canonical_url", ASCENDING)], name="canonical_url_unique", unique=True),
    IndexModel([("published_at", DESCENDING)], name="published_at_desc"),
    # (updated_at, _id): the incremental read's filter and its tie-broken order in one index, so
    # a consumer resuming from a (time, id) token never waits for an in-memory sort.
    IndexModel([("updated_at", ASCENDING), ("_id", ASCENDING)], name="updated_at_id"),
    IndexModel([("source", ASCENDING), ("published_at", DESCENDING)], name="source_published"),
    IndexModel([("cluster_id", ASCENDING)], name="cluster"),
]
SIGHTING_INDEXES = [
    IndexModel([("story_id", ASCENDING), ("seen_at", DESCENDING)], name="story_seen"),
]
PAGE_INDEXES = [
    IndexModel([("url", ASCENDING), ("fetched_at", DESCENDING)], name="url_fetched"),
    IndexModel([("run_id", ASCENDING)], name="run"),
]
RUN_INDEXES = [IndexModel([("started_at", DESCENDING)], name="started_desc")]
# Indexes an index above replaces (its key is a prefix of the new one's): dropped once the
# replacement exists, so every write stops maintaining both.
SUPERSEDED_INDEXES = {"articles": {"updated_at": "updated_at_id"}}


# HTTP answers that mean a story's page was withdrawn (recorded on the story as gone_at).
GONE_STATUSES = (404, 410)


class StoreUnavailable(RuntimeError):
    """The database cannot be reached; the message names the (masked) URI."""


@dataclass
class WriteCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def __iadd__(self, other: WriteCounts) -> WriteCounts:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        return self


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def content_hash(item: Article | Teaser) -> str:
    """What a sighting says about its story, hashed; times are left out because relative
    times ("8 hours ago") resolve to a slightly different instant on every fetch."""
    parts = [item.headline or "", getattr(item, "body", None) or item.summary or "", item.source or ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _known_fields(item: Article | Teaser) -> dict[str, Any]:
    # Values come from pages: sanitised so no key in them is an operator or a dotted path.
    fields: dict[str, Any] = {}
    for name in STORY_FIELDS:
        value = getattr(item, name, None)
        if not _empty(value):
            fields[name] = sanitize.clean(value)
    return fields


def page_id(page: PageSnapshot) -> str:
    """A page snapshot's _id: one fetch of one URL in one run. Deterministic, so a batch
    replayed from the spill after an outage or a crash never stores the snapshot twice."""
    fetched = page.fetched_at.isoformat() if page.fetched_at else ""
    key = "\x1f".join((page.run_id or "", page.url, fetched))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def _utc_ms(value: datetime | str) -> datetime:
    """A time as the server keeps it: UTC, milliseconds."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


@functools.lru_cache(maxsize=4096)
def _seen_key(seen_at: datetime | str) -> tuple[datetime, str]:
    """A sighting time as stored and as it enters the record's _id; a page's sightings share
    one, so it is worked out once per page."""
    seen = _utc_ms(seen_at)
    return seen, seen.isoformat()


def sighting_record(story_id: str, page_url: str, seen_at: datetime | str, role: str,
                    position: int) -> dict[str, Any]:
    """A sighting's record. Its _id is a function of what it records, so the same sighting
    written twice (a replayed batch, two replayers, a migration run again) is one record."""
    seen, seen_text = _seen_key(seen_at)
    key = "\x1f".join((story_id or "", page_url or "", seen_text, role, str(position)))
    return {"_id": hashlib.sha1(key.encode("utf-8")).hexdigest(), "story_id": story_id,
            "page_url": page_url, "role": role, "position": position, "seen_at": seen}


def sighting_doc(item: Article | Teaser) -> dict[str, Any]:
    return sighting_record(item.fingerprint, item.page_url, item.seen_at, item.role, item.position)


def story_ops(items: list[Article | Teaser], state: dict | None = None) -> list[Op]:
    """The operations, as (filter, update, upsert) in the order they apply, for sightings of ONE
    story: A, the merge rules, then B.

    The document is inserted from the fullest sighting (a full page beats a teaser, else the
    first seen). Given the story's known `state` (a stored document or the cache's hint of
    one), what cannot change it is left out: A's $setOnInsert, and the summary rule when the
    state's rank beats every snippet (ranks only rise, so a stale hint is right about that
    too). Building and evaluating those was most of the planner's work for the stories a page
    re-sights. Only the planner may use that form; the operations sent as they are always come
    from the full form."""
    primary = next((i for i in items if i.completeness == "full"), items[0])
    _id = primary.fingerprint
    full = primary.completeness == "full"
    stored = state is not None
    known = _known_fields(primary) if full or not stored else {}
    first: dict[str, Any] = {}
    if not stored:
        first["$setOnInsert"] = {
            **known,
            **merge.insert_fields(primary),
            "completeness": primary.completeness,
            "content_hash": primary.content_hash,
            "updated_at": primary.seen_at,
            "cluster_id": getattr(primary, "cluster_id", None) or _id,
            "schema_version": SCHEMA_VERSION,
        }
    first["$max"] = {"last_seen_at": max(i.seen_at for i in items)}
    # $min, not $setOnInsert: a sighting replayed late still widens it.
    first["$min"] = {"first_seen_at": min(i.seen_at for i in items)}
    ops: list[Op] = [({"_id": _id}, first, True)]
    ops.extend(merge.extra_ops(_id, items, state.get("summary_rank") if stored else None))
    if full:
        ops.append((
            {"_id": _id, **merge.content_filter(primary)},
            {"$set": {**known, **merge.content_fields(primary), "completeness": "full",
                      "content_hash": primary.content_hash, "updated_at": primary.seen_at}},
            False,
        ))
    return ops


class StateCache:
    """The last known state of recently written stories (CACHED_FIELDS only), least recently
    used dropped first, each entry trusted for `ttl` seconds. A hint for the planner, never the
    truth (see the module docstring); the time limit bounds how long a story deleted behind
    the writer's back (a retention job) stays believed to exist."""

    def __init__(self, size: int = DEFAULT_STATE_CACHE, ttl: float = DEFAULT_STATE_TTL):
        self.size = max(0, size)
        self.ttl = ttl
        self._states: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, story_id: str) -> dict | None:
        with self._lock:
            entry = self._states.get(story_id)
            if entry is None or time.monotonic() - entry[0] > self.ttl:
                self.misses += 1
                return None
            self.hits += 1
            return entry[1]

    def put(self, story_id: str, doc: dict) -> None:
        if not self.size:
            return
        state = {"_id": story_id, **{k: doc[k] for k in CACHED_FIELDS if k in doc}}
        with self._lock:
            self._states[story_id] = (time.monotonic(), state)
            self._states.move_to_end(story_id)
            while len(self._states) > self.size:
                self._states.popitem(last=False)

    def drop(self, story_id: str) -> None:
        with self._lock:
            self._states.pop(story_id, None)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

    def __len__(self) -> int:
        return len(self._states)


def _is_content_op(update: dict[str, Any]) -> bool:
    """B, the content update: sent after the others, as it always was."""
    return "content_hash" in update.get("$set", {})


class Store:
    """Connection, schema and reads/writes for the crawler's database."""

    def __init__(
        self,
        uri: str | None = None,
        db_name: str | None = None,
        start: bool = True,
        ops_per_command: int | None = None,
    ):
        if uri is None:
            uri = resolve_uri(start=start)
        self.uri = uri
        self.masked_uri = mask_uri(uri)
        self.client: MongoClient = MongoClient(
            uri,
            tz_aware=True,
            serverSelectionTimeoutMS=SERVER_TIMEOUT_MS,
            connectTimeoutMS=SERVER_TIMEOUT_MS,
            appname="news-crawler",
        )
        self.db = self.client[db_name or config.mongo_db_name()]
        self.articles = self.db["articles"]
        self.sightings = self.db["sightings"]
        self.pages = self.db["pages"]
        self.runs = self.db["runs"]
        self.cache = StateCache(int(config.env("CRAWLER_STORE_STATE_CACHE") or DEFAULT_STATE_CACHE))
        self.seen_resolution = timedelta(seconds=float(
            config.env("CRAWLER_STORE_SEEN_RESOLUTION") or DEFAULT_SEEN_RESOLUTION))
        # Write commands sent by the write path (insert_many, update, read of states): the
        # figure behind "statements per page".
        self.statements = 0
        # Held around writes when several processes write the same stories (distributed mode
        # on FerretDB, see crawler.distributed.write_lock).
        self.write_lock: contextlib.AbstractContextManager | None = None
        # Other processes write the same stories (distributed mode): a story this writer
        # inserted may have sightings written elsewhere, so folds search by story_id.
        self.shared_writers = False
        self.own_sightings = OwnSightings()
        # Alias documents folded, and those whose sightings had to be searched for.
        self.folds = 0
        self.folds_searched = 0
        self.ops_per_command = ops_per_command or int(
            config.env("CRAWLER_STORE_OPS_PER_COMMAND") or OPS_PER_COMMAND
        )

    # -- lifecycle -------------------------------------------------------------------------
    def ping(self) -> None:
        try:
            self.client.admin.command("ping")
        except PyMongoError as exc:
            raise StoreUnavailable(
                f"database unreachable at {self.masked_uri}: {_short(exc)}. "
                "Check MONGO_URI, or unset it to use the embedded database (`crawler db up`)."
            ) from None

    def ensure_indexes(self) -> None:
        """Create the indexes consumers rely on; safe to call on every start, and from several
        processes starting at once.

        Only missing indexes are sent: FerretDB 1.24 drops the connection when createIndexes
        names indexes that already exist, where MongoDB would answer "nothing to do". A
        creator that lost the race to another (an error, or a dropped connection) looks again
        and is done when the indexes are there."""
        for collection, models in (
            (self.articles, ARTICLE_INDEXES),
            (self.sightings, SIGHTING_INDEXES),
            (self.pages, PAGE_INDEXES),
            (self.runs, RUN_INDEXES),
        ):
            for attempt in range(5):
                existing = set(collection.index_information())
                missing = [m for m in models if m.document["name"] not in existing]
                if not missing:
                    break
                try:
                    collection.create_indexes(missing)
                    break
                except (OperationFailure, AutoReconnect) as exc:
                    if attempt == 4:
                        raise
                    log.debug("index creation on %s raced another creator (%s); looking again",
                              collection.name, type(exc).__name__)
                    time.sleep(0.2 * (attempt + 1))
            self._drop_superseded(collection)

    def _drop_superseded(self, collection) -> None:
        existing = set(collection.index_information())
        for old, new in SUPERSEDED_INDEXES.get(collection.name, {}).items():
            if old in existing and new in existing:
                try:
                    collection.drop_index(old)
                except (OperationFailure, AutoReconnect):  # another process dropped it first
                    log.debug("index %s on %s already dropped", old, collection.name)

    def close(self) -> None:
        self.client.close()

    # -- writes ----------------------------------------------------------------------------
    def write_sightings(self, items: list[Article | Teaser]) -> WriteCounts:
        """Upsert a batch of sightings; counts say how many stories were new, updated or
        unchanged. Raises PyMongoError when the server is away (the caller spills)."""
        if not items:
            return WriteCounts()
        with self.write_lock or contextlib.nullcontext():
            return self._write_sightings(items)

    def _write_sightings(self, items: list[Article | Teaser]) -> WriteCounts:
        """Sightings (insert_many, duplicates ignored), then per story what the plan says
        (crawler.storage.write_plan): new stories in one insert_many, touches grouped into
        update_many, guarded updates only for changed stories; stories another writer changed
        in between go through the order-independent operations instead."""
        counts = WriteCounts()
        by_story: dict[str, list[Article | Teaser]] = {}
        for item in items:
            by_story.setdefault(item.fingerprint, []).append(item)
        sighting_ids = self._insert_sightings(items)
        states = self._known_states(by_story)
        plans: list[write_plan.StoryPlan] = []
        retry: list[str] = []
        for story_id, group in by_story.items():
            state = states.get(story_id)
            try:
                plans.append(write_plan.plan_story(story_id, state, story_ops(group, state),
                                                   self.seen_resolution))
            except write_plan.UnsupportedOperation as exc:  # a stored shape the planner does not know
                log.warning("story %s written operation by operation: %s", story_id, exc)
                retry.append(story_id)
        inserts = [p for p in plans if p.insert is not None]
        for start in range(0, len(inserts), INSERTS_PER_COMMAND):
            chunk = inserts[start:start + INSERTS_PER_COMMAND]
            inserted, lost = self._insert_new([p.insert for p in chunk])
            counts.new += inserted
            retry.extend(lost)
            taken = set(lost)
            for plan in chunk:
                if plan.story_id not in taken:
                    self.own_sightings.created(plan.story_id, sighting_ids.pop(plan.story_id, []))
        for story_id, ids in sighting_ids.items():
            self.own_sightings.seen(story_id, ids)
        for item in items:
            if item.completeness == "full":
                self.own_sightings.drop(item.fingerprint)
        # A story gone since it was known (an alias folded away): the operations upsert it.
        retry.extend(self._touch([p for p in plans if p.touch]))
        updates = [p for p in plans if p.filter is not None]
        for start in range(0, len(updates), self.ops_per_command):
            chunk = updates[start:start + self.ops_per_command]
            self.statements += 1
            result = self.articles.bulk_write(
                [UpdateOne(p.filter, p.update) for p in chunk], ordered=False)
            if result.matched_count == len(chunk):
                counts.updated += sum(p.content_changed for p in chunk)
            else:  # a guard failed: which one is not reported, so redo the slice exactly
                retry.extend(p.story_id for p in chunk)
        uncertain = set(retry)
        for plan in plans:
            if plan.story_id in uncertain:
                self.cache.drop(plan.story_id)
            elif plan.result is not None:
                self.cache.put(plan.story_id, plan.result)
        if retry:
            counts += self._apply_ops([story_ops(by_story[story_id])
                                       for story_id in dict.fromkeys(retry)])
        counts.unchanged = len(by_story) - counts.new - counts.updated
        self.fold_aliases(merge.alias_ids(items))
        return counts

    def _insert_sightings(self, items: list[Article | Teaser]) -> dict[str, list[str]]:
        """insert_many of the batch's sightings; those already stored (a replay) are skipped.
        Returns the ids of the batch's sightings, by story."""
        docs: dict[str, dict] = {}
        by_story: dict[str, list[str]] = {}
        for item in items:
            doc = sighting_doc(item)
            if doc["_id"] not in docs:
                docs[doc["_id"]] = doc
                by_story.setdefault(doc["story_id"], []).append(doc["_id"])
        ordered = list(docs.values())
        for start in range(0, len(ordered), INSERTS_PER_COMMAND):
            chunk = ordered[start:start + INSERTS_PER_COMMAND]
            self.statements += 1
            try:
                self.sightings.insert_many(chunk, ordered=False)
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
                if any(e.get("code") != 11000 for e in errors):
                    raise
        return by_story

    def _known_states(self, by_story: dict[str, list[Article | Teaser]]) -> dict[str, dict]:
        """Each story's state: from the cache when it has it, else read (one query)."""
        states: dict[str, dict] = {}
        unknown: list[str] = []
        for story_id in by_story:
            hint = self.cache.get(story_id)
            if hint is None:
                unknown.append(story_id)
            else:
                states[story_id] = hint
        if unknown:
            states.update(self._states(unknown))
        return states

    def _touch(self, plans: list[write_plan.StoryPlan]) -> list[str]:
        """Send the touches: stories with the same touch share one update_many, and the
        update_manys and single updates go out together, as few commands as the per-command
        limit allows (a command costs the server far more than one more document in it);
        returns the stories found missing (deleted since their state was known)."""
        groups: dict[tuple, tuple[dict, list[str]]] = {}
        for plan in plans:
            key = tuple((op, tuple(sorted(f.items()))) for op, f in sorted(plan.touch.items()))
            groups.setdefault(key, (plan.touch, []))[1].append(plan.story_id)
        missing: set[str] = set()
        size = max(1, self.ops_per_command)
        requests: list[UpdateOne | UpdateMany] = []
        ids: list[str] = []

        def send() -> None:
            self.statements += 1
            result = self.articles.bulk_write(requests, ordered=False)
            if result.matched_count < len(ids):
                found = {d["_id"] for d in self.articles.find({"_id": {"$in": ids}}, {"_id": 1})}
                missing.update(set(ids) - found)
            requests.clear()
            ids.clear()

        for update, group in groups.values():
            for start in range(0, len(group), size):
                chunk = group[start:start + size]
                if len(ids) + len(chunk) > size:
                    send()
                requests.append(UpdateOne({"_id": chunk[0]}, update) if len(chunk) == 1
                                else UpdateMany({"_id": {"$in": chunk}}, update))
                ids.extend(chunk)
        if requests:
            send()
        return sorted(missing)

    def _states(self, ids: list[str]) -> dict[str, dict]:
        """The stored documents of these stories, by _id (one query per thousand), without the
        fields the planner never needs to read (STATE_PROJECTION)."""
        states: dict[str, dict] = {}
        for start in range(0, len(ids), READS_PER_QUERY):
            self.statements += 1
            for doc in self.articles.find({"_id": {"$in": ids[start:start + READS_PER_QUERY]}},
                                          STATE_PROJECTION):
                states[doc["_id"]] = doc
        return states

    def _insert_new(self, docs: list[dict]) -> tuple[int, list[str]]:
        """insert_many of new stories: (inserted, ids another writer inserted first)."""
        self.statements += 1
        try:
            return len(self.articles.insert_many(docs, ordered=False).inserted_ids), []
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            return exc.details.get("nInserted", 0), [docs[e["index"]]["_id"] for e in errors]

    def _apply_ops(self, stories: list[list[Op]]) -> WriteCounts:
        """The operations themselves, correct in any order and when repeated: the path for
        stories whose plan was overtaken by another writer."""
        counts = WriteCounts()
        ops = [op for story in stories for op in story]
        first = [UpdateOne(f, u, upsert=up) for f, u, up in ops if not _is_content_op(u)]
        content = [UpdateOne(f, u) for f, u, _ in ops if _is_content_op(u)]
        for chunk in self._chunks(first):
            counts.new += self._bulk(chunk, retry_duplicates=True)
        for chunk in self._chunks(content):
            self.statements += 1
            counts.updated += self.articles.bulk_write(chunk, ordered=False).matched_count
        return counts

    def _chunks(self, ops: list[UpdateOne]):
        size = max(1, self.ops_per_command)
        for start in range(0, len(ops), size):
            yield ops[start : start + size]

    def _bulk(self, ops: list[UpdateOne], retry_duplicates: bool) -> int:
        self.statements += 1
        try:
            return self.articles.bulk_write(ops, ordered=False).upserted_count
        except BulkWriteError as exc:
            # Two writers may upsert the same new story at once; the loser's upsert fails with
            # a duplicate key and is simply retried (it now matches and updates).
            errors = exc.details.get("writeErrors", [])
            dupes = [e["index"] for e in errors if e.get("code") == 11000]
            others = [e for e in errors if e.get("code") != 11000]
            if others or not retry_duplicates:
                raise
            upserted = exc.details.get("nUpserted", 0)
            return upserted + self._bulk([ops[i] for i in dupes], retry_duplicates=False)

    def insert_pages(self, pages: list[PageSnapshot]) -> None:
        if not pages:
            return
        docs = []
        for page in pages:
            docs.append(
                {
                    "_id": page_id(page),
                    "url": page.url,
                    "fetched_at": page.fetched_at,
                    "status": page.status,
                    "aggregator": page.aggregator,
                    "lead": page.lead,
                    "related": page.related,
                    "problems": sanitize.clean(page.problems),
                    "depth": page.depth,
                    "run_id": page.run_id,
                    "schema_version": SCHEMA_VERSION,
                }
            )
        try:
            self.pages.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            # A replayed batch: snapshots already stored keep their one copy.
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
        self._record_withdrawals(pages)

    def _record_withdrawals(self, pages: list[PageSnapshot]) -> None:
        """A story whose own page answered 404/410 is marked withdrawn (gone_at, gone_status;
        updated_at moves so incremental readers learn it); one that answers again with its
        story loses the mark. Only stored stories are touched (no upsert), and a story already
        gone keeps its first gone_at, so a replay changes nothing. Two statements per batch
        at most, and none for a batch without such pages."""
        now = datetime.now(UTC)
        for page in pages:
            if page.status in GONE_STATUSES and page.lead:
                self.articles.update_one(
                    {"_id": page.lead, "gone_at": {"$exists": False}},
                    {"$set": {"gone_at": page.fetched_at, "gone_status": page.status,
                              "updated_at": now}})
        back = sorted({p.lead for p in pages if p.status == 200 and p.lead})
        if back:
            self.articles.update_many(
                {"_id": {"$in": back}, "gone_at": {"$exists": True}},
                {"$unset": {"gone_at": "", "gone_status": ""}, "$set": {"updated_at": now}})

    def start_run(self, spider: str, args: dict[str, Any], started_at: datetime | None = None,
                  run_id: str | None = None, **extra: Any) -> str:
        """Insert the run's document as "running"; run_id may be chosen by the caller (the
        scheduler passes one so it can find the run again if the crawl dies)."""
        run_id = run_id or uuid.uuid4().hex
        self.runs.insert_one(
            {
                "_id": run_id,
                "spider": spider,
                "args": {str(k): str(v) for k, v in args.items()},
                "started_at": started_at or datetime.now(UTC),
                "finished_at": None,
                "status": "running",
                "schema_version": SCHEMA_VERSION,
                **extra,
            }
        )
        return run_id

    def finish_run(self, run_id: str, **fields: Any) -> None:
        self.runs.update_one({"_id": run_id}, {"$set": fields})

    def get_run(self, run_id: str) -> dict | None:
        return self.runs.find_one({"_id": run_id})

    def mark_run_failed(self, run_id: str, error: str, insert: dict[str, Any]) -> None:
        """Record a run that died without completing its document: an unfinished document
        becomes failed with the error; a missing one is inserted from `insert`. A run that
        completed its own document is left as it recorded itself."""
        now = datetime.now(UTC)
        self.runs.update_one(
            {"_id": run_id, "finished_at": None},
            {"$set": {"status": "failed", "finished_at": now, "error": error,
                      "finish_reason": "crashed"}},
        )
        if self.runs.find_one({"_id": run_id}, {"_id": 1}) is None:
            doc = {"started_at": now, "args": {}, "counts": {}, "errors": {}, **insert,
                   "_id": run_id, "status": "failed", "finished_at": now, "error": error,
                   "finish_reason": "crashed", "schema_version": SCHEMA_VERSION}
            self.runs.insert_one(doc)

    def articles_updated(self, since: datetime, until: datetime | None = None,
                         source: str | None = None, batch_size: int = 500):
        """Articles with since <= updated_at < until, oldest change first, as a cursor (never
        loaded whole): the incremental read consumers use, served by the updated_at index."""
        query: dict[str, Any] = {"updated_at": {"$gte": since}}
        if until is not None:
            query["updated_at"]["$lt"] = until
        if source is not None:
            query["source"] = source
        return (self.articles.find(query)
                .sort([("updated_at", ASCENDING), ("_id", ASCENDING)])
                .batch_size(batch_size))

    # -- deduplication and incremental crawling ----------------------------------------------
    def fold_aliases(self, alias_ids: dict[str, list[str]]) -> int:
        """Fold documents stored under an alias URL (a teaser seen before the page revealed the
        alias) into their story: its sightings re-pointed at the story, first/last seen widened,
        the count carried over, the alias deleted. Idempotent: a folded alias no longer exists,
        so a replay finds nothing to do.

        The sightings are found by their ids when this writer inserted the alias and is the
        only writer (crawler.storage.own_sightings), else by a read by `story_id`, the one form a
        server without secondary indexes answers by a search of every sighting; either way
        they are re-pointed by `_id`, in slices."""
        folded = 0
        for story_id, ids in alias_ids.items():
            for doc in self.articles.find({"_id": {"$in": ids}}, STATE_PROJECTION):
                alias = doc["_id"]
                known = None if self.shared_writers else self.own_sightings.take(alias)
                if known is None:
                    self.folds_searched += 1
                    known = [s["_id"] for s in self.sightings.find({"story_id": alias}, {"_id": 1})]
                # In slices of the per-command limit, as every update the store sends.
                for start in range(0, len(known), self.ops_per_command):
                    self.sightings.update_many(
                        {"_id": {"$in": known[start:start + self.ops_per_command]},
                         "story_id": alias},
                        {"$set": {"story_id": story_id}})
                self.own_sightings.seen(story_id, known)
                self.articles.update_one({"_id": story_id},
                                         {"$min": {"first_seen_at": doc["first_seen_at"]},
                                          "$max": {"last_seen_at": doc["last_seen_at"]}})
                self.articles.delete_one({"_id": alias})
                self.cache.drop(alias)
                self.cache.drop(story_id)
                folded += 1
        self.folds += folded
        return folded

    def sighting_counts(self, story_ids: list[str]) -> dict[str, int]:
        """How many sightings each of these stories has (stories with none are absent)."""
        counts: dict[str, int] = {}
        for start in range(0, len(story_ids), READS_PER_QUERY):
            for row in self.sightings.aggregate([
                {"$match": {"story_id": {"$in": story_ids[start:start + READS_PER_QUERY]}}},
                {"$group": {"_id": "$story_id", "n": {"$sum": 1}}},
            ]):
                counts[row["_id"]] = row["n"]
        return counts

    def story_sightings(self, story_id: str, limit: int = 0):
        """A story's sightings, newest first (served by the story_seen index)."""
        return self.sightings.find({"story_id": story_id}).sort("seen_at", DESCENDING).limit(limit)

    def dedup_snapshot(self, limit: int) -> list[dict]:
        """The most recently updated stories' dedup keys (id, canonical_url, text_hash, minhash,
        cluster_id, aliases), newest first, to rebuild the in-memory indexes at a run's start.

        A server that serves only `_id` from an index (FerretDB) answers the sorted query by
        loading every full story, bodies included, and sorting them in memory: its memory grew
        with the database at every run's start. There the newest ids are picked from a stream
        of (updated_at, _id) pairs, then their keys read by `_id`."""
        fields = {"canonical_url": 1, "text_hash": 1, "minhash": 1, "cluster_id": 1, "aliases": 1}
        limit = max(0, limit)
        if not limit:
            return []
        if not self.serves_only_id():
            return list(self.articles.find({"completeness": "full"}, fields).sort(
                "updated_at", DESCENDING).limit(limit).batch_size(1000))
        pairs = ((d.get("updated_at") or _EPOCH, d["_id"]) for d in self.articles.find(
            {"completeness": "full"}, {"updated_at": 1}).batch_size(5000))
        newest = [story_id for _, story_id in heapq.nlargest(limit, pairs)]
        docs: dict[str, dict] = {}
        for start in range(0, len(newest), READS_PER_QUERY):
            for doc in self.articles.find({"_id": {"$in": newest[start:start + READS_PER_QUERY]}},
                                          fields):
                docs[doc["_id"]] = doc
        return [docs[story_id] for story_id in newest if story_id in docs]

    @functools.cached_property
    def _build_info(self) -> dict:
        return self.client.admin.command("buildInfo")

    def serves_only_id(self) -> bool:
        """True on FerretDB, whose SQLite backend uses no index but `_id`'s (docs/consumers.md)."""
        return "ferretdbVersion" in self._build_info

    def fetch_state(self, key: str) -> dict | None:
        """The incremental-crawl state of one URL (key = its fingerprint), or None."""
        return self.db["fetch_state"].find_one({"_id": key})

    def fetch_states(self, keys: list[str]) -> dict[str, dict]:
        """The incremental-crawl states of many URLs at once, by key (one query per thousand);
        URLs never fetched are absent."""
        out: dict[str, dict] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), READS_PER_QUERY):
            for doc in self.db["fetch_state"].find({"_id": {"$in": keys[start:start + READS_PER_QUERY]}}):
                out[doc["_id"]] = doc
        return out

    def save_fetch_state(self, states: dict[str, dict[str, Any]]) -> None:
        ops = [UpdateOne({"_id": key}, {"$set": fields}, upsert=True) for key, fields in states.items()]
        for chunk in self._chunks(ops):
            self.db["fetch_state"].bulk_write(chunk, ordered=False)

    def touch_seen(self, seen: dict[str, datetime]) -> None:
        """A 304 answer: the story was seen again, nothing else changes."""
        ops = [UpdateOne({"_id": key}, {"$max": {"last_seen_at": at}}) for key, at in seen.items()]
        for chunk in self._chunks(ops):
            self.articles.bulk_write(chunk, ordered=False)

    # -- reads for consumers and commands ---------------------------------------------------
    def article(self, fingerprint: str) -> dict | None:
        return self.articles.find_one({"_id": fingerprint})

    def count_articles(self, query: dict | None = None) -> int:
        return self.articles.count_documents(query or {})

    def recent_runs(self, limit: int = 20, query: dict | None = None) -> list[dict]:
        return list(self.runs.find(query or {}).sort("started_at", DESCENDING).limit(limit))


def _short(exc: Exception) -> str:
    text = str(exc).split(", Timeout:")[0].split(", topology_description")[0]
    text = text.split(" (configured timeouts")[0]
    return mask_uri(text)[:300]
