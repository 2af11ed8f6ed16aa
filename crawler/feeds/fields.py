"""Profile fields for discovery and incremental crawling, validated (crawler.sites.profile calls
this so the profile module only gains a hook).

  feeds:            [URL, ...]   RSS 2.0 / Atom feeds read every run
  sitemaps:         [URL, ...]   sitemaps, sitemap indexes, news sitemaps
  freshness_window: duration     article pages fetched more recently are skipped (default: none)
  listing_refetch:  {min: duration, max: duration}  adaptive interval of listings, feeds, sitemaps
  url_rules:        mapping      crawler.urls.UrlRules for the profile's domains
Durations are seconds or "30m", "6h", "2d".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.durations import parse_duration
from crawler.urls import UrlRules

FIELDS = ("feeds", "sitemaps", "freshness_window", "listing_refetch", "url_rules")


class FieldError(ValueError):
    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def profile_fields(data: dict[str, Any], domains: tuple[str, ...]) -> dict[str, Any]:
    """The SiteProfile keyword arguments of these fields; FieldError names the bad one."""
    out: dict[str, Any] = {}
    for key in ("feeds", "sitemaps"):
        value = data.get(key, [])
        if not isinstance(value, list):
            raise FieldError(key, "must be a list of http(s) URLs")
        for url in value:
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
                raise FieldError(key, f"not an http(s) URL: {url!r}")
        out[key] = tuple(value)
    try:
        out["freshness_window"] = parse_duration(data.get("freshness_window"))
    except ValueError as exc:
        raise FieldError("freshness_window", str(exc)) from None
    refetch = data.get("listing_refetch") or {}
    if not isinstance(refetch, dict) or set(refetch) - {"min", "max"}:
        raise FieldError("listing_refetch", "must be a mapping with 'min' and/or 'max' durations")
    try:
        low, high = parse_duration(refetch.get("min")), parse_duration(refetch.get("max"))
    except ValueError as exc:
        raise FieldError("listing_refetch", str(exc)) from None
    if low and high and low > high:
        raise FieldError("listing_refetch", "min must not be longer than max")
    out["listing_min_interval"], out["listing_max_interval"] = low, high
    rules = data.get("url_rules")
    if rules is not None:
        try:
            out["url_rules"] = UrlRules.from_mapping(rules, domains=domains)
        except ValueError as exc:
            raise FieldError("url_rules", str(exc)) from None
    return out
