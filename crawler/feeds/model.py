"""What a feed or sitemap says: plain data, no Scrapy, no MongoDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class DiscoveredEntry:
    url: str
    title: str | None = None
    published_at: datetime | None = None  # aware, UTC
    published_raw: str | None = None
    published_precision: str | None = None  # "day" for a date without a time, as on pages
    modified_at: datetime | None = None  # <lastmod> / <updated>: when the page last changed
    modified_raw: str | None = None
    summary: str | None = None
    source: str | None = None  # publisher (news:name, RSS <source>, feed title)
    language: str | None = None
    image: str | None = None


@dataclass
class Discovery:
    kind: str  # "rss" | "atom" | "sitemap" | "sitemapindex" | "unknown"
    entries: list[DiscoveredEntry] = field(default_factory=list)
    sitemaps: list[DiscoveredEntry] = field(default_factory=list)  # children of a sitemap index
    problems: list[str] = field(default_factory=list)

    @property
    def role(self) -> str:
        return "feed" if self.kind in ("rss", "atom") else "sitemap"
