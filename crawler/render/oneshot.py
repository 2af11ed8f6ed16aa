"""`crawler extract --render`: render a few URLs or local files the way a crawl does.

The same Scrapy download handler, launch options, blocking, context options and page methods
as the spider (crawler.render.requests.render_meta with the URL's site profile), in one
short-lived Scrapy run with no pipelines and no run record. A local file is served from its own
directory by a server on 127.0.0.1 (a free port, for this call only), so scripts and data it
loads by relative or root-relative path load as they would on the site; file:// is not used
because Scrapy's file handler never reaches the browser.
"""

from __future__ import annotations

import gzip
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from w3lib.encoding import html_body_declared_encoding

from crawler.render.browser import browser_problem, launch_path
from crawler.render.sample_site import Route, SampleServer

log = logging.getLogger(__name__)


@dataclass
class Rendered:
    html: str | None = None
    url: str | None = None  # where the browser ended up
    error: str | None = None


def _html_type(data: bytes) -> str:
    """A saved page that declares no charset is read as UTF-8 when it is valid UTF-8, as
    `crawler extract` reads it without --render; a browser would guess windows-1252."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or html_body_declared_encoding(data):
        return "text/html"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "text/html"
    return "text/html; charset=utf-8"


def _file_routes(folder: Path):
    """Serve files under `folder` (decompressing .html.gz), nothing outside it."""

    root = folder.resolve()

    def route(path: str) -> Route | None:
        target = (root / unquote(path).lstrip("/")).resolve()
        if root not in target.parents and target != root:
            return None
        if not target.is_file() and target.with_name(target.name + ".gz").is_file():
            target = target.with_name(target.name + ".gz")
        if not target.is_file():
            return None
        data = target.read_bytes()
        name = target.name
        if name.endswith(".gz"):
            data, name = gzip.decompress(data), name[:-3]
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if ctype == "text/html":
            ctype = _html_type(data)
        return Route(data, ctype)

    return route


def _settings():
    # Scrapy loaded only when `crawler extract --render` asks for a browser (start-up cost)
    from crawler.environment import project_settings

    settings = project_settings()  # what a crawl would use, the environment's overrides included
    keep = "crawler.render.memory.BrowserMemoryUsage"
    # No run record or progress lines for a one-off render; memory checks stay.
    extensions = {k: (v if k == keep else None) for k, v in settings.getdict("EXTENSIONS").items()}
    settings.setdict({
        "ITEM_PIPELINES": {},
        "EXTENSIONS": extensions,
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
    }, priority="cmdline")
    return settings


def render_inputs(items: list[str], profile_for) -> list[Rendered]:
    """Render each item (http(s) URL or local file) in one browser; one result per item."""
    results = [Rendered() for _ in items]
    settings = _settings()
    problem = browser_problem(launch_path(settings))
    if problem:
        return [Rendered(error=f"cannot render: {problem}") for _ in items]
    servers: dict[Path, SampleServer] = {}
    jobs: list[tuple[int, str, object]] = []
    try:
        for i, item in enumerate(items):
            if item.lower().startswith(("http://", "https://")):
                jobs.append((i, item, profile_for(item)))
                continue
            file = Path(item)
            if not file.is_file():
                results[i].error = f"cannot read: no such file: {item}"
                continue
            folder = file.resolve().parent
            if folder not in servers:
                servers[folder] = SampleServer(_file_routes(folder)).start()
            name = file.name[:-3] if file.name.endswith(".gz") else file.name
            jobs.append((i, servers[folder].url("/" + quote(name)), None))
        if jobs:
            _crawl(jobs, results, settings)
    finally:
        for server in servers.values():
            server.stop()
    return results


def _crawl(jobs, results: list[Rendered], settings) -> None:
    # Scrapy loaded only when `crawler extract --render` asks for a browser (start-up cost)
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import TextResponse

    # these import Scrapy too
    from crawler.render.hook import close_page
    from crawler.render.requests import render_meta

    class RenderOnce(scrapy.Spider):
        name = "render-once"

        async def start(self):
            for index, url, profile in jobs:
                meta = render_meta(profile, self.settings)
                meta["render_index"] = index
                yield scrapy.Request(url, callback=self.rendered, errback=self.failed, meta=meta,
                                     dont_filter=True)

        def rendered(self, response):
            out = results[response.meta["render_index"]]
            if isinstance(response, TextResponse):
                out.html, out.url = response.text, response.url
            else:
                out.error = f"not an HTML page ({response.headers.get('Content-Type', b'?').decode()})"

        def failed(self, failure):
            meta = failure.request.meta
            close_page(meta)
            message = " ".join(failure.getErrorMessage().split())[:300]
            results[meta["render_index"]].error = f"render failed: {message}"

    process = CrawlerProcess(settings)
    process.crawl(RenderOnce)
    process.start()
    for index, _url, _profile in jobs:
        if results[index].html is None and results[index].error is None:
            results[index].error = "render failed: no response"
