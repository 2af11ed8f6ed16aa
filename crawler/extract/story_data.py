"""The shapes structured data is read into, and the tolerant JSON reader, shared by the
structured-data reader (crawler.extract.structured) and the app-state reader
(crawler.extract.appstate) so that neither imports the other's internals."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field


@dataclass
class StoryData:
    """A story as structured data describes it; any field may be missing."""

    headline: str | None = None
    url: str | None = None
    body: str | None = None
    summary: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    image: str | None = None
    lang: str | None = None
    from_jsonld: bool = False  # metadata, not what the page shows: app state may correct it


@dataclass
class Structured:
    article: StoryData | None = None  # the page's own story per JSON-LD / microdata / app state
    related: list[StoryData] = field(default_factory=list)  # ItemList / app-state lists
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased meta/og names -> content
    canonical: str | None = None
    html_lang: str | None = None
    app_body_html: bool = False
    app_article: StoryData | None = None  # the lead as the app state alone describes it


# --- tolerant JSON -----------------------------------------------------------------------------

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def loads_lenient(text: str):
    """json.loads that survives what CMSs emit: CDATA, comments, trailing commas, raw newlines,
    several objects back to back. Returns None when nothing can be salvaged."""
    text = text.strip()
    if not text:
        return None
    text = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    text = re.sub(r"(-->|//\s*\]\]>|\]\]>)\s*$", "", text).strip().rstrip(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", _CTRL.sub(" ", text))):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    # Several top-level values, or garbage after the first value.
    decoder = json.JSONDecoder(strict=False)
    values, idx = [], 0
    cleaned = _TRAILING_COMMA.sub(r"\1", _CTRL.sub(" ", text))
    while idx < len(cleaned):
        while idx < len(cleaned) and cleaned[idx] in " \t\r\n,;":
            idx += 1
        if idx >= len(cleaned):
            break
        try:
            value, idx = decoder.raw_decode(cleaned, idx)
        except (ValueError, RecursionError):
            break
        values.append(value)
    return values or None
