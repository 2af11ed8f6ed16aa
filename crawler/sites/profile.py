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
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from crawler.discovery.fields import FieldError, profile_fields
from crawler.urls import UrlRules

PROFILE_DIR = Path(__file__).parent

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
        # Discovery and incremental crawling (crawler.discovery.fields).
        "feeds",
        "sitemaps",
        "freshness_window",
        "listing_refetch",
        "url_rules",
    }
)
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
    # Discovery and incremental crawling (crawler.discovery.fields): feeds and sitemaps read
    # every run, the article freshness window, the listing re-fetch interval bounds, URL rules.
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    freshness_window: timedelta | None = None
    listing_min_interval: timedelta | None = None
    listing_max_interval: timedelta | None = None
    url_rules: UrlRules | None = None
    path: str | None = None

    def matches(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _key_nodes(root: yaml.Node) -> dict[str, yaml.Node]:
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


def parse_profile(text: str, path: str = "<profile>") -> SiteProfile:
    """Validate and build a profile; every error names `path` and the offending line."""
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
    nodes = _key_nodes(root)
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            raise ProfileError(
                f"{path}:{_line_of(nodes.get(key))}: unknown field {key!r} "
                f"(known: {', '.join(sorted(TOP_LEVEL_FIELDS))})"
            )
    if not data.get("name"):
        raise ProfileError(f"{path}:1: missing field 'name'")

    def fail(key: str, msg: str, node: yaml.Node | None = None) -> ProfileError:
        return ProfileError(f"{path}:{_line_of(node or nodes.get(key))}: {key}: {msg}")

    tz = data.get("timezone")
    if tz is not None:
        try:
            ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise fail("timezone", f"unknown IANA zone {tz!r}") from None
    lang = data.get("language")
    if lang is not None and not (isinstance(lang, str) and _LANG.match(lang)):
        raise fail("language", f"must be an ISO 639-1 code such as 'en' or 'pt-BR', not {lang!r}")
    render = data.get("render", "auto")
    if render not in RENDER_MODES:
        raise fail("render", f"must be one of {', '.join(RENDER_MODES)}, not {render!r}")
    depth = data.get("max_depth", 2)
    if not isinstance(depth, int) or depth < 0:
        raise fail("max_depth", "must be a whole number >= 0")
    wait_timeout = data.get("wait_timeout", 10.0)
    if isinstance(wait_timeout, bool) or not isinstance(wait_timeout, (int, float)) \
            or not 0 < wait_timeout <= 300:
        raise fail("wait_timeout", "must be a number of seconds, more than 0 and at most 300")
    for key in ("max_clicks", "max_scrolls"):
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise fail(key, "must be a whole number from 0 to 100")
    for key in ("wait_for", "load_more"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "must be a selector string")
        try:
            _check_selector(value)
        except Exception as exc:
            reason = " ".join(str(exc).split())[:200]
            raise fail(key, f"bad selector {value!r}: {reason}") from None
    for key in ("domains", "start_urls", "follow", "noise"):
        if not isinstance(data.get(key, []), list):
            raise fail(key, "must be a list")
    try:
        discovery = profile_fields(data, tuple(str(d).lower() for d in data.get("domains", [])))
    except FieldError as exc:
        raise fail(exc.key, exc.message) from None
    selectors = data.get("selectors") or {}
    if not isinstance(selectors, dict):
        raise fail("selectors", "must be a mapping of field: selector")
    sel_nodes = _key_nodes(nodes["selectors"]) if "selectors" in nodes else {}
    for name, value in selectors.items():
        node = sel_nodes.get(name)
        if name not in SELECTOR_FIELDS:
            raise ProfileError(
                f"{path}:{_line_of(node)}: selectors: unknown field {name!r} "
                f"(known: {', '.join(sorted(SELECTOR_FIELDS))})"
            )
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{path}:{_line_of(node)}: selectors.{name}: must be a selector string")
        try:
            _check_selector(value)
        except Exception as exc:  # parsel raises several types for bad expressions
            reason = " ".join(str(exc).split())[:200]
            raise ProfileError(f"{path}:{_line_of(node)}: selectors.{name}: bad selector {value!r}: {reason}") from None
    for i, value in enumerate(data.get("follow", [])):
        try:
            _check_selector(str(value))
        except Exception as exc:
            node = nodes.get("follow")
            if isinstance(node, yaml.SequenceNode) and i < len(node.value):
                node = node.value[i]
            reason = " ".join(str(exc).split())[:200]
            raise ProfileError(f"{path}:{_line_of(node)}: follow: bad selector {value!r}: {reason}") from None
    return SiteProfile(
        name=str(data["name"]),
        domains=tuple(str(d).lower() for d in data.get("domains", [])),
        start_urls=tuple(str(u) for u in data.get("start_urls", [])),
        timezone=str(tz) if tz else None,
        language=data.get("language"),
        render=render,
        max_depth=depth,
        follow=tuple(str(f) for f in data.get("follow", [])),
        selectors={str(k): str(v) for k, v in selectors.items()},
        noise=tuple(str(n) for n in data.get("noise", [])),
        wait_for=data.get("wait_for"),
        wait_timeout=float(wait_timeout),
        load_more=data.get("load_more"),
        max_clicks=data.get("max_clicks", 3),
        max_scrolls=data.get("max_scrolls", 0),
        **discovery,
        path=path,
    )


def load_profile(path: str | Path) -> SiteProfile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{p}: cannot read profile: {exc.strerror}") from None
    return parse_profile(text, str(p))


@lru_cache(maxsize=1)
def all_profiles() -> tuple[SiteProfile, ...]:
    return tuple(load_profile(p) for p in sorted(PROFILE_DIR.glob("*.yaml")))


def get_profile(name: str) -> SiteProfile:
    for profile in all_profiles():
        if profile.name == name:
            return profile
    raise ProfileError(f"no site profile named {name!r} in {PROFILE_DIR}")


def profile_for_url(url: str) -> SiteProfile | None:
    for profile in all_profiles():
        if profile.matches(url):
            return profile
    return None
