"""The write path: Store.write_sightings against raw pymongo insert_many of as many documents,
into the same server, in the same run.

Starts its own embedded FerretDB in a temporary data directory (or uses BENCH_MONGO_URI) and
writes two workloads in STORE_BATCH_SIZE batches, each as the pipelines hand them to the store:

  new     one sighting per story, every story new (a first crawl of lead-only pages): our path
          reads the batch's stories, finds none, and inserts whole documents
  mixed   daily8-style pages, one lead Article + 10 Teasers each, teasers pointing at other
          pages' stories: 10 of every 11 sightings are re-sightings of a stored story (a
          sighting record inserted; last_seen_at advanced at the default seen resolution,
          STORE_SEEN_RESOLUTION; the summary rules). Pages are one second apart.
  exact   the mixed workload with a seen resolution of 0: last_seen_at advanced for every
          re-seen story in every batch (one document rewrite per story per batch)

  merged  the mixed workload in batches of STORE_MAX_BATCH (2,000): what the store pipeline
          sends when the database is behind and the batches sealed meanwhile merge into the one
          waiting, so a story re-seen on several of those pages costs one statement

  baseline  collection.insert_many of the same number of plain documents (one per sighting),
            ordered=False, in the same batches, into a scratch collection of the same server

  fold    a page whose URL reveals that a teaser document stored earlier in the run is an alias
          of it (the same text at another URL of the site): the page's write folds the alias,
          re-pointing its sightings, with --fold-sightings sightings already stored. fold_ms is
          that write when this writer inserted the alias (sightings re-pointed by _id);
          fold_search_ms the same with other writers (shared_writers: found by story_id, which
          FerretDB answers by reading every stored sighting). Not part of the ratio.

Rates are documents handed to the write path per second; ratio = mixed / its baseline (the
realistic workload at the default batch size: the figure the issue's bar is judged on),
new_ratio = new / its baseline, merged_ratio = merged / its baseline, exact_ratio = exact / its
baseline. Each workload and its baseline are timed in alternating slices, one batch of each at a
time (which side goes first alternates too), so a change in machine load hits both alike. statements_per_page = database commands the write path sent for the mixed
workload (inserts, reads, updates) over its pages.
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
from crawler.storage.store import StateCache, Store, content_hash  # noqa: E402
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


def plain_doc(item: Article | Teaser, _id: str) -> dict:
    """What insert_many writes for one sighting: the fields the store would insert."""
    return {
        "_id": _id, "url": item.url, "canonical_url": f"{item.canonical_url}#{_id}",
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


def _alternating(store: Store, items: list, batch_size: int, raw_name: str) -> tuple[float, float]:
    """Seconds spent by our write path and by insert_many on the same items, batch by batch.

    Timing one side after the other let a change in machine load between the two move the ratio
    (the machine is shared); alternating the two a batch at a time, and which goes first, puts
    both under the same load and the same database size at every step.
    """
    raw = store.db[raw_name]
    raw.drop()
    raw.create_index("canonical_url", unique=True)
    docs = [plain_doc(item, f"{n}") for n, item in enumerate(items)]

    def ours(start: int) -> None:
        store.write_sightings(items[start:start + batch_size])

    def baseline(start: int) -> None:
        raw.insert_many(docs[start:start + batch_size], ordered=False)

    spent = {ours: 0.0, baseline: 0.0}
    for k, start in enumerate(range(0, len(items), batch_size)):
        for side in (ours, baseline) if k % 2 == 0 else (baseline, ours):
            begun = time.perf_counter()
            side(start)
            spent[side] += time.perf_counter() - begun
    raw.drop()
    return spent[ours], spent[baseline]


def _reset(store: Store) -> None:
    """An empty database and a cold process, as a fresh crawler would find them."""
    store.articles.drop()
    store.sightings.drop()
    store.ensure_indexes()
    store.cache = StateCache(store.cache.size)
    store.statements = 0


def run(uri: str, pages: int, batch_size: int, merged_size: int, fold_sightings: int,
        folds: int) -> dict:
    mixed = sightings(pages)
    new = sightings(len(mixed), teasers=0)
    db_name = f"bench_store_{os.getpid()}"
    store = Store(uri, db_name)
    store.ensure_indexes()
    try:
        new_s, new_raw_s = _alternating(store, new, batch_size, "raw_new")
        _reset(store)
        mixed_s, mixed_raw_s = _alternating(store, mixed, batch_size, "raw_mixed")
        stories = store.articles.count_documents({})
        statements = store.statements
        _reset(store)
        merged_s, merged_raw_s = _alternating(store, mixed, merged_size, "raw_merged")
        _reset(store)
        store.seen_resolution = timedelta(0)
        exact_s, exact_raw_s = _alternating(store, mixed, batch_size, "raw_exact")
        store.seen_resolution = timedelta(seconds=300)
        fold_s, fold_search_s = fold_costs(store, fold_sightings, folds)
    finally:
        store.client.drop_database(db_name)
        store.close()
    return {"new": len(new), "new_s": new_s, "new_raw_s": new_raw_s, "mixed": len(mixed),
            "mixed_s": mixed_s, "mixed_raw_s": mixed_raw_s, "stories": stories,
            "merged_s": merged_s, "merged_raw_s": merged_raw_s, "exact_s": exact_s,
            "exact_raw_s": exact_raw_s, "fold_s": fold_s, "fold_search_s": fold_search_s,
            "statements_per_page": statements / pages}


def _prepared(item):
    item.canonical_url = canonical_url(item.url)
    item.fingerprint = fingerprint(item.url)
    item.content_hash = content_hash(item)
    return item


def fold_costs(store: Store, prior: int, folds: int) -> tuple[float, float]:
    """Seconds per page write that folds an alias, by id and by search (see the module)."""
    _reset(store)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    for start in range(0, prior, 5000):
        store.sightings.insert_many([
            {"_id": f"{n:040x}", "story_id": f"{n // 20:040x}", "page_url": f"{BASE}{n}.html",
             "role": "related", "position": n % 10 + 1, "seen_at": when}
            for n in range(start, min(prior, start + 5000))])
    spent = {}
    for shared in (False, True):
        store.shared_writers = shared
        total = 0.0
        for k in range(folds):
            url = f"{BASE}fold-{int(shared)}-{k}.html"
            alias = f"{BASE}fold-{int(shared)}-{k}-amp.html"
            store.write_sightings([_prepared(Teaser(
                url=alias, page_url=f"{BASE}{n}.html", seen_at=when + timedelta(seconds=n),
                position=n, aggregator="bench", headline=f"Fold {k}", source="Harbor Daily"))
                for n in range(1, 4)])
            page = _prepared(Article(url=url, page_url=url, seen_at=when + timedelta(minutes=5),
                                     aggregator="bench", headline=f"Fold {k}", source="First Wire",
                                     body=("A paragraph of body text about the story. " * 30)))
            page.aliases = [alias]
            begun = time.perf_counter()
            store.write_sightings([page])
            total += time.perf_counter() - begun
        spent[shared] = total / folds
    store.shared_writers = False
    return spent[False], spent[True]


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="pages of lead + 10 teasers")
    parser.add_argument("--batch", type=int, default=500, help="items per write (STORE_BATCH_SIZE)")
    parser.add_argument("--merged", type=int, default=2000,
                        help="items per write when batches merge (STORE_MAX_BATCH)")
    parser.add_argument("--fold-sightings", type=int, default=50_000,
                        help="sightings stored before the fold workload")
    parser.add_argument("--folds", type=int, default=10, help="alias folds timed per path")
    args = parser.parse_args()
    load_before = _load()
    uri = os.environ.get("BENCH_MONGO_URI")
    tmp = None
    if not uri:
        from crawler.storage import embedded_db

        tmp = tempfile.TemporaryDirectory(prefix="bench-store-")
        uri = embedded_db.up(Path(tmp.name)).uri
    try:
        r = run(uri, args.pages, args.batch, args.merged, args.fold_sightings, args.folds)
    finally:
        if tmp is not None:
            from crawler.storage import embedded_db

            embedded_db.down(Path(tmp.name))
            tmp.cleanup()
    new, new_raw = r["new"] / r["new_s"], r["new"] / r["new_raw_s"]
    mixed, mixed_raw = r["mixed"] / r["mixed_s"], r["mixed"] / r["mixed_raw_s"]
    print(f"batches of {args.batch}; server: {uri.split('@')[-1]}")
    print(f"new:   {r['new']} sightings of new stories: write_sightings {new:.0f} docs/s, "
          f"insert_many {new_raw:.0f} docs/s ({new / new_raw:.2f})")
    print(f"mixed: {r['mixed']} sightings of {r['stories']} stories: write_sightings {mixed:.0f} "
          f"docs/s, insert_many {mixed_raw:.0f} docs/s ({mixed / mixed_raw:.2f})")
    merged, merged_raw = r["mixed"] / r["merged_s"], r["mixed"] / r["merged_raw_s"]
    print(f"merged: the same in batches of {args.merged}: write_sightings {merged:.0f} docs/s, "
          f"insert_many {merged_raw:.0f} docs/s ({merged / merged_raw:.2f})")
    exact, exact_raw = r["mixed"] / r["exact_s"], r["mixed"] / r["exact_raw_s"]
    print(f"exact: the mixed workload, last_seen_at advanced every batch: write_sightings "
          f"{exact:.0f} docs/s, insert_many {exact_raw:.0f} docs/s ({exact / exact_raw:.2f})")
    print(f"fold: a page write that folds an alias, {args.fold_sightings} sightings stored: "
          f"{r['fold_s'] * 1000:.1f} ms by id, {r['fold_search_s'] * 1000:.1f} ms by search")
    print(f"load average before/after: {load_before} / {_load()}")
    print(f"statements per page (mixed): {r['statements_per_page']:.2f}")
    print(f"bench store new_docs_per_s={new:.0f} new_insert_many_docs_per_s={new_raw:.0f} "
          f"new_ratio={new / new_raw:.2f} merged_docs_per_s={merged:.0f} "
          f"merged_insert_many_docs_per_s={merged_raw:.0f} merged_ratio={merged / merged_raw:.2f} "
          f"docs_per_s={mixed:.0f} insert_many_docs_per_s={mixed_raw:.0f} "
          f"exact_ratio={exact / exact_raw:.2f} statements_per_page={r['statements_per_page']:.2f} "
          f"fold_ms={r['fold_s'] * 1000:.1f} fold_search_ms={r['fold_search_s'] * 1000:.1f} "
          f"ratio={mixed / mixed_raw:.2f}")


if __name__ == "__main__":
    main()
