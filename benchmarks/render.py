"""Benchmark: rendering with scrapy-playwright in headless Chromium, side by side in one run.

Starts its own site on 127.0.0.1 and runs each measurement in a child process (a fresh Scrapy
crawl with the project's settings, no pipelines, no database):

1. leak:     N renders (default 500) in one crawl, in batches of 50; crawler RSS and browser
             PSS sampled after each batch; the end must be within 10% of the first sample.
2. blocking: the same image-heavy pages rendered with request blocking and without.
3. mixed:    a site where 20% of pages need JavaScript, crawled by a ProfileSpider in auto mode
             (static fetch, render only when the policy says) and with render: always.
4. static:   static pages through the project's download handler vs Scrapy's stock HTTP/1.1
             handler (the browser-capable handler must not slow the static path).

    .venv/bin/python benchmarks/render.py [--renders 500] [--pages 60]

Last line: bench render renders=... crawler_growth_pct=... browser_growth_pct=...
driver_growth_pct=... no_leak=...
blocked_pps=... unblocked_pps=... auto_pps=... always_pps=... static_pps=... http11_pps=...
peak_rss_mb=... ratio=<auto/always pages per second>
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.politeness import OWN_SITE_SETTINGS  # noqa: E402
from crawler.render.sample_site import Route, SampleServer  # noqa: E402

IMAGES_PER_PAGE = 8
IMAGE_DELAY = 0.25  # seconds per image: a slow image server, as ad-heavy pages have
JS_EVERY = 5  # one page in five needs JavaScript (20%)
_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
        b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def _paragraphs(n: int) -> str:
    return "".join(
        f"<p>Paragraph {k} of bench story {n}: the committee met again to weigh the tender, the "
        f"budget and the timetable, and agreed to publish its notes within the week.</p>"
        for k in range(5))


def _related(n: int) -> str:
    cards = "".join(
        f'<div class="related-card"><div class="card-source">Bench Wire {k}</div>'
        f'<div class="card-time">{k + 1} hours ago</div><h3 class="card-title">'
        f'<a href="/teaser/{n}-{k}">Bench teaser {n}-{k} about the harbour tender timetable</a>'
        f"</h3></div>" for k in range(4))
    return f'<section class="related"><h2>Related Articles</h2>{cards}</section>'


def static_page(n: int) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Story {n}</title>"
            f"</head><body><article><h1>Bench story {n} on the harbour tender timetable</h1>"
            f"<div class='story-meta'><span class='publisher'>Bench Wire</span>"
            f"<span class='time'>2 hours ago</span></div>{_paragraphs(n)}</article>"
            f"{_related(n)}</body></html>")


def js_page(n: int, images: int = 0) -> str:
    """An empty application root that an inline script fills (plus optional images)."""
    body = json.dumps(f"<article><h1>Bench story {n} built in the browser</h1><div "
                      f"class='story-meta'><span class='publisher'>Bench Wire</span><span "
                      f"class='time'>3 hours ago</span></div>{_paragraphs(n)}</article>"
                      f"{_related(n)}")
    imgs = "".join(f"<img src='/img/{n}-{k}.gif' alt=''>" for k in range(images))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>App {n}</title>"
            f"</head><body><div id='root'></div>{imgs}<script>document.getElementById('root')"
            f".innerHTML = {body};</script></body></html>")


def route(path: str) -> Route | None:
    name = path.rsplit("/", 1)[-1].split(".")[0]
    if path.startswith("/img/"):
        return Route(_GIF, "image/gif", delay=IMAGE_DELAY)
    if path.startswith("/app/"):
        return Route(js_page(int(name)).encode())
    if path.startswith("/heavy/"):
        return Route(js_page(int(name), IMAGES_PER_PAGE).encode())
    if path.startswith("/static/"):
        return Route(static_page(int(name)).encode())
    if path.startswith("/mixed/"):
        n = int(name)
        return Route((js_page(n) if n % JS_EVERY == 0 else static_page(n)).encode())
    return None


# ---------------------------------------------------------------- child side: one crawl each

def _memory() -> tuple[float, float, float]:
    """(crawler RSS, Playwright driver PSS, browser PSS) in MB. PSS counts the memory
    Chromium's processes share once, where summing RSS would count it once per process."""
    import psutil

    me = psutil.Process()
    driver = browser = 0
    for child in me.children(recursive=True):
        try:
            pss = child.memory_full_info().pss
            if child.name().startswith("node") or "playwright" in " ".join(child.cmdline()[:2]):
                driver += pss
            else:
                browser += pss
        except psutil.Error:
            pass
    return me.memory_info().rss / 2**20, driver / 2**20, browser / 2**20


