"""End-to-end throughput: the full pipeline next to bare Scrapy on the same generated site.

Starts, in this run: a generated daily8-style aggregator (crawler/demo_site/generated.py: >= 5,000 pages,
lead + 10 teasers each, pre-rendered in memory and served by a raw asyncio server in a thread of
this process: it only looks a path up and writes prepared bytes, so it is far faster than the
crawler) and an embedded FerretDB of its own in a temporary data directory. Then it runs, each
as its own process (a Twisted reactor cannot restart), in the order peer, baseline, project,
baseline:

  baseline  a bare Scrapy spider that follows the same links with Scrapy's link extractor and
            parses nothing else (same concurrency settings, no pipelines), run just before and
            just after the project's crawl and pooled (pages over time of both), so the
            machine's load during the project's run is on both sides of the ratio;
  peer      what a Scrapy user would write instead: the same link following, trafilatura.extract
            on every page and the MongoDB item pipeline of Scrapy's documentation (one
            insert_one per item), into the same embedded database;
  project   `crawler crawl daily8` with the project's settings: extraction, the three item
            pipelines and batched writes into the embedded database.

Each crawl stops after --seconds (CLOSESPIDER_TIMEOUT) or when the site is done; pages/s =
responses / wall time of the crawl. Peak memory is the peak of the summed PSS of the crawl's
processes (the crawler and its extraction workers; shared pages split between them). CPU per
page is the user + system time of those processes and the FerretDB process's (from /proc) over
the pages crawled: their sum over the cores is the most pages per second this machine could give the full
pipeline (`cpu_bound_ratio`, against bare Scrapy's measured rate), whatever the code overlaps. `--flat` adds a
run on a 20,000-page site to show how memory grows with the crawl, with each process's peak
PSS (the crawl's own, an extraction worker, the forkserver) at both sizes, and the growth from
one size to the other (mem_growth: the 20,000-page peak over the 5,000-page one; bare_mem_growth
the same for bare Scrapy); not in the default 5-minute budget. `--realistic` builds the article pages around the AEB news pages
(crawler/demo_site/realistic.py: 100-200 kB each, as real article pages are) instead of ~10 kB ones.
The mean BSON size of the stored stories, sightings and page documents is the sizing figure per
document. Last line: `bench crawl ... peer_ratio=<project/peer> ratio=<project/bare pages per
second>`, with the load average before and after printed above it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demo_site.generated import FastServer, GeneratedSite, own_site_args  # noqa: E402

BARE_SPIDER = r'''
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

class Bare(scrapy.Spider):
    name = "bare"
    links = LinkExtractor(restrict_css=(".story-list", ".pager", ".related"))

    async def start(self):
        yield scrapy.Request(sys.argv[1])

    def parse(self, response):
        for link in self.links.extract_links(response):
            yield scrapy.Request(link.url.split("?")[0])

settings = json.loads(sys.argv[2])
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
start = time.perf_counter()
process.crawl(crawler)
process.start()
print(json.dumps({"pages": crawler.stats.get_value("response_received_count", 0),
                  "seconds": time.perf_counter() - start}))
'''


# The pipeline a Scrapy user would write instead: trafilatura on every page, and the MongoDB item
# pipeline of Scrapy's documentation (docs/topics/item-pipeline.rst, "Write items to MongoDB"),
# one insert_one per item, unchanged but for the settings it reads.
PEER_SPIDER = r'''
import json, sys, time
import pymongo
import scrapy
import trafilatura
from itemadapter import ItemAdapter
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor


class MongoPipeline:
    collection_name = "scrapy_items"

    def __init__(self, mongo_uri, mongo_db):
        self.mongo_uri = mongo_uri
        self.mongo_db = mongo_db

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            mongo_uri=crawler.settings.get("MONGO_URI"),
            mongo_db=crawler.settings.get("MONGO_DATABASE", "items"),
        )

    def open_spider(self, spider=None):
        self.client = pymongo.MongoClient(self.mongo_uri)
        self.db = self.client[self.mongo_db]

    def close_spider(self, spider=None):
        self.client.close()

    def process_item(self, item, spider=None):
        self.db[self.collection_name].insert_one(ItemAdapter(item).asdict())
        return item


class Peer(scrapy.Spider):
    name = "peer"
    links = LinkExtractor(restrict_css=(".story-list", ".pager", ".related"))

    async def start(self):
        yield scrapy.Request(sys.argv[1])

    def parse(self, response):
        found = trafilatura.extract(response.text, url=response.url, output_format="json",
                                    with_metadata=True)
        if found:
            item = json.loads(found)
            item["url"] = response.url
            yield item
        for link in self.links.extract_links(response):
            yield scrapy.Request(link.url.split("?")[0])


settings = json.loads(sys.argv[2])
settings["ITEM_PIPELINES"] = {"__main__.MongoPipeline": 300}
process = CrawlerProcess(settings)
crawler = process.create_crawler(Peer)
start = time.perf_counter()
process.crawl(crawler)
process.start()
print(json.dumps({"pages": crawler.stats.get_value("response_received_count", 0),
                  "items": crawler.stats.get_value("item_scraped_count", 0),
                  "seconds": time.perf_counter() - start}))
'''


def _scrapy_settings(seconds: float) -> dict:
    """Bare Scrapy and the peer: the project's concurrency, no project components."""
    return {"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 16,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "CONCURRENT_ITEMS": 16, "ROBOTSTXT_OBEY": True,
                "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                "CLOSESPIDER_TIMEOUT": seconds,
                "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"}


