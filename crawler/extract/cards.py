"""Reading one teaser card: headline, link, publisher, time, snippet, image.

A card is the largest subtree that links to exactly one story. Inside it, text nodes are
classified by what they look like: a time ("42 minutes ago", <time datetime>), a short name next
to the time (the publisher, even when glued: "Hindustan Herald2 hours ago"), the headline
(a heading, or the story link's text) and the longest remaining prose (the snippet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.extract.noise import is_related_heading, is_sponsored_label, is_ui_string
from crawler.extract.parse import attr_match, leaves, norm, tag_of, text_of
from crawler.extract.timetext import find_time, is_time_text, strip_separators

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SOURCE_HINT = re.compile(
    r"source|publisher|provider|outlet|publication|site-?name|brand|origin|agency|channel|\bpub\b|\bsrc\b|"
    r"media-?name|press|newspaper", re.I)
AUTHOR_HINT = re.compile(r"author|autor|auteur|autore|penulis|yazar|byline|writer|reporter", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=16384)
def headline_like(text: str) -> bool:
    """Long enough to be a story title rather than a menu label (length first: it is the cheap
    test, and most links on a page fail it)."""
    if not text:
        return False
    if not (len(text) >= 8 if _CJK.search(text) else len(text.split()) >= 4 or len(text) >= 24):
        return False
    return not (is_time_text(text) or is_ui_string(text) or is_sponsored_label(text))


@dataclass
class CardFields:
    headline: str | None = None
    source: str | None = None
    time_raw: str | None = None
    summary: str | None = None
    image: str | None = None
    sponsored: bool = False


def _hinted(card, pattern) -> list:
    out = []
    for el in card.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = f"{el.get('class') or ''} {el.get('itemprop') or ''} {el.get('data-testid') or ''}"
        if attrs.strip() and attr_match(pattern, attrs):
            out.append(el)
    return out


_ICON = re.compile(r"fav|icon|logo|sprite|avatar|clock|pixel|spacer", re.I)


def _tiny(img) -> bool:
    for attr in ("width", "height"):
        v = (img.get(attr) or "").strip().removesuffix("px")
        if v.isdigit() and int(v) < 60:
            return True
    return bool(_ICON.search(img.get("src") or "") or _ICON.search(img.get("class") or ""))


def image_of(card) -> str | None:
    for img in card.iter("img", "source"):
        if _tiny(img):
            continue
        for attr in ("src", "data-src", "data-lazy-src", "data-original", "srcset", "data-srcset"):
            v = (img.get(attr) or "").strip()
            if v and not v.startswith("data:"):
                return v.split(",")[0].split()[0]
    return None


_TITLE_CLASS = re.compile(r"title|headline|heading|hed\b|head\b", re.I)
_SENTENCE_END = re.compile(r"[.!?。।؟]$")


def _link_headline(card, link) -> str | None:
    """The story title among a link's texts. A link that wraps a whole card also holds the
    publisher, the time and a summary, so the longest text is often the summary: a title is
    repeated (overlay, title=, image alt), sits in a title-named element, and is not a run of
    sentences; ties go to the first, as titles come before summaries."""
    items = [(el, t) for el, t in leaves(link) if not is_time_text(t) and not is_sponsored_label(t)]
    if not items:
        alt = next((img.get("alt") for img in link.iter("img") if img.get("alt")), None)
        return norm(link.get("title") or alt) or None
    if len(items) == 1 and headline_like(items[0][1]):
        return items[0][1]
    echoes = [t for _el, t in leaves(card)]
    echoes += [norm(link.get("title")), *(norm(img.get("alt")) for img in card.iter("img"))]
    best, best_score = None, None
    for i, (el, t) in enumerate(items):
        if not headline_like(t):
            continue
        score = 0
        if echoes.count(t) >= 2:
            score += 4
        if any(_TITLE_CLASS.search(f"{n.get('class') or ''} {n.get('itemprop') or ''}")
               for n in (el, *list(el.iterancestors())[:2]) if n is not None):
            score += 3
        near = (el, *list(el.iterancestors())[:2])
        if any(SOURCE_HINT.search(n.get("class") or "") or AUTHOR_HINT.search(n.get("class") or "")
               for n in near if n is not None):
            score -= 4
        if _SENTENCE_END.search(t) and not t.endswith(("...", "…")):
            score -= 2
        if len(t) > 160:
            score -= 2
        key = (score, len(t), -i)
        if best_score is None or key > best_score:
            best, best_score = t, key
    if best is None:
        best = max((t for _el, t in items), key=len)
        alt = next((img.get("alt") for img in link.iter("img") if img.get("alt")), None)
        return norm(link.get("title") or alt) or best
    return best


def read_card(card, link, headline_hint: str | None = None, extra: list[str] | None = None,
              sections: frozenset[str] = frozenset()) -> CardFields:
    """A card's fields. `sections` are the page's menu labels: a card's short label equal to
    one is a section kicker ("Sports"), not its publisher."""
    f = CardFields()
    f.headline = _card_headline(card, link) or headline_hint or None
    texts = card_leaves(card) + [(card, t) for t in (extra or [])]
    f.time_raw, time_idx, glued = _card_time(card, texts, f.headline)
    # Publisher: an element named so, else a name glued to the time, else a short name nearby.
    f.source = _hinted_source(card, f.headline) or glued or _nearby_source(
        card, texts, f.headline, time_idx, sections)
    f.summary = _snippet(card, texts, f.headline, f.source)
    f.image = image_of(card)
    f.sponsored = any(is_sponsored_label(t) for _el, t in texts)
    return f


def _card_headline(card, link) -> str | None:
    """A heading inside the card, else the story link's longest non-time text; a title cut
    with an ellipsis is taken whole from the link's title= when it has it."""
    headline = None
    for h in card.iter(*HEADINGS):
        t = text_of(h)
        if headline_like(t):
            headline = t
            break
    if not headline:
        headline = _link_headline(card, link)
    if not headline and card is not link:  # an image-only link: the title is beside it
        headline = _link_headline(card, card)
    if headline and headline.endswith(("…", "...")):
        full = norm(link.get("title"))  # a cut title keeps the full one in title=
        if full and full.startswith(headline.rstrip(".… ")):
            headline = full
    return headline


