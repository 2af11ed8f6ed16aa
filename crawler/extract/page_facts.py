"""What the spider needs from a page besides its stories, read from the tree extraction parsed.

The links a site profile's `follow` selectors pick and the page's own "last modified" stamp used
to be read by the spider with parsel, which parsed the whole page a second time. Both are read
here from the one tree, before anything is stripped from it, with the semantics the spider's
parsel code had: links joined to the page's address the way Scrapy's `response.urljoin` does
(the first `<base href>` within the first 4096 characters, then the page URL), in selector order
and, per selector, in document order.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from w3lib.html import get_base_url

from crawler.extract import select
from crawler.extract.parse import join_base, origin

# Where the spider's parsel code looked, most trusted first: the first match of each, its value
# stripped; a blank first match passes to the next source (not to the next match of the same).
# (tag, attribute naming the source, its value, attribute holding the stamp)
_MODIFIED_SOURCES = (
    ("meta", "property", "article:modified_time", "content"),
    ("meta", "itemprop", "dateModified", "content"),
    ("time", "itemprop", "dateModified", "datetime"),
    ("meta", "name", "last-modified", "content"),
)
# Scrapy's get_base_url reads only the start of the page for <base href>.
_BASE_HREF_WINDOW = 4096


def link_base(text: str, url: str | None) -> str:
    """The address relative links are joined to, exactly as Scrapy's `response.urljoin` has it."""
    return get_base_url(text[:_BASE_HREF_WINDOW], url or "")


def follow_links(root, selectors: tuple[str, ...] | list[str], text: str, url: str | None) -> list[str]:
    """The hrefs the profile's follow selectors match on the page `text` parsed into `root`,
    absolute, selectors in order and each selector's matches in document order; duplicates are
    kept (the spider drops them by canonical URL). A matched element gives its href; a string
    match (``::attr(href)``, an XPath ``@href``, ``::text``) is taken as the link itself. An
    element without href is no link: the spider's parsel code once fetched its serialised
    markup as a relative URL."""
    hrefs: list[str] = []
    for selector in selectors:
        for match in select.run(root, selector):
            href = match if isinstance(match, str) else match.get("href")
            if href:
                hrefs.append(href.strip())
    if not hrefs:
        return []
    base = link_base(text, url)
    base_origin = origin(base)
    return [_join(join_base(base, base_origin, href), href) for href in hrefs]


@lru_cache(maxsize=8192)
def _join(base: str, href: str) -> str:
    """urljoin, remembered: a site's menus and "next" links recur on every page."""
    return urljoin(base, href)


def modified_stamp(root) -> str | None:
    """The page's own "last modified" stamp as written, or None (one pass over meta and time)."""
    first: list[str | None] = [None] * len(_MODIFIED_SOURCES)
    found = [False] * len(_MODIFIED_SOURCES)
    for el in root.iter("meta", "time"):
        tag = el.tag
        for i, (want_tag, name, value, holder) in enumerate(_MODIFIED_SOURCES):
            if found[i] or tag != want_tag or el.get(name) != value:
                continue
            stamp = el.get(holder)
            if stamp is not None:  # without the attribute the element is no match at all
                found[i] = True
                first[i] = stamp
    for stamp in first:
        if stamp and stamp.strip():
            return stamp.strip()
    return None
