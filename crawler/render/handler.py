"""scrapy-playwright's download handler, adjusted so the static path never pays for a browser.

Differences from the stock handler, each for a reason:
- Lazy start: the stock handler starts the Playwright driver when the engine starts; here
  nothing browser-related starts until the first request with meta["playwright"] (a crawl that
  renders nothing starts no driver and no Chromium). Requests without it go straight to Scrapy's
  HTTP/1.1 handler, exactly as before.
- Context options (RENDER_CONTEXT_OPTIONS: accept_downloads=False, ...) are applied to every
  context it creates, whoever built the request.
- Contexts are recycled every RENDER_CONTEXT_PAGES pages (contexts.ContextRotation).
- Every render is bounded by RENDER_PAGE_TIMEOUT seconds; a page over it is closed, its context
  retired, and the request fails (the spider falls back to the static page).
- Blocking (PLAYWRIGHT_ABORT_REQUEST -> blocking.should_abort) reads its lists from settings.
- Executable: PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"], else CRAWLER_CHROMIUM.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.render import blocking
from crawler.render.browser import chromium_path
from crawler.render.contexts import ContextRotation

log = logging.getLogger(__name__)

DEFAULT_CONTEXT_OPTIONS = {"accept_downloads": False, "service_workers": "block"}


class RenderPageTimeout(Exception):
    """A render went over RENDER_PAGE_TIMEOUT; its page was closed."""


class RenderDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.config.launch_options.setdefault("executable_path", chromium_path(settings))
        options = dict(DEFAULT_CONTEXT_OPTIONS)
        options.update(settings.getdict("RENDER_CONTEXT_OPTIONS") or {})
        options["accept_downloads"] = False  # never a file on disk from a crawled page
        self.context_options = options
        self.page_timeout = settings.getfloat("RENDER_PAGE_TIMEOUT", 60.0)
        self.rotation = ContextRotation(settings.getint("RENDER_CONTEXT_PAGES", 50))
        blocking.configure(settings.getlist("RENDER_BLOCK_RESOURCE_TYPES") or None,
                           settings.getlist("RENDER_BLOCK_HOSTS") or None)
        self._started = False
        self._start_lock = asyncio.Lock()
        self._pages: dict[int, object] = {}

    # The engine_started hooks of the stock handler: start nothing yet.
    async def _maybe_launch_in_thread(self) -> None:
        return None

    def _engine_started(self):  # older Scrapy API
        return None

    async def _ensure_started(self) -> None:
        async with self._start_lock:
            if not self._started:
                await self._maybe_future_from_coro(self._launch())
                self._started = True

    async def _create_page(self, request: Request, spider):
        page = await super()._create_page(request, spider)
        self._pages[id(request)] = page
        return page

    async def _download_request(self, request: Request, spider=None) -> Response:
        await self._ensure_started()
        rotating = request.meta.get("playwright_context") is None or request.meta.get("_render_rotated")
        if rotating:
            name = self.rotation.acquire()
            request.meta["playwright_context"] = name
            request.meta["_render_rotated"] = True
        else:
            name = request.meta["playwright_context"]
        kwargs = dict(self.context_options)
        kwargs.update(request.meta.get("playwright_context_kwargs") or {})
        kwargs["accept_downloads"] = False
        request.meta["playwright_context_kwargs"] = kwargs
        try:
            return await asyncio.wait_for(super()._download_request(request, spider),
                                          timeout=self.page_timeout)
        except TimeoutError:
            self.stats.inc_value("render/page_timeout")
            page = self._pages.get(id(request))
            if page is not None:
                with suppress(Exception):
                    await page.close()
                    self.stats.inc_value("playwright/page_count/closed")
            if rotating:  # no new page goes there; closed below once its pages are done
                self.rotation.retire(name)
            raise RenderPageTimeout(
                f"render of {request.url} took over {self.page_timeout:g}s; page closed") from None
        finally:
            self._pages.pop(id(request), None)
            if rotating and self.rotation.release(name):
                await self._close_context(name)

    async def _close_context(self, name: str) -> None:
        wrapper = self.context_wrappers.get(name)
        if wrapper is None:
            return
        with suppress(Exception):
            await wrapper.context.close()
        self.stats.inc_value("render/contexts_recycled")
