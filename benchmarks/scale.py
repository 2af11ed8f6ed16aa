"""Scaling out: 1, 2 and 3 distributed workers (scrapy-redis) on one generated site.

Starts a redis-server (Debian's /usr/bin/redis-server) on a free port with a temporary directory,
an embedded FerretDB of its own, and the generated aggregator of benchmarks/_site.py. For each
worker count it crawls the whole site with `crawler crawl daily8 -s REDIS_URL=...` processes
started together (fresh Redis keys and database each time) and reports pages per second over
the wall time until the last worker has ended by itself (queue drained, everyone idle).

On this 2-core machine the workers, the site server and the database share two cores, so more
than two workers cannot add CPU; the figure says how close N workers come to N times one.
Last line: `bench scale ... ratio=<3-worker / 1-worker pages per second>`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._site import FastServer, GeneratedSite, own_site_args  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(tmp: str) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp,
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


def crawl(workers: int, url: str, redis_url: str, uri: str, data_dir: str, timeout: float) -> dict:
    from crawler.distributed import redis_client

    redis_client(redis_url).flushdb()
    db = f"bench_scale_{workers}"
    env = dict(os.environ, MONGO_URI=uri, MONGO_DB=db, CRAWLER_DATA_DIR=data_dir)
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", "daily8", "-a", f"start_url={url}",
           "-a", "max_depth=100000", "-s", f"REDIS_URL={redis_url}", "-s", "LOG_LEVEL=ERROR",
           "-s", "CRAWLER_REDIS_IDLE_POLL=0.5", *own_site_args()]
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(workers)]
    for proc in procs:
        try:
            proc.communicate(timeout=max(1, timeout - (time.perf_counter() - start)))
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.communicate()
    wall = time.perf_counter() - start
    from pymongo import MongoClient

    client = MongoClient(uri)
    pages = client[db].pages.count_documents({})
    client.drop_database(db)
    return {"workers": workers, "pages": pages, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="site size")
    parser.add_argument("--teasers", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=240, help="per worker count")
    args = parser.parse_args()
    from crawler.storage import embedded_db

    site = GeneratedSite(args.pages, args.teasers)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, FastServer(site.html) as srv:
        redis, redis_url = start_redis(tmp)
        uri = embedded_db.up(Path(tmp)).uri
        try:
            for n in (1, 2, 3):
                r = crawl(n, srv.url("/"), redis_url, uri, str(Path(tmp) / "data"), args.timeout)
                results.append(r)
                print(f"{n} worker(s): {r['pages']} pages stored in {r['wall']:.1f}s = "
                      f"{r['pages'] / r['wall']:.1f} pages/s (load average after: "
                      f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)
        finally:
            embedded_db.down(Path(tmp))
            redis.terminate()
            redis.wait(10)
    rate = {r["workers"]: r["pages"] / r["wall"] for r in results}
    print(f"bench scale pages={len(site)} w1_pages_per_s={rate[1]:.1f} w2_pages_per_s={rate[2]:.1f} "
          f"w3_pages_per_s={rate[3]:.1f} ratio={rate[3] / rate[1]:.2f}")


if __name__ == "__main__":
    main()
