"""The guide's reads (docs/consumers.md) on the server in use: a read by `_id` (the one index the
embedded FerretDB's planner uses) against reads by cluster_id and by updated_at (served by an
index on MongoDB, a collection scan on FerretDB 1.24), at two collection sizes, in the same run.

Starts its own embedded FerretDB in a temporary data directory (or uses BENCH_MONGO_URI).
Documents are story-sized (about 2 kB of body). ratio = scan read / read by _id at the larger
size: how many times a non-_id read costs what a key read costs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.storage import embedded_db
from crawler.storage.store import Store

SIZES = (2000, 20000)
KEY = f"{7:040x}"  # a story present at every size
REPEAT = 3


def _ms(read) -> float:
    start = time.perf_counter()
    for _ in range(REPEAT):
        read()
    return (time.perf_counter() - start) / REPEAT * 1000


def run(uri: str) -> dict[str, dict[str, float]]:
    store = Store(uri, f"bench_consumers_{os.getpid()}")
    store.ensure_indexes()
    now = datetime.now(UTC)
    out: dict[str, dict[str, float]] = {}
    try:
        for size in SIZES:
            have = store.articles.count_documents({})
            docs = [{"_id": f"{i:040x}", "canonical_url": f"https://bench.example/{i}",
                     "updated_at": now - timedelta(seconds=i), "source": f"S{i % 50}",
                     "published_at": now - timedelta(minutes=i), "cluster_id": f"{i:040x}",
                     "body": "word " * 400} for i in range(have, size)]
            for start in range(0, len(docs), 500):
                store.articles.insert_many(docs[start:start + 500])
            out[str(size)] = {
                "id_ms": _ms(lambda: store.articles.find_one({"_id": KEY})),
                "cluster_ms": _ms(lambda: list(store.articles.find({"cluster_id": KEY}))),
                "updated_ms": _ms(lambda: list(store.articles.find(
                    {"updated_at": {"$gte": now - timedelta(seconds=10)}}))),
            }
    finally:
        store.client.drop_database(store.db.name)
        store.close()
    return out


def main() -> int:
    uri = os.environ.get("BENCH_MONGO_URI")
    data_dir = None
    if not uri:
        data_dir = Path(tempfile.mkdtemp(prefix="bench_consumers_"))
        uri = embedded_db.up(data_dir).uri
    try:
        figures = run(uri)
    finally:
        if data_dir is not None:
            embedded_db.down(data_dir)
    print(f"{'stories':>8} {'by _id ms':>10} {'by cluster_id ms':>17} {'by updated_at ms':>17}")
    for size, row in figures.items():
        print(f"{size:>8} {row['id_ms']:>10.1f} {row['cluster_ms']:>17.1f} {row['updated_ms']:>17.1f}")
    big = figures[str(SIZES[-1])]
    small = figures[str(SIZES[0])]
    print(f"bench consumer_reads stories={SIZES[-1]} id_ms={big['id_ms']:.1f} "
          f"cluster_ms={big['cluster_ms']:.1f} updated_ms={big['updated_ms']:.1f} "
          f"growth={big['cluster_ms'] / small['cluster_ms']:.1f} "
          f"ratio={big['cluster_ms'] / big['id_ms']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