def run_bare(url: str, seconds: float) -> dict:
    settings = _scrapy_settings(seconds)
    with tempfile.TemporaryDirectory() as tmp:
        # RUSAGE_CHILDREN is a running maximum: a fresh intermediate process isolates each crawl.
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, sys.executable, "-c", BARE_SPIDER, url,
             json.dumps(settings)], cwd=tmp, capture_output=True, text=True, timeout=seconds + 120)
    return _parse(out)


def run_peer(url: str, seconds: float, uri: str, db_pid: int) -> dict:
    settings = dict(_scrapy_settings(seconds), MONGO_URI=uri, MONGO_DATABASE="bench_peer")
    db_cpu = _process_cpu(db_pid)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, sys.executable, "-c", PEER_SPIDER, url,
             json.dumps(settings)], cwd=tmp, capture_output=True, text=True, timeout=seconds + 240)
    result = _parse(out)
    result["db_cpu"] = _process_cpu(db_pid) - db_cpu
    from pymongo import MongoClient

    with MongoClient(uri) as client:
        result["stored"] = client["bench_peer"].scrapy_items.count_documents({})
        client.drop_database("bench_peer")
    return result


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_project(url: str, seconds: float, uri: str, data_dir: str, db_pid: int,
                profile: str | None = None) -> dict:
    env = dict(os.environ, MONGO_URI=uri, MONGO_DB="bench_crawl", CRAWLER_DATA_DIR=data_dir)
    env.pop("REDIS_URL", None)
    # --profile: the crawler's reactor thread under cProfile (the figures are then slower).
    prof = ["-m", "cProfile", "-o", profile] if profile else []
    cmd = [sys.executable, *prof, "-m", "crawler.cli", "crawl", "daily8", "-a", f"start_url={url}",
           "-a", "max_depth=100000", "-s", "LOG_LEVEL=ERROR", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
           "-s", "LOGSTATS_INTERVAL=0", "-s", "STATS_DUMP=True", *own_site_args()]
    start = time.perf_counter()
    db_cpu = _process_cpu(db_pid)
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=seconds + 240)
    result = _parse(out, wall=time.perf_counter() - start)
    result["db_cpu"] = _process_cpu(db_pid) - db_cpu
    from pymongo import MongoClient

    db = MongoClient(uri)["bench_crawl"]
    result["pages"] = db.pages.count_documents({})
    result["stories"] = db.articles.count_documents({})
    result["story_bytes"] = _mean_bson_bytes(db.articles)
    result["sighting_bytes"] = _mean_bson_bytes(db.sightings)
    result["page_bytes"] = _mean_bson_bytes(db.pages)
    db.client.drop_database("bench_crawl")
    return result


