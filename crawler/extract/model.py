"""The result of reading one page: plain data, no Scrapy, no MongoDB.

Extraction is a pure function of (html, url, fetched_at, zone); these types are what it returns.
The spider turns them into items; `crawler extract` turns them into JSON. Raw and parsed
publication times travel side by side (as in zyte-common-items' Article) so a time that could not
be parsed is never lost.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from crawler.shapes import shared_fields


@dataclass
class LeadStory:
    """The page's own story."""

    headline: str | None = None
    body: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None  # aware, UTC
    published_raw: str | None = None
    published_precision: str | None = None
    source: str | None = None  # publisher name
    image: str | None = None
    lang: str | None = None
    url: str | None = None  # the page's own URL (or its canonical link)
    summary: str | None = None

    @classmethod
    def from_story(cls, story: Any, **read: Any) -> Self:
        """From a draft's fields of the same names; `read` gives what was worked out beside
        them (parsed time, language) and wins."""
        return cls(**{**shared_fields(cls, story), **read})


@dataclass
class TeaserCard:
    """A card that points at another story: related, trending, more-from."""

    headline: str | None = None
    url: str | None = None  # absolute
    source: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    published_precision: str | None = None
    summary: str | None = None
    image: str | None = None

    @classmethod
    def from_story(cls, story: Any, **read: Any) -> Self:
        """From a card's or a structured-data story's fields of the same names; `read` gives
        the rest (the absolute URL and image, fields named otherwise there) and wins."""
        return cls(**{**shared_fields(cls, story), **read})


@dataclass
class PageExtraction:
    lead: LeadStory | None
    related: list[TeaserCard] = field(default_factory=list)
    # Why no lead was found, or other facts the crawl should count (e.g. "no_lead").
    problems: list[str] = field(default_factory=list)
    # For the spider, read from the same tree so it never parses the page again (not part of
    # `crawler extract`'s output): the links the profile's `follow` selectors match (absolute,
    # in selector then document order; None when the page was not read, so the spider reads
    # them itself) and the page's own "last modified" stamp as written.
    follow: list[str] | None = None
    modified_raw: str | None = None


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lead_to_json(lead: LeadStory | None) -> dict | None:
    """The `crawler extract` contract's lead object."""
    if lead is None:
        return None
    return {
        "headline": lead.headline,
        "body": lead.body,
        "authors": list(lead.authors),
        "published_at": _iso(lead.published_at),
        "published_raw": lead.published_raw,
        "source": lead.source,
        "image": lead.image,
        "lang": lead.lang,
    }


def teaser_to_json(teaser: TeaserCard) -> dict:
    """The `crawler extract` contract's related object."""
    return {
        "headline": teaser.headline,
        "url": teaser.url,
        "source": teaser.source,
        "published_at": _iso(teaser.published_at),
        "published_raw": teaser.published_raw,
        "summary": teaser.summary,
    }


def to_dict(extraction: PageExtraction) -> dict:
    return asdict(extraction)
