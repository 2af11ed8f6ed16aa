"""Parse feeds and sitemaps with lxml, namespace-agnostic, safely (no entities, no network).

Real feeds are messy: missing namespaces, HTML in descriptions, dates in RFC 822 or W3C form or
neither. Every entry with a usable http(s) link is kept; what cannot be read is reported in
`problems` and the rest goes on. Dates that cannot be read keep their raw text.
"""

from __future__ import annotations

import gzip
import io
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from crawler.discovery.model import DiscoveredEntry, Discovery

# A gzipped sitemap may not inflate beyond this (a "zip bomb" guard).
MAX_INFLATED = 64 * 1024 * 1024
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False,
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


def parse_date(raw: str | None) -> datetime | None:
    """W3C datetime (sitemaps, Atom) or RFC 822 (RSS) -> aware UTC; None when unreadable."""
    if not raw:
        return None
    text = raw.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # W3C dates without a zone are read as UTC
    return value.astimezone(UTC)


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


def parse_discovery(body: bytes, url: str) -> Discovery:
    """Read a feed or sitemap; never raises on bad input (problems say what went wrong)."""
    try:
        data = _inflate(body)
        root = etree.fromstring(data, _PARSER) if data.strip() else None
    except (etree.XMLSyntaxError, ValueError, OSError, EOFError) as exc:
        return Discovery("unknown", problems=[f"not_xml: {str(exc)[:200]}"])
    if root is None:
        return Discovery("unknown", problems=["not_xml: empty or unreadable document"])
    kind = _local(root.tag)
    if kind in ("rss", "rdf"):
        return _rss(root, url)
    if kind == "feed":
        return _atom(root, url)
    if kind == "urlset":
        return _urlset(root, url)
    if kind == "sitemapindex":
        return _sitemapindex(root, url)
    return Discovery("unknown", problems=[f"not a feed or sitemap: root element <{kind}>"])


def _rss(root, base: str) -> Discovery:
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
        enclosure = _child(node, "enclosure")
        image = enclosure.get("url") if enclosure is not None and "image" in (enclosure.get("type") or "") else None
        out.entries.append(DiscoveredEntry(
            url=url,
            title=_plain(_text(node, "title")),
            published_at=parse_date(raw),
            published_raw=raw,
            modified_at=parse_date(_text(node, "updated") or _text(node, "modified")),
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


def _atom(root, base: str) -> Discovery:
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
        out.entries.append(DiscoveredEntry(
            url=url,
            title=_plain(_text(node, "title")),
            published_at=parse_date(published_raw or updated),
            published_raw=published_raw or updated,
            modified_at=parse_date(updated),
            summary=_plain(_text(node, "summary") or _text(node, "content")),
            source=source,
        ))
    return out


def _urlset(root, base: str) -> Discovery:
    out = Discovery("sitemap")
    for node in _children(root, "url"):
        url = _link(base, _text(node, "loc"))
        if url is None:
            out.problems.append("url_without_loc")
            continue
        news = _child(node, "news")
        raw = _text(news, "publication_date") if news is not None else None
        image = _text(node, "image", "loc")
        out.entries.append(DiscoveredEntry(
            url=url,
            title=_plain(_text(news, "title")) if news is not None else None,
            published_at=parse_date(raw),
            published_raw=raw,
            modified_at=parse_date(_text(node, "lastmod")),
            source=_text(news, "publication", "name") if news is not None else None,
            language=_text(news, "publication", "language") if news is not None else None,
            image=_link(base, image),
        ))
    return out


def _sitemapindex(root, base: str) -> Discovery:
    out = Discovery("sitemapindex")
    for node in _children(root, "sitemap"):
        url = _link(base, _text(node, "loc"))
        if url is None:
            out.problems.append("sitemap_without_loc")
            continue
        out.sitemaps.append(DiscoveredEntry(url=url, modified_at=parse_date(_text(node, "lastmod"))))
    return out
