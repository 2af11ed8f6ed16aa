"""Parse feeds and sitemaps with lxml, namespace-agnostic, safely (no entities, no network).

Real feeds are messy: missing namespaces, HTML in descriptions, dates in RFC 822 or W3C form or
neither, zone names RFC 822 does not know (CET, CEST, BST, IST), documents cut off mid-way. Every
entry with a usable http(s) link is kept; what cannot be read is reported in `problems` (a broken
document once, however many errors the recovering parser met) and the rest goes on. Dates are
read by crawler.timestamps, the parser every other page time goes through, so a feed and a page
agree on what "06:00 CEST" is; dates that cannot be read keep their raw text.
"""

from __future__ import annotations

import gzip
import io
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from crawler import timestamps
from crawler.feeds.model import DiscoveredEntry, Discovery

# A gzipped sitemap may not inflate beyond this (a "zip bomb" guard).
MAX_INFLATED = 64 * 1024 * 1024


def _parser() -> etree.XMLParser:
    """A fresh recovering parser per document: its error log says whether this one was broken."""
    return etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False,
                           remove_comments=True, remove_pis=True)

_SPACE = re.compile(r"\s+")


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _children(node, name: str):
    return [c for c in node if _local(c.tag) == name]


def _child(node, name: str):
    for c in node:
        if _local(c.tag) == name:
            return c
    return None


def _text(node, *path: str) -> str | None:
    for name in path:
        if node is None:
            return None
        node = _child(node, name)
    if node is None:
        return None
    value = _SPACE.sub(" ", "".join(node.itertext())).strip()
    return value or None


def _plain(value: str | None) -> str | None:
    """Feed descriptions often carry escaped HTML: keep the text only."""
    if not value:
        return None
    if "<" in value or "&" in value:  # escaped markup or entities (type="html" titles)
        try:
            value = html.fromstring(value).text_content()
        except (etree.ParserError, ValueError):
            pass
    value = _SPACE.sub(" ", value).strip()
    return value or None


class _Dates:
    """Reads a document's dates with one context: the fetch time (dates are never later than it)
    and the site's zone (a W3C date without a zone is local time there, UTC when unknown)."""

    def __init__(self, now: datetime | None, tz: str | None):
        self.now = now or datetime.now(UTC)
        self.tz = tz

    def read(self, raw: str | None) -> timestamps.ParsedTime | None:
        return timestamps.parse(raw.strip(), self.now, tz=self.tz) if raw and raw.strip() else None

    def instant(self, raw: str | None) -> datetime | None:
        parsed = self.read(raw)
        return parsed.utc if parsed else None


