"""One parsed tree per page: decoding, parsing and the small text helpers every module shares.

Every extractor works on the same lxml tree so a page is parsed exactly once. Parsing never
raises: undecodable bytes are replaced, NULs dropped, and lxml's recovering parser copes with
broken markup; absurd nesting is cut by libxml2's depth limit rather than by a crash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from crawler.urls import canonical_url

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
_PARSER_UTF8 = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True,
                                    encoding="utf-8")
# lxml.html picks each element's Python class in a Python callback (to give <form>, <input>...
# their own classes), run every time an element is touched: about a tenth of extraction time.
# Every element as a plain HtmlElement, chosen in C, keeps text_content() and the rest.
for _p in (_PARSER, _PARSER_UTF8):
    _p.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
# Elements whose text is never visible prose.
INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "object", "canvas")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(html: str | bytes, content_type: str | None = None) -> str:
    """Bytes -> text honouring BOM, HTTP charset and <meta charset>, falling back sensibly."""
    if isinstance(html, str):
        return html
    _enc, text = html_to_unicode(content_type, bytes(html))
    return text


def norm(text: str | None) -> str:
    """Collapse whitespace (incl. NBSP) and strip; None -> ''."""
    if not text:
        return ""
    return " ".join(text.split())  # str.split() knows every Unicode space, NBSP included


@lru_cache(maxsize=1 << 16)
def attr_match(pattern: re.Pattern, attrs: str) -> bool:
    """`pattern.search(attrs)`, remembered: class strings repeat across a page and across
    pages, and the class-name vocabularies are long alternations (docs/extraction.md: where the
    extraction time goes)."""
    return pattern.search(attrs) is not None


def tag_of(el) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def text_of(el) -> str:
    """Visible text of an element, whitespace-normalised (scripts already stripped)."""
    try:
        return norm(el.text_content())
    except (ValueError, AttributeError):
        return ""


def leaves(el, alt_of: Callable[[object], str | None] | None = None) -> list[tuple[object, str]]:
    """The element's text nodes in reading order as (owning element, text), blanks dropped.

    Separate nodes keep "First Post" and "8 hours ago" apart even when the page shows them
    glued together, which is exactly the boundary a reader cannot see but the markup keeps.
    With `alt_of`, an image whose alt it accepts counts as text where it stands (a publisher's
    logo shows its name only in alt): (img, alt).
    """
    out: list[tuple[object, str]] = []
    try:
        walker = etree.iterwalk(el, events=("start", "end"))
        for event, node in walker:
            if event == "start":
                if not isinstance(node.tag, str):
                    continue
                if alt_of is not None and node.tag == "img":
                    alt = alt_of(node)
                    if alt:
                        out.append((node, alt))
                t = norm(node.text)
                if t:
                    out.append((node, t))
            elif node is not el:
                tail = norm(node.tail)
                if tail:
                    out.append((node.getparent(), tail))
    except (TypeError, ValueError):
        pass
    return out


@dataclass
class Page:
    """A parsed page and what every extractor needs to resolve links on it."""

    root: object
    url: str | None
    base: str | None
    canonical: str | None = None
    self_urls: set[str] = field(default_factory=set)
    key_base: str | None = None  # where relative links are keyed when the page has no address

    _origin: str | None = field(default=None, init=False, repr=False, compare=False)

    def absolute(self, href: str | None) -> str | None:
        """Absolute http(s) URL without fragment, or None for anything else.

        A link that names its own site or starts at the root resolves the same against any
        address of the page's site, so it is resolved (and remembered by absolute_url's cache)
        against the site's origin: the menus and teasers a site repeats on every page are then
        joined once per run, not once per page."""
        base = self.base or self.url
        if href and base and _ORIGIN_RELATIVE.match(href):
            if self._origin is None:
                self._origin = origin(base)
            if self._origin:
                base = self._origin
        return absolute_url(base, href)

    def key(self, url: str) -> str:
        """The key two spellings of one story's URL share (a relative one resolved against the
        page's canonical address when the page came without one)."""
        if not urlsplit(url).scheme:
            url = urljoin(self.canonical or self.key_base or _NOWHERE, url)
        return _key(url)

    def is_self(self, url: str | None) -> bool:
        return bool(url) and self.key(url) in self.self_urls