def _card_time(card, texts: list, headline: str | None) -> tuple[str | None, int | None, str | None]:
    """(time as written, index in `texts` of the leaf that shows it, a publisher glued to it).

    Machine-readable first (<time datetime>, an epoch or ISO data attribute), then a leaf that
    is (or ends in) a time; a name glued to a time ("Hindustan Herald2 hours ago") is the
    publisher."""
    time_raw = machine_time(card)
    for i, (_el, t) in enumerate(texts):
        if t == headline:
            continue
        if is_time_text(t):
            return time_raw or strip_separators(_LEADIN_ICON.sub("", t)), i, None
        hit = find_time(t)
        if hit and len(t) <= 90 and (not hit[0] or not hit[2]):
            before, span, after = hit
            other = _unglue(before) or after
            glued = other if (other and len(other) <= 60 and not other.lower().startswith("by ")
                              and _is_name(other)) else None
            return time_raw or span, i, glued
    return time_raw, None, None


def _hinted_source(card, headline: str | None) -> str | None:
    """The publisher from an element whose class names it (its text, or its logo's alt)."""
    hinted = [el for el in _hinted(card, SOURCE_HINT) if not AUTHOR_HINT.search(el.get("class") or "")]
    for el in hinted:
        t = text_of(el)
        hit = find_time(t)
        if hit and hit[0] and not hit[2]:
            t = _unglue(hit[0])
        t = strip_separators(t)
        if t and len(t) <= 80 and t != headline and not is_time_text(t) and _is_name(t):
            return t
        alt = next((img.get("alt") for img in el.iter("img") if img.get("alt")), None)
        if alt and not is_time_text(alt) and _is_name(alt):
            return norm(alt)
    return None


def _short_name(el, t: str, card, headline: str | None, sections: frozenset[str]) -> bool:
    """Could be the card's publisher line: a few words that are no time, label, sentence,
    byline, section kicker or part of the title."""
    t = strip_separators(t)
    return (bool(t) and len(t) <= 50 and len(t.split()) <= 6 and t != headline
            and not is_time_text(t) and not is_ui_string(t) and not is_sponsored_label(t)
            and not t.endswith((".", "?", "!", "。", "؟")) and not t.lower().startswith("by ")
            and not is_related_heading(t) and _is_name(t) and t.lower() not in sections
            and not _kicker(el, card) and not (headline and t in headline))


