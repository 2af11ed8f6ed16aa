"""`crawler web` with 100,000 stories: how long its pages take to answer, against asking the
database the same question directly, in the same run.

Starts its own embedded FerretDB in a temporary data directory (or uses BENCH_MONGO_URI), inserts
BENCH_WEB_STORIES (default 100,000) stories shaped as the crawler stores them (headline, publisher
among 300, body, summary, three sightings, syndication clusters) and 300 runs, starts the real
`crawler web` process and times each page over HTTP (median of BENCH_WEB_REPEAT requests):

  stories   /stories: the newest 50 and the number of stories
  search    /stories?q=WORD&source=PUBLISHER: headline words and a publisher
  range     /stories?from=...&to=...: a one-day range
  sources   /sources: every publisher's counts, completion share, median lag and day chart
  story     /stories/ID: one story, its sightings and its cluster
  runs      /: recent runs and the run charts
  metrics   /metrics

  baseline  the Stories page's question asked of the database directly, as a page without the
            in-memory index would: find newest 50 (sort on published_at) + count_documents

ratio = baseline / stories page (higher is better). peak_rss_mb is the web process's resident
memory after the load (the index costs memory for its speed). index_load_s is how long the web
process took to read the index at start (refreshes happen in the background).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
from pymongo import DESCENDING, MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.web.process import WebServer  # noqa: E402

STORIES = int(os.environ.get("BENCH_WEB_STORIES") or 100_000)
REPEAT = int(os.environ.get("BENCH_WEB_REPEAT") or 5)
WORDS = ("harbour", "council", "farmers", "airline", "school", "energy", "budget", "election")
BODY = ("A paragraph of body text about the story, as the extractor keeps it. " * 20).strip()


def story_docs(n: int, now: datetime):
    for i in range(n):
        published = now - timedelta(minutes=i * 0.4)
        seen = published + timedelta(minutes=5 + i % 50)
        sid = f"{i:040x}"
        yield {
            "_id": sid, "url": f"https://agg.example/story/{i}", "canonical_url":
            f"https://agg.example/story/{i}", "headline": f"{WORDS[i % 8].title()} story {i} "
            f"about {WORDS[(i * 3) % 8]} plans", "source": f"Publisher {i % 300}",
            "aggregator": ("daily8", "aggregator")[i % 2], "body": BODY, "summary": BODY[:200],
            "lang": "en", "published_at": published, "published_raw": "2 hours ago",
            "published_precision": "hour", "first_seen_at": seen, "last_seen_at": seen,
            "updated_at": seen, "completeness": "full" if i % 3 else "teaser",
            "cluster_id": f"{i - i % 4:040x}" if i % 10 == 0 else sid, "schema_version": 1,
            "seen_on": [{"page_url": f"https://agg.example/story/{i + k}", "role": "related",
                         "position": k, "seen_at": seen} for k in (1, 2, 3)],
        }


def run_docs(n: int, now: datetime):
    for i in range(n):
        started = now - timedelta(hours=i * 0.5)
        yield {"_id": f"run{i}", "spider": "daily8", "status": ("ok", "ok", "partial")[i % 3],
               "started_at": started, "finished_at": started + timedelta(seconds=60 + i % 30),
               "duration_s": 60.0 + i % 30, "args": {}, "settings": {},
               "counts": {"pages": 200 + i, "items": 2000, "new": 100, "updated": 20},
               "errors": {"TimeoutError": i % 4} if i % 4 else {}}


def fill(db) -> float:
    started = time.perf_counter()
    now = datetime.now(UTC)
    batch = []
    for doc in story_docs(STORIES, now):
        batch.append(doc)
        if len(batch) == 2000:
            db.articles.insert_many(batch, ordered=False)
            batch = []
    if batch:
        db.articles.insert_many(batch, ordered=False)
    db.runs.insert_many(list(run_docs(300, now)))
    return time.perf_counter() - started


def get_ms(url: str) -> float:
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as resp:
            resp.read()
            assert resp.status == 200, url
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    uri = os.environ.get("BENCH_MONGO_URI")
    tmp = tempfile.TemporaryDirectory(prefix="bench-web-")
    if not uri:
        from crawler.storage import embedded_db

        uri = embedded_db.up(Path(tmp.name) / "db").uri
    db_name = f"bench_web_{os.getpid()}"
    client = MongoClient(uri, tz_aware=True)
    db = client[db_name]
    try:
        fill_s = fill(db)
        print(f"inserted {STORIES:,} stories in {fill_s:.1f} s", flush=True)
        env = dict(os.environ, MONGO_URI=uri, MONGO_DB=db_name, CRAWLER_DATA_DIR=tmp.name,
                   CRAWLER_SCHEDULES=str(Path(tmp.name) / "none.yaml"))
        env.pop("CRAWLER_WEB_TOKEN", None)
        with WebServer(env, "--refresh", "3600", timeout=600) as web:
            load_line = next((ln for ln in web.output if "stories indexed in" in ln), "")
            index_load = float(load_line.rsplit(" in ", 1)[1].split()[0]) if load_line else -1
            day = (datetime.now(UTC) - timedelta(days=3)).date()
            pages = {
                "stories": "/stories",
                "search": "/stories?q=harbour+plans&source=Publisher+7",
                "range": f"/stories?from={day}&to={day + timedelta(days=1)}",
                "sources": "/sources",
                "story": f"/stories/{10:040x}",
                "runs": "/",
                "metrics": "/metrics",
            }
            ms = {name: get_ms(web.url(path)) for name, path in pages.items()}
            rss = psutil.Process(web.proc.pid).memory_info().rss / 2**20
        t = time.perf_counter()
        newest = list(db.articles.find({}, {"body": 0, "seen_on": 0})
                      .sort("published_at", DESCENDING).limit(50))
        total = db.articles.count_documents({})
        baseline_ms = (time.perf_counter() - t) * 1000
        assert len(newest) == 50 and total == STORIES
    finally:
        client.drop_database(db_name)
        client.close()
        if not os.environ.get("BENCH_MONGO_URI"):
            from crawler.storage import embedded_db

            embedded_db.down(Path(tmp.name) / "db")
        tmp.cleanup()
    print(f"{'page':<10}{'ms (median of ' + str(REPEAT) + ')':>20}")
    for name, value in ms.items():
        print(f"{name:<10}{value:>20.1f}")
    print(f"{'baseline':<10}{baseline_ms:>20.1f}   (direct query: newest 50 + count)")
    print(f"bench web stories={STORIES} stories_ms={ms['stories']:.1f} search_ms={ms['search']:.1f} "
          f"range_ms={ms['range']:.1f} sources_ms={ms['sources']:.1f} story_ms={ms['story']:.1f} "
          f"runs_ms={ms['runs']:.1f} metrics_ms={ms['metrics']:.1f} index_load_s={index_load:.1f} "
          f"baseline_ms={baseline_ms:.0f} ratio={baseline_ms / ms['stories']:.1f} "
          f"peak_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