def _mean_bson_bytes(collection, sample: int = 2000) -> float:
    """Mean BSON size of up to `sample` stored documents: the sizing figure per document."""
    import bson

    sizes = [len(bson.encode(doc)) for doc in collection.find().limit(sample)]
    return sum(sizes) / len(sizes) if sizes else 0.0


# Runs argv[1:] as a child, then prints its process tree's peak memory and CPU and its wall time
# as JSON on the last line. As a child subreaper it inherits the processes the child leaves
# (an extraction worker's forkserver) and reaps them, so their CPU is counted too; memory is
# the peak of the tree's summed PSS (shared pages split between the processes sharing them),
# sampled four times a second, beside the largest single process's peak RSS. Each process is
# also named by its role (the crawl's own process, the forkserver, an extraction worker, other)
# and each role's peak PSS kept, so a growth can be put on the process that has it.
_MEASURE = r'''
import ctypes, json, os, resource, subprocess, sys, threading, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
peak = [0]
roles = {}
def tree(pid):
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found += tree(int(child))
    except OSError:
        pass
    return found
def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0
def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""
def parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0
def role(pid):
    # forkserver children are forks of it and share its command line: the parent tells them apart
    if pid == proc.pid:
        return "crawl"
    cmd = cmdline(pid)
    if b"resource_tracker" in cmd:
        return "resource_tracker"
    if b"forkserver" in cmd:
        return "worker" if b"forkserver" in cmdline(parent(pid)) else "forkserver"
    return "other"
def sample():
    while proc.poll() is None:
        # Each process's role before its size: one that exits in between (a retired extraction
        # worker) would have no command line left to name it by, and be counted as "other".
        named = {p: role(p) for p in tree(os.getpid())[1:] if cmdline(p)}
        sizes = {p: pss_kb(p) for p in named}
        peak[0] = max(peak[0], sum(sizes.values()))
        by_role = {}
        for p, kb in sizes.items():
            if kb:
                by_role.setdefault(named[p], []).append(kb)
        for name, kbs in by_role.items():
            # a role's figure is its largest process (workers are alike) and their count
            top, count = roles.get(name, (0, 0))
            roles[name] = (max(top, max(kbs)), max(count, len(kbs)))
        time.sleep(0.25)
threading.Thread(target=sample, daemon=True).start()
out, err = proc.communicate()
wall = time.perf_counter() - start
while True:  # the orphans the child left behind, now ours
    try:
        os.wait()
    except ChildProcessError:
        break
sys.stderr.write(err[-4000:])
sys.stdout.write(out)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rss_mb": peak[0] / 1024, "max_process_rss_mb": usage.ru_maxrss / 1024,
                  "cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rc": proc.returncode,
                  "roles_mb": {k: [v[0] / 1024, v[1]] for k, v in roles.items()}}))
'''


def _parse(out: subprocess.CompletedProcess, wall: float | None = None) -> dict:
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise SystemExit(f"crawl failed: {out.stderr[-3000:]}")
    result: dict = {}
    for line in lines:
        result.update(json.loads(line))
    result.setdefault("seconds", result["wall"])
    return result


def measure(pages_total: int, seconds: float, profile: str | None = None,
            realistic: bool = False, peer: bool = True) -> tuple[dict, dict | None, dict, GeneratedSite]:
    """Bare Scrapy, the peer (unless peer=False) and the project, one after the other, on one
    site and one FerretDB."""
    from crawler.storage import embedded_db

    site = GeneratedSite(pages_total, realistic=realistic)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp, FastServer(site.html) as srv:
        server = embedded_db.up(Path(tmp))
        try:
            theirs = run_peer(srv.url("/"), seconds, server.uri, server.pid) if peer else None
            before = run_bare(srv.url("/"), seconds)
            ours = run_project(srv.url("/"), seconds, server.uri, str(Path(tmp) / "data"),
                               server.pid, profile)
            after = run_bare(srv.url("/"), seconds)
        finally:
            embedded_db.down(Path(tmp))
    return pooled(before, after), theirs, ours, site