def _settings(extra: dict):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    keep = "crawler.render.memory.BrowserMemoryUsage"
    settings.setdict({
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {k: (v if k == keep else None)
                       for k, v in settings.getdict("EXTENSIONS").items()},
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "ERROR",
        "CONCURRENT_REQUESTS": 8,
        **OWN_SITE_SETTINGS,  # the benchmark's own site on 127.0.0.1
        **extra,
    }, priority="cmdline")
    return settings


def child(phase: str, base: str, count: int, extra: dict) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler.render.requests import render_meta
    from crawler.sites import SiteProfile
    from spiders.base import ProfileSpider

    mode = extra.pop("_mode", "auto")
    out: dict = {"phase": phase, "series": []}
    state = {"done": 0, "opened": 0.0, "last": 0.0}

    def tick() -> None:
        state["done"] += 1
        state["last"] = time.perf_counter()

    class RenderBench(scrapy.Spider):
        """Renders `count` pages. In the leak phase, in batches of 50 with memory sampled when a
        batch is done: no page open then and its context recycled, so samples compare alike."""

        name = "render-bench"
        prefix = "/heavy/" if phase == "heavy" else "/app/"
        batch = 50 if phase == "leak" else count

        def _requests(self, first: int):
            for n in range(first, min(first + self.batch, count)):
                yield scrapy.Request(f"{base}{self.prefix}{n}.html", callback=self.rendered,
                                     meta=render_meta(None, self.settings), dont_filter=True)

        async def start(self):
            state["opened"] = time.perf_counter()
            for request in self._requests(0):
                yield request

        def rendered(self, response):
            tick()
            if phase == "leak" and state["done"] % self.batch == 0:
                out["series"].append((state["done"], *_memory()))
                yield from self._requests(state["done"])

    class StaticBench(scrapy.Spider):
        name = "static-bench"

        async def start(self):
            state["opened"] = time.perf_counter()
            for n in range(count):
                yield scrapy.Request(f"{base}/static/{n}.html", callback=self.fetched)

        def fetched(self, response):
            tick()

    class MixedBench(ProfileSpider):
        name = "mixed-bench"
        profile = SiteProfile(name="bench", domains=("127.0.0.1",), max_depth=0, render=mode)

        async def start(self):
            state["opened"] = time.perf_counter()
            async for request in super().start():
                yield request

        async def parse_page(self, response):
            async for result in super().parse_page(response):
                yield result
            state["last"] = time.perf_counter()

    settings = _settings(extra)
    process = CrawlerProcess(settings)
    if phase == "mixed":
        urls = ",".join(f"{base}/mixed/{n}.html" for n in range(count))
        crawler = process.create_crawler(MixedBench)
        process.crawl(crawler, start_url=urls)
    elif phase == "static":
        crawler = process.create_crawler(StaticBench)
        process.crawl(crawler)
    else:
        crawler = process.create_crawler(RenderBench)
        process.crawl(crawler)
    t0 = time.perf_counter()
    process.start()
    out["process_seconds"] = time.perf_counter() - t0
    # From the spider's start to its last page: the crawl itself, not Python's start-up.
    out["seconds"] = state["last"] - state["opened"]
    stats = crawler.stats.get_stats()
    out["pages"] = count
    out["rendered"] = stats.get("render/rendered", 0) or stats.get("playwright/page_count", 0)
    out["closed"] = stats.get("playwright/page_count/closed", 0)
    out["aborted"] = stats.get("playwright/request_count/aborted", 0)
    out["contexts"] = stats.get("playwright/context_count", 0)
    out["browser_max_mb"] = stats.get("memusage/browser_max", 0) / 2**20
    return out


