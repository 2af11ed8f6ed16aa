"""The order extraction runs in, over one parsed tree; see crawler.extract for the contract."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import datetime

from crawler import timestamps
from crawler.extract import lang as langmod
from crawler.extract import page_facts, select, structured
from crawler.extract.cards import CardFields, read_card
from crawler.extract.lead import LeadDraft, find, headline
from crawler.extract.model import LeadStory, PageExtraction, TeaserCard
from crawler.extract.parse import (
    Page,
    add_self_url,
    decode,
    guess_site,
    norm,
    parse,
    strip_invisible,
    text_of,
)
from crawler.extract.teasers import Card, find_cards, furniture_map, is_listing_url, select_teasers
from crawler.urls import clean_link

MAX_CHARS = 8_000_000


def _parse_time(raw: str | None, now: datetime, tz: str | None, lang: str | None):
    if not raw:
        return None

    try:
        return timestamps.parse(raw, now, tz=tz, lang=lang)
    except Exception:  # another module's bug must not cost us the page
        return None


# How far a shown time may be from the metadata's before the metadata is taken to be wrong.
_TOLERANCE_S = {"second": 120, "minute": 120, "hour": 3600, "day": 86400, "week": 7 * 86400}
_OTHER_ZONES = ("UTC", "Pacific/Kiritimati")
# A datetime attribute or epoch beside the headline is metadata too, not what the reader sees.
_MACHINE_TIME = re.compile(r"^\s*(?:\d{4}-\d{2}-\d{2}[T ]\d|\d{10}(?:\d{3})?\s*$)")
# Minutes apart is an edit, not a wrong label: copied metadata errs by a zone offset (30 min+).
_MIN_DISAGREEMENT_S = 1800


def _lead_time(draft: LeadDraft, now: datetime, zone: str | None, lang: str | None):
    """(raw, parsed) publication time of the lead.

    Metadata (JSON-LD, meta tags) is exact and usually right, so it wins; but aggregators copy
    it carelessly (local time labelled Z, a shifted date), and then the time printed by the
    headline says otherwise. The printed time overrules the metadata only when it is visible
    text (a datetime attribute is metadata too), unambiguous (relative, or with its own zone: it
    reads the same in any page zone) and more than its own precision and half an hour from the
    metadata's instant (minutes apart is an edit, not a wrong label), or when the metadata
    cannot be read.
    """
    meta = _parse_time(draft.time_raw, now, zone, lang)
    shown_raw = draft.shown_time
    if not shown_raw:
        return draft.time_raw, meta
    if meta is not None and _MACHINE_TIME.match(shown_raw):
        return draft.time_raw, meta  # two machine values: the page's metadata stands
    shown = _parse_time(shown_raw, now, zone, lang)
    if shown is None:
        return draft.time_raw, meta
    if meta is None:
        return shown_raw, shown
    readings = [_parse_time(shown_raw, now, z, lang) for z in _OTHER_ZONES]
    unambiguous = all(r is not None and r.utc == readings[0].utc for r in readings)
    gap = abs((shown.utc - meta.utc).total_seconds())
    if unambiguous and gap > max(_TOLERANCE_S.get(shown.precision, 86400), _MIN_DISAGREEMENT_S):
        return shown_raw, shown
    return draft.time_raw, meta


def _pinned_cards(page: Page, pins: dict, furniture: dict, lead_el) -> list[Card] | None:
    """Teaser cards as the profile pins them; None when the profile pins no teaser list."""
    if "related.item" not in pins and "related.container" not in pins:
        return None
    scopes = select.elements(page.root, pins["related.container"]) if "related.container" in pins \
        else [page.root]
    cards: list[Card] = []
    for scope in scopes:
        if "related.item" not in pins:
            cards.extend(c for c in find_cards(page, furniture, lead_el, scope) if not c.fields.sponsored)
            continue
        for item in select.elements(scope, pins["related.item"]):
            href = select.link(item, pins["related.url"]) if "related.url" in pins else None
            link = None
            for a in item.iter("a"):
                if href is None and a.get("href"):
                    href = a.get("href")
                if a.get("href") == href:
                    link = a
                    break
            url = page.absolute(href)
            if not url:
                continue
            pinned = _pinned_fields(item, pins)
            if all(pinned.values()) and len(pinned) == len(_CARD_PINS):
                f = CardFields(**pinned)  # every field pinned and found: no heuristics needed
            else:
                f = read_card(item, link if link is not None else item)
                for name, value in pinned.items():
                    if value:
                        setattr(f, name, value)
            cards.append(Card(item, link, url, f))
    return cards


# Card field <- (pin, how the pin is read).
_CARD_PINS = {
    "headline": ("related.headline", select.text),
    "source": ("related.source", select.text),
    "time_raw": ("related.published", select.time_value),
    "summary": ("related.summary", select.text),
    "image": ("related.image", select.link),
}


def _pinned_fields(item, pins: dict) -> dict:
    """The card fields the profile pins, as its selectors read them (None when not found)."""
    return {name: read(item, pins[pin]) for name, (pin, read) in _CARD_PINS.items() if pin in pins}


def run(html, url: str | None, now: datetime, tz: str | None, profile, lang: str | None) -> PageExtraction:
    problems: list[str] = []
    if isinstance(html, (bytes, bytearray)) and len(html) > MAX_CHARS:
        html = bytes(html[:MAX_CHARS])
        problems.append("truncated")
    elif isinstance(html, str) and len(html) > MAX_CHARS:
        html = html[:MAX_CHARS]
        problems.append("truncated")
    html = decode(html)
    page = parse(html, url)
    if page is None:
        return PageExtraction(lead=None, problems=[*problems, "empty_document", "no_lead"], follow=[])
    follow_selectors = getattr(profile, "follow", None) or ()
    # Read before anything is stripped from the tree: the spider's parsel code saw it whole.
    follow = page_facts.follow_links(page.root, follow_selectors, html, url) if follow_selectors else []
    modified_raw = page_facts.modified_stamp(page.root)
    st = structured.read(page.root)
    add_self_url(page, st.canonical)
    add_self_url(page, st.meta.get("og:url"))
    if page.url is None and page.canonical is None:
        page.key_base = guess_site(page, [s.url for s in st.related] + [st.article.url if st.article else None])
    strip_invisible(page.root)
    pins = profile.selectors if profile is not None else {}
    noise = frozenset(n.strip().lower() for n in (profile.noise if profile is not None else ()))

    furniture = furniture_map(page.root)
    head = headline(page, st, furniture, profile)
    lead_el = head[1]

    pinned = _pinned_cards(page, pins, furniture, lead_el)
    if pinned is None:
        cards = find_cards(page, furniture, lead_el)
        chosen, blocks = select_teasers(page, cards, lead_el)
    else:
        chosen, blocks = pinned, {c.el for c in pinned}
    titles = {c.fields.headline for c in chosen if c.fields.headline}
    titles |= {norm(r.headline) for r in st.related if r.headline}  # app-state and ItemList teasers

    draft: LeadDraft = find(page, st, head, profile, noise, blocks, titles)
    root_text = draft.body or text_of(page.root)[:3000]
    page_lang = lang or (profile.language if profile is not None else None) or langmod.detect(
        [st.html_lang, st.article.lang if st.article else None, st.meta.get("og:locale"),
         st.meta.get("content-language"), st.meta.get("language")],
        root_text,
    )
    zone = tz or (profile.timezone if profile is not None else None)

    lead = None
    container_missing = "lead.container" in pins and not select.elements(page.root, pins["lead.container"])
    substantial = len(draft.body) >= 150 or bool(draft.headline and (draft.time_raw or st.article))
    if container_missing:
        problems.append("lead_container_not_found")
    if draft.headline and substantial and not container_missing:
        raw, parsed = _lead_time(draft, now, zone, page_lang)
        lead = LeadStory.from_story(
            draft, body=draft.body or None, published_at=parsed.utc if parsed else None,
            published_raw=raw, published_precision=parsed.precision if parsed else None, lang=page_lang,
        )
        add_self_url(page, draft.url)
    else:
        problems.append("no_lead")

    related = _teasers(page, chosen, st, now, zone, page_lang)
    if lead is not None and lead.headline:  # the lead's own card in a list, under another address
        own = norm(lead.headline).casefold()
        related = [t for t in related if norm(t.headline).casefold() != own]
    return PageExtraction(lead=lead, related=related, problems=problems, follow=follow,
                          modified_raw=modified_raw)


def _teasers(page: Page, chosen: list[Card], st, now, zone, page_lang) -> list[TeaserCard]:
    """One teaser per story: occurrences keyed by canonical URL, so a story shown in two widgets
    (other URL form, tracking, truncated title) is listed once and its copies fill the gaps."""
    out: dict[str, TeaserCard] = {}
    tails = _path_tails(page, chosen)
    for c in chosen:
        f = c.fields
        if page.is_self(c.url):
            continue
        t = TeaserCard.from_story(f, url=clean_link(c.url), published_raw=f.time_raw,
                                  image=page.absolute(f.image))
        key = tails.get(c.url) or page.key(c.url)
        if key in out:
            _fill(out[key], t)
        else:
            out[key] = t
    dom_found = bool(out)
    for s in st.related:
        url = page.absolute(s.url)
        if not url or page.is_self(url) or is_listing_url(url, (page.url, page.canonical, page.key_base)):
            continue
        t = TeaserCard.from_story(s, url=clean_link(url), source=s.publisher, published_raw=s.published,
                                  image=page.absolute(s.image))
        key = page.key(url)
        if key in out:
            _fill(out[key], t)
        elif t.headline and not dom_found:  # the visible list wins over metadata
            out[key] = t
    for t in out.values():
        t.headline = _without_publisher(norm(t.headline), t.source) or None
        parsed = _parse_time(t.published_raw, now, zone, page_lang)
        if parsed:
            t.published_at, t.published_precision = parsed.utc, parsed.precision
    return list(out.values())


def _path_tails(page: Page, chosen: list[Card]) -> dict[str, str]:
    """Keys for path-relative links ("story-123") on a page read without an address: the key of
    another card whose path ends with that text, which is the same story written in full."""
    loose = [c.url for c in chosen if c.url and not c.url.startswith("/") and "://" not in c.url]
    if not loose:
        return {}
    full = [c.url for c in chosen if c.url and (c.url.startswith("/") or "://" in c.url)]
    out: dict[str, str] = {}
    for rel in loose:
        tail = "/" + rel.lstrip("./")
        match = next((u for u in full if u.endswith(tail)), None)
        if match:
            out[rel] = page.key(match)
    return out


_SUFFIX_SEPARATORS = (" | ", " - ", " – ", " — ", " · ")


def _without_publisher(headline: str, source: str | None) -> str:
    """A title that metadata suffixed with its publisher ("Title | Publisher") loses the suffix."""
    if headline and source:
        for sep in _SUFFIX_SEPARATORS:
            if headline.endswith(sep + source):
                return headline[: -len(sep + source)].rstrip()
    return headline


def _truncated(short: str, full: str) -> bool:
    """`short` is `full` cut with an ellipsis ("Council delays vo…")."""
    stem = short.rstrip().rstrip(".…").rstrip()
    return len(stem) < len(full) and short.rstrip().endswith(("…", "...")) and full.startswith(stem)


def _fill(into: TeaserCard, other: TeaserCard) -> None:
    """Missing fields from another occurrence; a truncated headline gives way to the full one."""
    if into.headline and other.headline and _truncated(norm(into.headline), norm(other.headline)):
        into.headline = other.headline
    for f in fields(TeaserCard):  # the URL is the key both share; times are parsed after
        if not getattr(into, f.name) and getattr(other, f.name):
            setattr(into, f.name, getattr(other, f.name))