def pooled(before: dict, after: dict) -> dict:
    """Bare Scrapy's runs just before and just after the project's, as one: pages and time and
    CPU summed, the larger peak memory. The machine is shared, and its load moves within the
    minutes a benchmark takes; a baseline taken on both sides of the run it is compared with
    moves with it (a single run before the others put minutes, and the peer, between them)."""
    return dict(after, pages=before["pages"] + after["pages"], wall=before["wall"] + after["wall"],
                cpu=before["cpu"] + after["cpu"], rss_mb=max(before["rss_mb"], after["rss_mb"]),
                rates=(before["pages"] / before["wall"], after["pages"] / after["wall"]))


# The processes of a crawl by role, in the order they are printed.
ROLES = ("crawl", "worker", "forkserver", "resource_tracker", "other")


def _roles_side_by_side(small: dict, large: dict) -> list[tuple[str, float, float]]:
    """(role, peak PSS in the smaller run, in the larger) for each role either run had; a
    role's figure is its largest process (extraction workers are alike)."""
    a, b = small.get("roles_mb", {}), large.get("roles_mb", {})
    return [(name, a.get(name, [0.0])[0], b.get(name, [0.0])[0]) for name in ROLES
            if name in a or name in b]


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=150,
                        help="stop each crawl after this long (CLOSESPIDER_TIMEOUT)")
    parser.add_argument("--realistic", action="store_true",
                        help="article pages of 100-200 kB built around the AEB news pages "
                             "(crawler/demo_site/realistic.py) instead of ~10 kB generated ones")
    parser.add_argument("--flat", action="store_true",
                        help="also crawl a 20,000-page site and compare peak memory")
    parser.add_argument("--profile", metavar="FILE",
                        help="run the full pipeline under cProfile, save the stats to FILE and "
                             "print the project's 25 most expensive functions")
    args = parser.parse_args()
    profile = str(Path(args.profile).resolve()) if args.profile else None
    load_before = _load()
    bare, peer, ours, site = measure(args.pages, args.seconds, profile, args.realistic)
    assert peer is not None
    size = len(site)
    kb = sorted(len(site.html[p]) / 1000 for p in site.article_paths)
    if profile:
        import pstats

        print(f"profile of the full pipeline (saved in {profile}; slower than unprofiled):")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(
            r"work/main/(crawler|spiders|pipelines)|/(crawler|spiders|pipelines)/", 25)
    bare_rate = bare["pages"] / bare["wall"]
    our_rate = ours["pages"] / ours["wall"]
    peer_rate = peer["pages"] / peer["wall"]
    print(f"site: {size} pages (lead + 10 teasers), article pages {kb[0]:.0f}-{kb[-1]:.0f} kB "
          f"(median {kb[len(kb) // 2]:.0f} kB), served by benchmarks/_site.FastServer")
    print(f"bare scrapy:   {bare['pages']} pages in {bare['wall']:.1f}s = {bare_rate:.1f} pages/s "
          f"(runs just before and after the full pipeline's: {bare['rates'][0]:.1f} and "
          f"{bare['rates'][1]:.1f}), peak memory {bare['rss_mb']:.0f} MB")
    print(f"peer (trafilatura + insert_one): {peer['pages']} pages ({peer['stored']} items "
          f"stored) in {peer['wall']:.1f}s = {peer_rate:.1f} pages/s, peak memory "
          f"{peer['rss_mb']:.0f} MB")
    print(f"full pipeline: {ours['pages']} pages stored ({ours['stories']} stories) in "
          f"{ours['wall']:.1f}s = {our_rate:.1f} pages/s, peak memory {ours['rss_mb']:.0f} MB ("
          + ", ".join(f"{name} {mb:.0f}" + (f" x{count}" if count > 1 else "")
                      for name, (mb, count) in ours.get("roles_mb", {}).items()) + ")")
    bare_cpu = 1000 * bare["cpu"] / bare["pages"]
    crawler_cpu = 1000 * ours["cpu"] / ours["pages"]
    db_cpu = 1000 * ours["db_cpu"] / ours["pages"]
    peer_cpu = 1000 * peer["cpu"] / peer["pages"]
    peer_db_cpu = 1000 * peer["db_cpu"] / peer["pages"]
    cores = os.cpu_count() or 1
    bound = 1000 * cores / (crawler_cpu + db_cpu)
    print(f"CPU per page: bare Scrapy {bare_cpu:.1f} ms; full pipeline {crawler_cpu:.1f} ms in the "
          f"crawler's processes (reactor and extraction workers) + {db_cpu:.1f} ms in FerretDB. "
          f"On {cores} cores, even with every process always busy, that is at most {bound:.0f} "
          f"pages/s ({bound / bare_rate:.2f} of bare Scrapy); peer {peer_cpu:.1f} ms + "
          f"{peer_db_cpu:.1f} ms in FerretDB")
    flat = ""
    if args.flat:
        # Memory only: bare Scrapy and the project, no peer, each given time to crawl it all.
        big_bare, _peer, big, _site = measure(20000, args.seconds * 4, realistic=args.realistic,
                                              peer=False)
        print(f"20,000-page site: peak memory {big['rss_mb']:.0f} MB after {big['pages']} pages "
              f"(bare Scrapy: {big_bare['rss_mb']:.0f} MB); 5,000-page site above: "
              f"{ours['rss_mb']:.0f} MB after {ours['pages']} pages")
        print(f"peak PSS per process, {ours['pages']} pages -> {big['pages']} pages: "
              + "; ".join(f"{name} {small:.0f} -> {large:.0f} MB" for name, small, large
                          in _roles_side_by_side(ours, big)))
        growth, bare_growth = big["rss_mb"] / ours["rss_mb"], big_bare["rss_mb"] / bare["rss_mb"]
        print(f"memory growth from the 5,000- to the 20,000-page site: x{growth:.2f} "
              f"({big['rss_mb'] - ours['rss_mb']:+.0f} MB); bare Scrapy x{bare_growth:.2f} "
              f"({big_bare['rss_mb'] - bare['rss_mb']:+.0f} MB)")
        flat = (f" peak_rss_20k_mb={big['rss_mb']:.0f} bare_peak_rss_20k_mb={big_bare['rss_mb']:.0f}"
                f" mem_growth={growth:.2f} bare_mem_growth={bare_growth:.2f}"
                + "".join(f" {name}_pss_20k_mb={large:.0f}" for name, _small, large
                          in _roles_side_by_side(ours, big)))
    kind = "realistic" if args.realistic else "generated"
    print(f"stored: {ours['story_bytes']:.0f} bytes per story, {ours['sighting_bytes']:.0f} per "
          f"sighting, {ours['page_bytes']:.0f} per page document (mean BSON size)")
    print(f"load average before/after: {load_before} / {_load()}")
    print(f"bench crawl site={kind} pages={size} page_kb={kb[len(kb) // 2]:.0f} pages_per_s={our_rate:.1f} bare_pages_per_s={bare_rate:.1f} "
          f"peak_rss_mb={ours['rss_mb']:.0f} bare_peak_rss_mb={bare['rss_mb']:.0f}{flat} "
          f"cpu_ms_per_page={crawler_cpu:.1f} db_cpu_ms_per_page={db_cpu:.1f} "
          f"bare_cpu_ms_per_page={bare_cpu:.1f} peer_cpu_ms_per_page={peer_cpu:.1f} "
          f"peer_db_cpu_ms_per_page={peer_db_cpu:.1f} cpu_bound_ratio={bound / bare_rate:.2f} "
          f"peer_pages_per_s={peer_rate:.1f} peer_peak_rss_mb={peer['rss_mb']:.0f} "
          f"story_bytes={ours['story_bytes']:.0f} sighting_bytes={ours['sighting_bytes']:.0f} "
          f"peer_ratio={our_rate / peer_rate:.2f} ratio={our_rate / bare_rate:.2f}")


if __name__ == "__main__":
    main()
