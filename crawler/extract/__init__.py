"""Zero-config extraction: any news page -> its lead story and its related teasers.

    extract(html, url=None, fetched_at=None, tz=None, profile=None, lang=None) -> PageExtraction

Pure (no I/O) and total: it never raises; a page it cannot read comes back as
PageExtraction(lead=None, problems=[reason, ..., "no_lead"]). The page is parsed once; structured
data is read first (structured.py, appstate.py), then teaser cards are found (teasers.py, cards.py)
so their text can be kept out of the lead's body (lead.py, body.py). A SiteProfile's selectors
pin fields (select.py); whatever is not pinned still comes from the heuristics.
docs/extraction.md explains the decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.extract.model import (
    LeadStory,
    PageExtraction,
    TeaserCard,
    lead_to_json,
    teaser_to_json,
)
from crawler.extract.pipeline import run

__all__ = ["LeadStory", "PageExtraction", "TeaserCard", "extract", "lead_to_json", "teaser_to_json"]


def extract(
    html: str | bytes,
    url: str | None = None,
    fetched_at: datetime | None = None,
    tz: str | None = None,
    profile=None,
    lang: str | None = None,
) -> PageExtraction:
    """Split one page into its lead story and related teasers. Never raises."""
    try:
        now = fetched_at or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return run(html, url, now, tz, profile, lang)
    except Exception as exc:  # total by contract: a crawler must survive any page
        return PageExtraction(lead=None, problems=[f"extract_failed: {type(exc).__name__}: {exc}"[:300],
                                                   "no_lead"])
