"""The render request's meta, built in one place so the spider and `crawler extract --render`
render a page the same way.

scrapy-playwright's download handler renders a request only when meta["playwright"] is true;
every other request stays on Scrapy's own HTTP client. The page methods come from the profile
(wait selector with its timeout, bounded "Load more" clicks and scrolls) and end with a bounded
wait for the DOM to settle, so a list injected a moment after load is in the HTML we read.
"""

from __future__ import annotations

from scrapy_playwright.page import PageMethod

from crawler.render import page_actions

DEFAULT_WAIT_TIMEOUT = 10.0
DEFAULT_MAX_CLICKS = 3


def _setting(settings, name: str, default):
    if settings is None:
        return default
    value = settings.get(name)
    return default if value is None else value


def page_methods(profile, settings=None) -> list[PageMethod]:
    """The steps a render runs after the page loads, each bounded by a timeout or a count."""
    quiet = int(_setting(settings, "RENDER_SETTLE_MS", 250))
    settle_cap = int(_setting(settings, "RENDER_SETTLE_TIMEOUT_MS", 3000))
    methods: list[PageMethod] = []
    wait_for = getattr(profile, "wait_for", None)
    if wait_for:
        timeout = float(getattr(profile, "wait_timeout", None) or DEFAULT_WAIT_TIMEOUT)
        methods.append(PageMethod(page_actions.wait_for, wait_for, int(timeout * 1000)))
    load_more = getattr(profile, "load_more", None)
    max_clicks = int(getattr(profile, "max_clicks", DEFAULT_MAX_CLICKS) or 0)
    if load_more and max_clicks > 0:
        methods.append(PageMethod(page_actions.click_load_more, load_more, max_clicks, quiet,
                                  settle_cap))
    max_scrolls = int(getattr(profile, "max_scrolls", 0) or 0)
    if max_scrolls > 0:
        methods.append(PageMethod(page_actions.scroll_down, max_scrolls, quiet, settle_cap))
    methods.append(PageMethod(page_actions.settle, quiet, settle_cap))
    return methods


def render_meta(profile, settings=None, reason: str = "requested") -> dict:
    """Meta for a Request that must be rendered in the browser."""
    return {
        "playwright": True,
        "playwright_page_methods": page_methods(profile, settings),
        "playwright_page_goto_kwargs": {
            "wait_until": str(_setting(settings, "RENDER_WAIT_UNTIL", "load")),
        },
        # A failed render falls back to the static result; retrying a hung page only multiplies
        # the wait.
        "dont_retry": True,
        "render_reason": reason,
    }


def method_results(meta: dict) -> dict[str, object]:
    """What the page methods reported, by function name (for stats)."""
    out: dict[str, object] = {}
    for pm in meta.get("playwright_page_methods") or ():
        name = getattr(pm.method, "__name__", str(pm.method))
        out[name] = getattr(pm, "result", None)
    return out
