"""The items spiders yield; together they are the stored schema (docs/schema.md).

An Article is a story read from its own page (completeness "full", role "lead"); a Teaser is a
story seen as a card on another page (completeness "teaser", role "related"). Both are sightings
of one stored document keyed by the canonical-URL fingerprint; a PageSnapshot records what one
fetch of one page showed, in order. A spider yields a page's items together, as one PageItems:
the pipelines take them in the order lead, teasers, snapshot, and the store accepts them in one
journal write, so a page is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from crawler.shapes import shared_fields

SCHEMA_VERSION = 2


@dataclass
class Article:
    url: str
    page_url: str
    seen_at: datetime  # when the page was fetched (UTC)
    aggregator: str | None = None
    headline: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    body: str | None = None
    summary: str | None = None
    image: str | None = None
    lang: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    published_precision: str | None = None
    position: int = 0
    # Filled by pipelines.normalize / pipelines.dedup.
    canonical_url: str | None = None
    fingerprint: str | None = None
    content_hash: str | None = None
    # Discovery and deduplication: the page's modified time as written and as UTC,
    # other URLs of this site that showed the same text, the normalised-text hash, the MinHash
    # signature (uint32 values) and the near-duplicate cluster it joined.
    modified_raw: str | None = None
    modified_at: datetime | None = None
    aliases: list[str] = field(default_factory=list)
    text_hash: str | None = None
    minhash: list[int] | None = None
    cluster_id: str | None = None

    role = "lead"
    completeness = "full"

    @classmethod
    def from_lead(cls, lead: Any, **sighting: Any) -> Self:
        """The item for a page's lead story (crawler.extract's LeadStory); `sighting` gives
        where and when it was seen and wins over the story's own fields (its url)."""
        return cls(**{**shared_fields(cls, lead), **sighting})


@dataclass
class Teaser:
    url: str
    page_url: str
    seen_at: datetime
    position: int  # 1-based place in the page's related list
    aggregator: str | None = None
    headline: str | None = None
    source: str | None = None
    summary: str | None = None
    image: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    published_precision: str | None = None
    canonical_url: str | None = None
    fingerprint: str | None = None
    content_hash: str | None = None
    # A feed's <updated> or a sitemap's <lastmod> for the page (UTC), and as written.
    modified_at: datetime | None = None
    modified_raw: str | None = None
    # "related" for a card on a page; "feed" / "sitemap" for an entry of an RSS/Atom feed or a
    # (news) sitemap, which fills the story until its own page is crawled.
    role: str = "related"

    completeness = "teaser"

    @classmethod
    def from_card(cls, card: Any, **sighting: Any) -> Self:
        """The item for a card on a page (crawler.extract's TeaserCard); `sighting` gives where
        and when it was seen and wins over the card's own fields."""
        return cls(**{**shared_fields(cls, card), **sighting})


@dataclass
class PageSnapshot:
    url: str
    fetched_at: datetime
    status: int
    aggregator: str | None = None
    lead_url: str | None = None
    related_urls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    depth: int = 0
    # Filled by the pipelines: fingerprints of the lead and related stories, in page order.
    lead: str | None = None
    related: list[str] = field(default_factory=list)
    run_id: str | None = None


@dataclass
class PageItems:
    """One fetched page's items, handed through Scrapy as one item: Scrapy's per-item work
    (signals, logging, the pipeline chain) is then paid once per page, not once per story, and
    the page is accepted as a unit. A feed export writes it as one object per page."""

    snapshot: PageSnapshot
    lead: Article | None = None
    related: list[Teaser] = field(default_factory=list)

    def items(self) -> list[Article | Teaser | PageSnapshot]:
        """The stored items in the order the pipelines need: lead, teasers, snapshot (the
        snapshot's story keys resolve through what the lead taught deduplication)."""
        return [*((self.lead,) if self.lead is not None else ()), *self.related, self.snapshot]


Sighting = Article | Teaser
StoredItem = Article | Teaser | PageSnapshot


def stored_items(item: Any) -> Sequence[StoredItem | Any]:
    """The items a yielded item carries: a PageItems' own, else the item itself."""
    return item.items() if isinstance(item, PageItems) else (item,)


def snapshot_of(item: Any) -> PageSnapshot | None:
    """The page snapshot a yielded item is or carries, if any."""
    if isinstance(item, PageItems):
        return item.snapshot
    return item if isinstance(item, PageSnapshot) else None