# ---------------------------------------------------------------- parent side

def run_phase(phase: str, base: str, count: int, extra: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--base", base, "--count", str(count),
           "--extra", json.dumps(extra or {})]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=280)
    print(f"phase {phase} {extra or ''}: {time.perf_counter() - started:.1f} s", flush=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"phase {phase} failed (exit {proc.returncode})")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=500)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--child")
    parser.add_argument("--base")
    parser.add_argument("--count", type=int)
    parser.add_argument("--extra", default="{}")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.base, args.count, json.loads(args.extra))))
        return

    with SampleServer(route) as site:
        base = site.base_url
        # Memory, not speed: eight pages at a time (default four) and a 50 ms settle (default
        # 250) so 500 renders fit the time budget on a busy machine.
        leak = run_phase("leak", base, args.renders,
                         {"PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 8, "RENDER_SETTLE_MS": 50})
        blocked = run_phase("heavy", base, args.pages // 2)
        unblocked = run_phase("heavy", base, args.pages // 2, {"PLAYWRIGHT_ABORT_REQUEST": ""})
        auto = run_phase("mixed", base, args.pages, {"_mode": "auto"})
        always = run_phase("mixed", base, args.pages, {"_mode": "always"})
        static = run_phase("static", base, args.pages * 3)
        http11 = run_phase("static", base, args.pages * 3, {"DOWNLOAD_HANDLERS": {
            "http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
            "https": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"}})

    series = leak["series"]
    print("leak: renders  crawler_mb  driver_mb  browser_mb")
    for done, crawler_mb, driver_mb, browser_mb in series:
        print(f"leak: {done:7d}  {crawler_mb:10.1f}  {driver_mb:9.1f}  {browser_mb:10.1f}")
    first, last = series[0], series[-1]

    def growth(i: int) -> float:
        return 100.0 * (last[i] - first[i]) / first[i] if first[i] else 0.0

    crawler_growth, driver_growth, browser_growth = growth(1), growth(2), growth(3)
    # The verdict is on the crawler and the browser. The Playwright driver (a Node process) is
    # printed too; its heap moves with V8's garbage collector by +-25% between samples.
    no_leak = crawler_growth <= 10.0 and browser_growth <= 10.0
    print(f"leak: pages opened {leak['rendered']}, closed {leak['closed']}, "
          f"contexts {leak['contexts']}; driver growth {driver_growth:.1f}% "
          f"(min {min(r[2] for r in series):.0f} MB, max {max(r[2] for r in series):.0f} MB)")

    def pps(r: dict) -> float:
        return r["pages"] / r["seconds"]

    print(f"blocking: with {pps(blocked):.2f} pages/s ({blocked['aborted']} requests aborted), "
          f"without {pps(unblocked):.2f} pages/s, speed-up {pps(blocked) / pps(unblocked):.2f}x")
    print(f"mixed (20% need JavaScript): auto {pps(auto):.2f} pages/s ({auto['rendered']} "
          f"rendered), always {pps(always):.2f} pages/s ({always['rendered']} rendered), "
          f"ratio {pps(auto) / pps(always):.2f}")
    print(f"static path: project handler {pps(static):.1f} pages/s, stock HTTP/1.1 handler "
          f"{pps(http11):.1f} pages/s (ratio {pps(static) / pps(http11):.2f})")
    peak = max(c + d + b for _n, c, d, b in series)
    print(f"bench render renders={args.renders} crawler_growth_pct={crawler_growth:.1f} "
          f"browser_growth_pct={browser_growth:.1f} driver_growth_pct={driver_growth:.1f} "
          f"no_leak={'yes' if no_leak else 'no'} "
          f"blocked_pps={pps(blocked):.2f} unblocked_pps={pps(unblocked):.2f} "
          f"auto_pps={pps(auto):.2f} always_pps={pps(always):.2f} "
          f"static_pps={pps(static):.1f} http11_pps={pps(http11):.1f} "
          f"peak_rss_mb={peak:.0f} ratio={pps(auto) / pps(always):.2f}")


if __name__ == "__main__":
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    main()