def _link(base: str, value: str | None) -> str | None:
    if not value:
        return None
    url = urljoin(base, value.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _inflate(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
        data = fh.read(MAX_INFLATED + 1)
    if len(data) > MAX_INFLATED:
        raise ValueError(f"gzipped document inflates beyond {MAX_INFLATED} bytes")
    return data


def parse_discovery(body: bytes, url: str, now: datetime | None = None, tz: str | None = None) -> Discovery:
    """Read a feed or sitemap; never raises on bad input (problems say what went wrong). `now`
    is the fetch time (default: the clock), `tz` the site's zone (default: none, UTC)."""
    parser = _parser()
    try:
        data = _inflate(body)
        root = etree.fromstring(data, parser) if data.strip() else None
    except (etree.XMLSyntaxError, ValueError, OSError, EOFError) as exc:
        return Discovery("unknown", problems=[f"not_xml: {str(exc)[:200]}"])
    if root is None:
        return Discovery("unknown", problems=["not_xml: empty or unreadable document"])
    kind = _local(root.tag)
    dates = _Dates(now, tz)
    if kind in ("rss", "rdf"):
        out = _rss(root, url, dates)
    elif kind == "feed":
        out = _atom(root, url, dates)
    elif kind == "urlset":
        out = _urlset(root, url, dates)
    elif kind == "sitemapindex":
        out = _sitemapindex(root, url, dates)
    else:
        return Discovery("unknown", problems=[f"not a feed or sitemap: root element <{kind}>"])
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        first = errors[0]
        if _cut_inside_entry(data):  # its link may be cut short too: not followed
            (out.sitemaps if out.sitemaps else out.entries)[-1:] = []
        out.problems.insert(0, f"broken_xml: truncated or malformed document, read up to line "
                               f"{first.line} ({first.message.strip()[:120]}); "
                               f"{len(out.entries) + len(out.sitemaps)} entries recovered")
    return out


_ENTRY_END = re.compile(rb"</\s*(?:\w+:)?(?:item|entry|url|sitemap|channel|rss|rdf|feed|urlset|sitemapindex)\s*>\s*$",
                        re.IGNORECASE)


def _cut_inside_entry(data: bytes) -> bool:
    """A document that stops before an entry's (or the root's) closing tag was cut inside its
    last entry."""
    return _ENTRY_END.search(data[-200:].rstrip()) is None


def _rss(root, base: str, dates: _Dates) -> Discovery:
    out = Discovery("rss")
    channel = _child(root, "channel")
    feed_title = _text(channel, "title") if channel is not None else None
    items = _children(channel, "item") if channel is not None else []
    items += _children(root, "item")  # RSS 1.0 (RDF) keeps items beside the channel
    for node in items:
        link = _text(node, "link")
        guid = _child(node, "guid")
        if not link and guid is not None and guid.get("isPermaLink", "true").lower() != "false":
            link = _text(node, "guid")
        url = _link(base, link)
        if url is None:
            out.problems.append("item_without_link")
            continue
        raw = _text(node, "pubdate") or _text(node, "date")  # dc:date in RSS 1.0
        published = dates.read(raw)
        modified_raw = _text(node, "updated") or _text(node, "modified")
        enclosure = _child(node, "enclosure")
        image = enclosure.get("url") if enclosure is not None and "image" in (enclosure.get("type") or "") else None
        out.entries.append(DiscoveredEntry(
            url=url,
            title=_plain(_text(node, "title")),
            published_at=published.utc if published else None,
            published_raw=raw,
            published_precision=published.precision if published else None,
            modified_at=dates.instant(modified_raw),
            modified_raw=modified_raw,
            summary=_plain(_text(node, "description")),
            source=_text(node, "source") or feed_title,
            image=_link(base, image),
        ))
    return out


def _atom_link(entry, base: str) -> str | None:
    fallback = None
    for link in _children(entry, "link"):
        rel = (link.get("rel") or "alternate").lower()
        if rel == "alternate" and (link.get("type") or "text/html").startswith("text/html"):
            return _link(base, link.get("href"))
        fallback = fallback or (_link(base, link.get("href")) if rel == "alternate" else None)
    return fallback


def _atom(root, base: str, dates: _Dates) -> Discovery:
    out = Discovery("atom")
    feed_title = _text(root, "title")
    for node in _children(root, "entry"):
        url = _atom_link(node, base)
        if url is None:
            out.problems.append("entry_without_link")
            continue
        published_raw = _text(node, "published") or _text(node, "issued")
        updated = _text(node, "updated") or _text(node, "modified")
        source = _text(node, "source", "title") or feed_title  # the publisher, not the author
        published = dates.read(published_raw or updated)
        out.entries.append(DiscoveredEntry(
            url=url,
            title=_plain(_text(node, "title")),
            published_at=published.utc if published else None,
            published_raw=published_raw or updated,
            published_precision=published.precision if published else None,
            modified_at=dates.instant(updated),
            modified_raw=updated,
            summary=_plain(_text(node, "summary") or _text(node, "content")),
            source=source,
        ))
    return out


def _urlset(root, base: str, dates: _Dates) -> Discovery:
    out = Discovery("sitemap")
    for node in _children(root, "url"):
        url = _link(base, _text(node, "loc"))
        if url is None:
            out.problems.append("url_without_loc")
            continue
        news = _child(node, "news")
        raw = _text(news, "publication_date") if news is not None else None
        published = dates.read(raw)
        lastmod = _text(node, "lastmod")
        image = _text(node, "image", "loc")
        out.entries.append(DiscoveredEntry(
            url=url,
            title=_plain(_text(news, "title")) if news is not None else None,
            published_at=published.utc if published else None,
            published_raw=raw,
            published_precision=published.precision if published else None,
            modified_at=dates.instant(lastmod),
            modified_raw=lastmod,
            source=_text(news, "publication", "name") if news is not None else None,
            language=_text(news, "publication", "language") if news is not None else None,
            image=_link(base, image),
        ))
    return out


def _sitemapindex(root, base: str, dates: _Dates) -> Discovery:
    out = Discovery("sitemapindex")
    for node in _children(root, "sitemap"):
        url = _link(base, _text(node, "loc"))
        if url is None:
            out.problems.append("sitemap_without_loc")
            continue
        out.sitemaps.append(DiscoveredEntry(url=url, modified_at=dates.instant(_text(node, "lastmod"))))
    return out
