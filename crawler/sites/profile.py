"""Site profiles: what a user may pin about one aggregator without writing code.

A profile names the site's domains, its start pages, the zone and language its times are written
in, whether pages need a browser, which links to follow, and optional selectors that pin fields the
generic extractor gets wrong. Selectors are CSS by default; a value starting with ``xpath:`` is
XPath (``css:`` is accepted for clarity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from crawler.feeds.fields import FieldError, profile_fields
from crawler.politeness.limits import SiteLimits
from crawler.urls import UrlRules

# Fields a selector may pin. lead.* are read from the whole page; related.item selects each teaser
# card, and related.* are read inside one card.
SELECTOR_FIELDS = frozenset(
    {
        "lead.container",
        "lead.headline",
        "lead.body",
        "lead.source",
        "lead.published",
        "lead.image",
        "lead.authors",
        "related.container",
        "related.item",
        "related.headline",
        "related.url",
        "related.source",
        "related.published",
        "related.summary",
        "related.image",
    }
)
TOP_LEVEL_FIELDS = frozenset(
    {
        "name",
        "domains",
        "start_urls",
        "timezone",
        "language",
        "render",
        "max_depth",
        "follow",
        "selectors",
        "noise",
        # Rendering (crawler.render): what a browser waits for and how far it loads more.
        "wait_for",
        "wait_timeout",
        "load_more",
        "max_clicks",
        "max_scrolls",
        # Discovery and incremental crawling (crawler.feeds.fields).
        "feeds",
        "sitemaps",
        "freshness_window",
        "listing_refetch",
        "url_rules",
        # How hard the site may be crawled (crawler.politeness): for a site the user owns.
        "politeness",
    }
)
POLITENESS_FIELDS = frozenset({"concurrency", "delay", "autothrottle"})
RENDER_MODES = ("never", "always", "auto")
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class SiteProfile:
    name: str
    domains: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    timezone: str | None = None
    language: str | None = None
    render: str = "auto"
    max_depth: int = 2
    # CSS/XPath selectors of links to follow from any page of the site (listing -> article).
    follow: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    # Extra strings that are page furniture on this site and never part of a body.
    noise: tuple[str, ...] = ()
    # Rendering: a selector the rendered page must show (render waits for it up to wait_timeout
    # seconds), a "Load more" selector clicked at most max_clicks times, and at most max_scrolls
    # scrolls to the bottom for infinite lists.
    wait_for: str | None = None
    wait_timeout: float = 10.0
    load_more: str | None = None
    max_clicks: int = 3
    max_scrolls: int = 0
    # Discovery and incremental crawling (crawler.feeds.fields): feeds and sitemaps read
    # every run, the article freshness window, the listing re-fetch interval bounds, URL rules.
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    freshness_window: timedelta | None = None
    listing_min_interval: timedelta | None = None
    listing_max_interval: timedelta | None = None
    url_rules: UrlRules | None = None
    # Limits that replace the polite defaults for this site's own domains (crawler.politeness).
    politeness: SiteLimits | None = None
    path: str | None = None

    def matches(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _key_nodes(root: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}


def _check_selector(value: str) -> None:
    # parsel loaded only when a profile has selectors to check (start-up cost)
    from parsel import Selector

    sel = Selector(text="<html><body></body></html>")
    if value.startswith("xpath:"):
        sel.xpath(value[6:])
    else:
        sel.css(value[4:] if value.startswith("css:") else value)


def _selector_problem(value: str) -> str | None:
    try:
        _check_selector(value)
    except Exception as exc:  # parsel raises several types for bad expressions
        return " ".join(str(exc).split())[:200]
    return None


class _Document:
    """One profile's parsed YAML with the line of every top-level field, for error messages."""

    def __init__(self, text: str, path: str):
        self.path = path
        try:
            root = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            # Where the broken construct starts is more useful than where the parser gave up.
            mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
            raise ProfileError(f"{path}:{line}: not valid YAML: {problem}") from None
        if not isinstance(data, dict):
            raise ProfileError(f"{path}:1: a profile is a mapping of fields")
        self.data: dict[str, Any] = data
        self.nodes = _key_nodes(root)

    def error(self, key: str, msg: str, node: yaml.Node | None = None) -> ProfileError:
        return ProfileError(f"{self.path}:{_line_of(node or self.nodes.get(key))}: {key}: {msg}")

    def error_at(self, node: yaml.Node | None, msg: str) -> ProfileError:
        return ProfileError(f"{self.path}:{_line_of(node)}: {msg}")

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def _check_known_fields(doc: _Document) -> None:
    for key in doc.data:
        if key not in TOP_LEVEL_FIELDS:
            raise doc.error_at(doc.nodes.get(key), f"unknown field {key!r} "
                               f"(known: {', '.join(sorted(TOP_LEVEL_FIELDS))})")
    if not doc.get("name"):
        raise ProfileError(f"{doc.path}:1: missing field 'name'")
    for key in ("domains", "start_urls", "follow", "noise"):
        if not isinstance(doc.get(key, []), list):
            raise doc.error(key, "must be a list")


