"""One story seen three ways (a related card, a feed entry, its own full page), prepared as
the pipelines hand them to the store: shared by the write-plan unit tests and the database test
of the same orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.items import Article, Teaser
from tests.support.store_items import prepared

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
URL = "https://paper.example/world/bridge-reopens"
BODY = "The bridge reopened on Monday.\n\nTraffic flowed again."


def related(at=T0, summary="A short snippet."):
    return prepared(Teaser(url=URL, page_url="https://agg.example/a", seen_at=at, position=1,
                           headline="Bridge reopens", source="Paper", summary=summary))


def feed(at=T0, modified=T0 + timedelta(hours=2)):
    """A feed entry dated later than anything the page says (feeds often are)."""
    return prepared(Teaser(url=URL, page_url="https://paper.example/feed.xml", seen_at=at,
                           position=1, headline="Bridge reopens", source="Paper",
                           summary="A short snippet.", role="feed", modified_at=modified,
                           modified_raw=modified.isoformat()))


def page(at=T0 + timedelta(minutes=5), body=BODY, modified=None, summary=None, headline="Bridge reopens"):
    return prepared(Article(url=URL, page_url=URL, seen_at=at, headline=headline,
                            source="Paper", body=body, summary=summary, modified_at=modified,
                            modified_raw=modified.isoformat() if modified else None))
