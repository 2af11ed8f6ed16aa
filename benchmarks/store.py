"""The write path: Store.write_sightings (batched idempotent upserts) against raw pymongo
insert_many of the same documents, into the same server, in the same run.

Starts its own embedded FerretDB in a temporary data directory (or uses BENCH_MONGO_URI), builds
daily8-style sightings (one lead Article + 10 Teasers per page, stories shared between pages as
on a real aggregator), and writes them in STORE_BATCH_SIZE batches:

  project   Store.write_sightings(batch): order-independent upserts ($setOnInsert + $push of the
            sighting + content update), sliced into OPS_PER_COMMAND statements per command
  baseline  collection.insert_many(one document per distinct story in the batch, ordered=False)

Both are reported as stored story documents per second; ratio = project / baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.items import Article, Teaser  # noqa: E402
from crawler.store import Store, content_hash  # noqa: E402
from crawler.urls import canonical_url, fingerprint  # noqa: E402

BASE = "http://agg.example.test/story/"


def sightings(pages: int, teasers: int = 10) -> list[Article | Teaser]:
    """Items as the pipelines hand them to the store (normalised, fingerprinted, hashed)."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    items: list[Article | Teaser] = []
    stories = pages  # every page leads one story; teasers point at other pages' stories
    for p in range(pages):
        page_url = f"{BASE}{p}.html"
        seen = now + timedelta(seconds=p)
        lead = Article(url=page_url, page_url=page_url, seen_at=seen, aggregator="bench",
                       headline=f"Story {p} headline about the harbour plan", source="First Wire",
                       body=("A paragraph of body text about the story. " * 30).strip(),
                       summary="A short summary.", lang="en", published_at=seen,
                       published_raw="2 hours ago", published_precision="hour")
        items.append(lead)
        for t in range(1, teasers + 1):
            other = (p * 7 + t * 131) % stories
            items.append(Teaser(url=f"{BASE}{other}.html", page_url=page_url, seen_at=seen,
                                position=t, aggregator="bench", headline=f"Story {other} headline",
                                source="Harbor Daily", summary="A teaser snippet.",
                                published_at=seen, published_raw="5 hours ago",
                                published_precision="hour"))
    for item in items:
        item.canonical_url = canonical_url(item.url)
        item.fingerprint = fingerprint(item.url)
        item.content_hash = content_hash(item)
    return items


def plain_doc(item: Article | Teaser) -> dict:
    """The document insert_many writes: the same fields the upsert would insert."""
    return {
        "_id": item.fingerprint, "url": item.url, "canonical_url": item.canonical_url,
        "headline": item.headline, "source": item.source, "aggregator": item.aggregator,
        "body": getattr(item, "body", None), "summary": item.summary, "lang": getattr(item, "lang", None),
        "published_at": item.published_at, "published_raw": item.published_raw,
        "published_precision": item.published_precision, "completeness": item.completeness,
        "content_hash": item.content_hash, "first_seen_at": item.seen_at,
        "last_seen_at": item.seen_at, "updated_at": item.seen_at, "cluster_id": item.fingerprint,
        "schema_version": 1,
        "seen_on": [{"page_url": item.page_url, "role": item.role, "position": item.position,
                     "seen_at": item.seen_at}],
        "seen_on_pages": [item.page_url],
    }


def batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run(uri: str, pages: int, batch_size: int) -> dict:
    items = sightings(pages)
    db_name = f"bench_store_{os.getpid()}"
    store = Store(uri, db_name)
    store.ensure_indexes()
    try:
        start = time.perf_counter()
        for batch in batches(items, batch_size):
            store.write_sightings(batch)
        project_s = time.perf_counter() - start
        project_docs = store.articles.count_documents({})

        raw = store.db["raw_insert"]
        raw.create_index("canonical_url", unique=True)
        start = time.perf_counter()
        written: set[str] = set()
        raw_docs = 0
        for batch in batches(items, batch_size):
            docs = {}
            for item in batch:
                if item.fingerprint not in written and item.fingerprint not in docs:
                    docs[item.fingerprint] = plain_doc(item)
            if docs:
                raw.insert_many(list(docs.values()), ordered=False)
                written.update(docs)
                raw_docs += len(docs)
        raw_s = time.perf_counter() - start
    finally:
        store.client.drop_database(db_name)
        store.close()
    return {"items": len(items), "project_docs": project_docs, "project_s": project_s,
            "raw_docs": raw_docs, "raw_s": raw_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="pages of lead + 10 teasers")
    parser.add_argument("--batch", type=int, default=200, help="items per write (STORE_BATCH_SIZE)")
    args = parser.parse_args()
    uri = os.environ.get("BENCH_MONGO_URI")
    tmp = None
    if not uri:
        from crawler import embedded_db

        tmp = tempfile.TemporaryDirectory(prefix="bench-store-")
        uri = embedded_db.up(Path(tmp.name)).uri
    try:
        r = run(uri, args.pages, args.batch)
    finally:
        if tmp is not None:
            from crawler import embedded_db

            embedded_db.down(Path(tmp.name))
            tmp.cleanup()
    ours = r["project_docs"] / r["project_s"]
    theirs = r["raw_docs"] / r["raw_s"]
    print(f"{r['items']} sightings of {r['project_docs']} stories, batches of {args.batch}")
    print(f"Store.write_sightings: {r['project_s']:.2f}s, {ours:.0f} docs/s "
          f"({r['items'] / r['project_s']:.0f} sightings/s)")
    print(f"pymongo insert_many:   {r['raw_s']:.2f}s, {theirs:.0f} docs/s")
    print(f"bench store docs_per_s={ours:.0f} sightings_per_s={r['items'] / r['project_s']:.0f} "
          f"insert_many_docs_per_s={theirs:.0f} ratio={ours / theirs:.2f}")


if __name__ == "__main__":
    main()
