"""What a render does in the page after it loads, every step bounded.

These are scrapy-playwright page methods (PageMethod(callable, ...) calls callable(page, ...)).
None of them raises on a timeout or a missing element: a render that could not wait or click
still returns the page as it is, and what happened is the method's result (kept in
request.meta["playwright_page_methods"]) for the spider's stats.
"""

from __future__ import annotations

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

# Resolves when the DOM has been quiet for `quiet` ms (true), or after `limit` ms (false).
_SETTLE_JS = """([quiet, limit]) => new Promise(resolve => {
  let timer = null, cap = null;
  const finish = (ok) => { obs.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(ok); };
  const obs = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(() => finish(true), quiet); });
  obs.observe(document.documentElement || document, {subtree: true, childList: true, characterData: true});
  timer = setTimeout(() => finish(true), quiet);
  cap = setTimeout(() => finish(false), limit);
})"""


async def settle(page: Page, quiet_ms: int = 250, timeout_ms: int = 3000) -> bool:
    """Wait until scripts stop changing the page: no DOM mutation for quiet_ms, at most
    timeout_ms. True when it settled, False when the bound was hit or the page went away."""
    if quiet_ms <= 0:
        return True
    try:
        return bool(await page.evaluate(_SETTLE_JS, [int(quiet_ms), int(max(timeout_ms, quiet_ms))]))
    except PlaywrightError:
        return False


async def wait_for(page: Page, selector: str, timeout_ms: int) -> bool:
    """The profile's wait: True when `selector` appeared within timeout_ms."""
    sel = f"xpath={selector[6:]}" if selector.startswith("xpath:") else \
        (selector[4:] if selector.startswith("css:") else selector)
    try:
        await page.wait_for_selector(sel, state="attached", timeout=timeout_ms)
        return True
    except PlaywrightError:  # TimeoutError is a subclass
        return False


async def click_load_more(page: Page, selector: str, max_clicks: int, quiet_ms: int = 250,
                          timeout_ms: int = 3000) -> int:
    """Click "Load more" while it is visible, at most max_clicks times; returns the clicks made."""
    sel = f"xpath={selector[6:]}" if selector.startswith("xpath:") else \
        (selector[4:] if selector.startswith("css:") else selector)
    clicks = 0
    for _ in range(max(0, max_clicks)):
        button = page.locator(sel).first
        try:
            if not await button.is_visible():
                break
            await button.click(timeout=timeout_ms)
        except PlaywrightError:
            break
        clicks += 1
        await settle(page, quiet_ms, timeout_ms)
    return clicks


async def scroll_down(page: Page, max_scrolls: int, quiet_ms: int = 250,
                      timeout_ms: int = 3000) -> int:
    """Scroll to the bottom at most max_scrolls times, stopping when the page stops growing;
    returns the scrolls that made it grow."""
    grew = 0
    for _ in range(max(0, max_scrolls)):
        try:
            before = await page.evaluate("document.documentElement.scrollHeight")
            await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        except PlaywrightError:
            break
        # Wait for the page to grow (bounded), then for its scripts to finish the batch: a
        # quiet-DOM wait alone can end before a throttled scroll event has even fired.
        try:
            await page.wait_for_function(
                "(before) => document.documentElement.scrollHeight > before", arg=before,
                timeout=timeout_ms,
            )
        except PlaywrightError:  # includes the timeout: the page stopped growing
            break
        await settle(page, quiet_ms, timeout_ms)
        grew += 1
    return grew