def _nearby_source(card, texts: list, headline: str | None, time_idx: int | None,
                   sections: frozenset[str]) -> str | None:
    """The short name beside the time, else a short name after the headline, else any short
    name above it that is not a section kicker."""
    if time_idx is not None:
        worded = [i for i, (_el, t) in enumerate(texts) if strip_separators(t)]  # " - " is no neighbour
        at = worded.index(time_idx) if time_idx in worded else -1
        for k in (at - 1, at + 1):
            if at >= 0 and 0 <= k < len(worded) and _short_name(*texts[worded[k]], card, headline, sections):
                return strip_separators(texts[worded[k]][1])
    head_idx = next((i for i, (_el, t) in enumerate(texts) if t == headline), -1)
    # After the title first, then above it nearest first: a section kicker tops the card,
    # the publisher line sits against the title.
    for el, t in texts[head_idx + 1:] + texts[:max(head_idx, 0)][::-1]:
        if _short_name(el, t, card, headline, sections) and len(t.split()) <= 5 and len(t) <= 40:
            return strip_separators(t)
    return None


def _snippet(card, texts: list, headline: str | None, source: str | None) -> str | None:
    """The longest prose that is not the headline (a <p> of the card wins a tie)."""
    best = ""
    for _el, t in texts:
        if t == headline or t == source or len(t) < 40 or is_time_text(t) or is_ui_string(t):
            continue
        if headline and (t in headline or headline in t):
            continue
        if len(t) > len(best):
            best = t
    paras = [text_of(p) for p in card.iter("p")]
    paras = [p for p in paras if len(p) >= 40 and p != headline]
    if paras and len(max(paras, key=len)) >= len(best):
        best = max(paras, key=len)
    return best or None


# Icon ligature names that pages print before a time ("schedule3 hours ago").
ICON_WORDS = frozenset({"time", "clock", "schedule", "access_time", "watch_later", "update", "event",
                        "calendar", "today", "date_range", "icon", "logo", "avatar", "image", "photo"})
_LEADIN_ICON = re.compile(r"^(?:" + "|".join(sorted(ICON_WORDS, key=len, reverse=True)) + r")(?=\d)", re.I)
KICKER_HINT = re.compile(r"kicker|eyebrow|overline|categor|section|rubri|topic|\btag|label|badge|rank", re.I)
_PREFIX_AGO_TAIL = re.compile(r"(?:hace|há|faz|il y a|vor|منذ|قبل)$", re.I)


def _unglue(before: str) -> str:
    """A publisher glued to a prefix-ago time ("Diario del Valle Surhace 3 h") loses the ago-word."""
    return strip_separators(_PREFIX_AGO_TAIL.sub("", before)) if before else before


def _is_name(text: str) -> bool:
    """Could be a publisher's name: has letters, is not a rank number or an icon's text."""
    t = text.strip()
    return any(ch.isalpha() for ch in t) and t.lower() not in ICON_WORDS


def _kicker(el, card) -> bool:
    """A section label above the title (class says kicker/category/label...), or a link to a
    section page inside a card that links to a story."""
    node = el
    while node is not None:
        attrs = f"{node.get('class') or ''} {node.get('data-testid') or ''}"
        if attrs.strip() and KICKER_HINT.search(attrs) and not SOURCE_HINT.search(attrs):
            return True
        if node is card:
            break
        node = node.getparent()
    return False


_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TIME_ATTR = re.compile(r"time|date|publish|epoch|ts$|stamp|ago", re.I)


def machine_time(card) -> str | None:
    """A time written for machines: <time datetime>, or an epoch / ISO value in a data attribute
    whose name speaks of time (data-ts, data-published, data-epoch...)."""
    for t in card.iter("time"):
        v = norm(t.get("datetime"))
        if v:
            return v
    for el in card.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if not name.startswith("data-") or not _TIME_ATTR.search(name):
                continue
            v = value.strip()
            if _EPOCH.match(v) or _ISO_START.match(v):
                return v
    for t in card.iter("time"):
        v = text_of(t)
        if v:
            return v
    return None


def _logo_alt(img) -> str | None:
    """A small image's alt text (a publisher's logo), not an icon's word."""
    if not _tiny(img):
        return None
    alt = norm(img.get("alt"))
    return alt if alt and alt.lower() not in ICON_WORDS else None


def card_leaves(card) -> list[tuple[object, str]]:
    """The card's text nodes in reading order, plus the alt text of small images (a publisher's
    logo shows its name only in alt) where they stand."""
    return leaves(card, _logo_alt)


def card_is_teaser(card, f: CardFields) -> bool:
    """A card shows a story, not a menu entry: a title plus evidence that it is one."""
    if not f.headline or not headline_like(f.headline):
        return False
    text_len = len(text_of(card)) or 1
    has_heading = any(True for _ in card.iter(*HEADINGS))
    return bool(f.time_raw or has_heading or f.image or len(f.headline) / text_len >= 0.3
                or tag_of(card) == "article")
