"""Facts about a fetched response that both page and feed parsing need."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.http import Response


def response_time(response: Response) -> datetime:
    """The server's Date header (relative times count back from it), else our clock."""
    raw = response.headers.get(b"Date")
    if raw:
        try:
            value = parsedate_to_datetime(raw.decode("latin-1"))
            if value.tzinfo is not None:
                return value.astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)