_NOWHERE = "https://page.invalid/"
# Links whose join with an http(s) base reads only the base's scheme and host (urllib.parse.urljoin):
# a non-empty path from the root, or a host of their own (with or without a scheme). Not "//" or
# "http://" alone: with no host and no path urljoin keeps the base's path.
_ORIGIN_RELATIVE = re.compile(r"\s*(?:/[^/\s]|/\s*$|(?:[hH][tT][tT][pP][sS]?:)?//[^/?#\s])")


def origin(base: str) -> str:
    """scheme://host of an http(s) base as urljoin reads it, or "" when the base is no such URL."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _key(url: str) -> str:
    """One key for every spelling of a URL (tracking, fragment, host case, m./amp. copies)."""
    try:
        key = canonical_url(url)
    except ValueError:
        return url
    return key.replace("://www.", "://", 1)  # www. and bare host are one site on every page


def join_base(base: str, base_origin: str, href: str) -> str:
    """What to join `href` to: the base's origin (see `origin`) when the join reads nothing
    more of the base, so that caches keyed on it serve every page of a site."""
    return base_origin if base_origin and _ORIGIN_RELATIVE.match(href) else base


@lru_cache(maxsize=8192)
def absolute_url(base: str | None, href: str | None) -> str | None:
    """Cached: the same hrefs recur on every page of a site (menus, widgets).

    Without any base (a file read with no URL, no <base href>) a relative link cannot be made
    absolute without guessing, so it comes back relative (fragment dropped) for the caller, who
    knows the page's address, to resolve; a protocol-relative link gets https."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    if not base and href.startswith("//"):
        href = "https:" + href
    try:
        full = urljoin(base, href) if base else href
        parts = urlsplit(full)
    except ValueError:
        return None
    if not base and not parts.scheme and not parts.netloc:
        if not (parts.path or parts.query):
            return None
        return urlunsplit(("", "", parts.path, parts.query, ""))
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def parse(html: str | bytes, url: str | None = None) -> Page | None:
    """Parse once; None when there is no document at all."""
    # Control characters are not allowed in XML text: lxml parses them into the tree but refuses
    # them when text is set later (strip_invisible), so they go before parsing, with NULs.
    text = _CONTROL.sub("", decode(html))
    if not text.strip():
        return None
    try:
        # UTF-8 bytes with the encoding given parse faster than a str lxml must convert itself; the charset was already decided by decode().
        root = lxml.html.document_fromstring(text.encode("utf-8", "surrogatepass"),
                                             parser=_PARSER_UTF8)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        try:
            root = lxml.html.fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
        except Exception:
            return None
    if root is None:
        return None
    base = url
    for b in root.iter("base"):
        href = b.get("href")
        if href:
            base = urljoin(url, href.strip()) if url else href.strip()
        break
    page = Page(root=root, url=url, base=base)
    if url:
        page.self_urls.add(_key(absolute_url(None, url) or url))
    return page


def add_self_url(page: Page, url: str | None) -> None:
    full = page.absolute(url)
    if full:
        if urlsplit(full).scheme:
            page.canonical = page.canonical or full
        page.self_urls.add(page.key(full))


def guess_site(page: Page, more: list[str | None] = ()) -> str | None:
    """The site a page without an address most likely sits on: the host most of its absolute
    links (and `more` addresses, e.g. from structured data) name. Only used to key relative
    links, never shown."""
    counts: dict[str, int] = {}
    hrefs = [a.get("href") for a in page.root.iter("a")] + list(more)
    for href in hrefs:
        href = (href or "").strip()
        if href.startswith(("http://", "https://", "//")):
            try:
                host = urlsplit(href if not href.startswith("//") else "https:" + href).netloc.lower()
            except ValueError:  # "http://[": a broken address names no site
                continue
            if host:
                counts[host] = counts.get(host, 0) + 1
    if not counts:
        return None
    return f"https://{max(counts, key=counts.get)}/"


def strip_invisible(root) -> None:
    """Drop scripts, styles and other invisible subtrees (after structured data was read)."""
    doomed = [el for el in root.iter(*INVISIBLE)]
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        if tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)