def _page_fields(doc: _Document) -> dict[str, Any]:
    """Zone, language, render mode and depth."""
    tz = doc.get("timezone")
    if tz is not None:
        try:
            ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise doc.error("timezone", f"unknown IANA zone {tz!r}") from None
    lang = doc.get("language")
    if lang is not None and not (isinstance(lang, str) and _LANG.match(lang)):
        raise doc.error("language", f"must be an ISO 639-1 code such as 'en' or 'pt-BR', not {lang!r}")
    render = doc.get("render", "auto")
    if render not in RENDER_MODES:
        raise doc.error("render", f"must be one of {', '.join(RENDER_MODES)}, not {render!r}")
    depth = doc.get("max_depth", 2)
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise doc.error("max_depth", "must be a whole number >= 0")
    return {"timezone": str(tz) if tz else None, "language": lang, "render": render,
            "max_depth": depth}


def _render_fields(doc: _Document) -> dict[str, Any]:
    """What a browser waits for and how far it loads more."""
    wait_timeout = doc.get("wait_timeout", 10.0)
    if isinstance(wait_timeout, bool) or not isinstance(wait_timeout, (int, float)) \
            or not 0 < wait_timeout <= 300:
        raise doc.error("wait_timeout", "must be a number of seconds, more than 0 and at most 300")
    for key in ("max_clicks", "max_scrolls"):
        value = doc.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise doc.error(key, "must be a whole number from 0 to 100")
    for key in ("wait_for", "load_more"):
        value = doc.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise doc.error(key, "must be a selector string")
        problem = _selector_problem(value)
        if problem:
            raise doc.error(key, f"bad selector {value!r}: {problem}")
    return {"wait_for": doc.get("wait_for"), "wait_timeout": float(wait_timeout),
            "load_more": doc.get("load_more"), "max_clicks": doc.get("max_clicks", 3),
            "max_scrolls": doc.get("max_scrolls", 0)}


def _selector_fields(doc: _Document) -> dict[str, Any]:
    """Field pins and the links to follow, each a selector that must compile."""
    selectors = doc.get("selectors") or {}
    if not isinstance(selectors, dict):
        raise doc.error("selectors", "must be a mapping of field: selector")
    sel_nodes = _key_nodes(doc.nodes.get("selectors"))
    for name, value in selectors.items():
        node = sel_nodes.get(name)
        if name not in SELECTOR_FIELDS:
            raise doc.error_at(node, f"selectors: unknown field {name!r} "
                               f"(known: {', '.join(sorted(SELECTOR_FIELDS))})")
        if not isinstance(value, str) or not value.strip():
            raise doc.error_at(node, f"selectors.{name}: must be a selector string")
        problem = _selector_problem(value)
        if problem:
            raise doc.error_at(node, f"selectors.{name}: bad selector {value!r}: {problem}")
    follow = doc.get("follow", [])
    follow_node = doc.nodes.get("follow")
    for i, value in enumerate(follow):
        problem = _selector_problem(str(value))
        if problem:
            node = follow_node
            if isinstance(node, yaml.SequenceNode) and i < len(node.value):
                node = node.value[i]
            raise doc.error_at(node, f"follow: bad selector {value!r}: {problem}")
    return {"selectors": {str(k): str(v) for k, v in selectors.items()},
            "follow": tuple(str(f) for f in follow)}


def _politeness(doc: _Document) -> SiteLimits | None:
    """How hard this site may be crawled: only for a site the user owns or may load so."""
    value = doc.get("politeness")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise doc.error("politeness", "must be a mapping with concurrency, delay, autothrottle")
    nodes = _key_nodes(doc.nodes.get("politeness"))
    unknown = sorted(set(value) - POLITENESS_FIELDS, key=str)
    if unknown:
        raise doc.error("politeness", f"unknown field {unknown[0]!r} "
                        f"(known: {', '.join(sorted(POLITENESS_FIELDS))})", nodes.get(unknown[0]))
    concurrency = value.get("concurrency")
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, int)
                                    or not 1 <= concurrency <= 64):
        raise doc.error("politeness.concurrency", "must be a whole number from 1 to 64",
                        nodes.get("concurrency"))
    delay = value.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, (int, float))
                              or not 0 <= delay <= 3600):
        raise doc.error("politeness.delay", "must be seconds from 0 to 3600", nodes.get("delay"))
    autothrottle = value.get("autothrottle")
    if autothrottle is not None and not isinstance(autothrottle, bool):
        raise doc.error("politeness.autothrottle", "must be true or false",
                        nodes.get("autothrottle"))
    return SiteLimits(concurrency=concurrency, delay=None if delay is None else float(delay),
                      autothrottle=autothrottle)


def parse_profile(text: str, path: str = "<profile>") -> SiteProfile:
    """Validate and build a profile; every error names `path` and the offending line."""
    doc = _Document(text, path)
    _check_known_fields(doc)
    domains = tuple(str(d).lower() for d in doc.get("domains", []))
    try:
        discovery = profile_fields(doc.data, domains)
    except FieldError as exc:
        raise doc.error(exc.key, exc.message) from None
    return SiteProfile(
        name=str(doc.data["name"]),
        domains=domains,
        start_urls=tuple(str(u) for u in doc.get("start_urls", [])),
        noise=tuple(str(n) for n in doc.get("noise", [])),
        politeness=_politeness(doc),
        **_page_fields(doc),
        **_render_fields(doc),
        **_selector_fields(doc),
        **discovery,
        path=path,
    )


def load_profile(path: str | Path) -> SiteProfile:
    """A profile file on disk (`crawler profile check`, tests); crawler.sites.registry finds the
    ones a crawl uses."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{p}: cannot read profile: {exc.strerror}") from None
    return parse_profile(text, str(p))
