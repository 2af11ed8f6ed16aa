"""The page's own story: headline, body, byline, publisher, time, image.

Order of trust per field: a profile pin, then what the page states in structured data or the
visible "meta line" under the headline, then guesses. The publisher is special on aggregators:
the page's own JSON-LD/og:site_name names the aggregator, while the story's publisher is the name
printed beside its time ("First Post · 8 hours ago"), so a visible publisher wins over the
site's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from crawler.extract import select
from crawler.extract.blocks import Block, collect
from crawler.extract.body import body_text, pick_container
from crawler.extract.cards import AUTHOR_HINT, SOURCE_HINT, headline_like
from crawler.extract.maintext import clean_body, main_text, mostly_teaser_text
from crawler.extract.noise import is_sponsored_label, is_ui_string
from crawler.extract.parse import Page, leaves, norm, tag_of, text_of
from crawler.extract.structured import Structured
from crawler.extract.timetext import find_time, is_time_text, strip_separators

_TITLE_SPLIT = re.compile(r"\s+(?:[|\-–—:·»]|::)\s+")
_BY = re.compile(r"^(?:by|por|par|von|di|oleh|от|द्वारा)\s+", re.I)
META_TIME_KEYS = ("article:published_time", "og:article:published_time", "datepublished",
                  "pubdate", "publishdate", "publish-date", "article.published", "dc.date.issued",
                  "dc.date", "parsely-pub-date", "sailthru.date", "date", "og:published_time",
                  "article:modified_time")
SHORT_BODY = 300  # chars: below this the own density picker gets a say on the body


@dataclass
class LeadDraft:
    headline: str | None = None
    headline_el: object = None
    body: str = ""
    container: object = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    time_raw: str | None = None
    image: str | None = None
    summary: str | None = None
    url: str | None = None


def _similar(a: str, b: str) -> float:
    a, b = a.lower(), b.lower()
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.9
    return SequenceMatcher(None, a[:200], b[:200]).ratio()


def _clean_title(title: str | None, site: str | None) -> str | None:
    if not title:
        return None
    parts = _TITLE_SPLIT.split(title)
    if len(parts) > 1:
        if site and any(_similar(p, site) > 0.8 for p in parts):
            parts = [p for p in parts if _similar(p, site) <= 0.8]
        title = max(parts, key=len) if len(parts) > 1 else (parts[0] if parts else title)
    return norm(title) or None


def _headline(page: Page, st: Structured, furniture: dict) -> tuple[str | None, object]:
    site = st.meta.get("og:site_name")
    hints = [x for x in ((st.article.headline if st.article else None), st.meta.get("og:title"),
                         st.meta.get("twitter:title")) if x]
    title_el = page.root.find(".//title")
    if title_el is not None and text_of(title_el):
        hints.append(_clean_title(text_of(title_el), site))
    best, best_score = None, 0.0
    for i, h in enumerate(page.root.iter("h1", "h2")):
        if (1.2 if tag_of(h) == "h1" else 0.8) - i * 0.01 <= best_score:
            continue  # cannot win even with a perfect match below: skip the costly similarity
        if furniture.get(h) == "nav":
            continue
        t = text_of(h)
        if not headline_like(t):
            continue
        sim = max((_similar(t, x) for x in hints if x), default=0.0)
        # An h1 that reads like a story is the page's own claim; an h2 must match the title.
        score = 0.7 + sim * 0.5 if tag_of(h) == "h1" else sim * 0.8
        score -= i * 0.01
        if score > best_score:
            best, best_score = h, score
    if best is not None and (best_score >= 0.6 or not hints):
        return text_of(best), best
    for h in hints:
        cleaned = _clean_title(h, site) if h is not (st.article.headline if st.article else None) else h
        if cleaned:
            if best is not None and _similar(text_of(best), cleaned) > 0.8:
                return cleaned, best
            shown = _element_with_text(page.root, cleaned, furniture)
            return (text_of(shown) if shown is not None else cleaned), shown
    if best is not None:
        return text_of(best), best
    return None, None


def _title_site(page: Page, headline: str | None) -> str | None:
    """What <title> says besides the headline ("Town Crier: Village fete..." -> "Town Crier")."""
    title_el = page.root.find(".//title")
    title = text_of(title_el) if title_el is not None else ""
    if not headline or not title or headline not in title:
        return None
    rest = strip_separators(title.replace(headline, " ").strip())
    return rest if 2 <= len(rest) <= 40 else None


def _element_with_text(root, text: str, furniture: dict):
    """The visible element that prints the title (old layouts use <b>/<font>, not <h1>)."""
    key = text.lower()
    body = root.find(".//body")
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str) or furniture.get(el) == "nav" or tag_of(el) in ("title", "a"):
            continue
        if not el.text or tag_of(el) in ("body", "html"):
            continue
        own = norm(el.text).lower()
        if own and own in key and len(own) >= 0.5 * len(key) and headline_like(own):
            full = text_of(el).lower()
            if full == own or full == key:
                return el
    return None


def _meta_line(head_el, stop: set, limit: int = 30) -> tuple[list, list]:
    """Text nodes around the headline, before the prose starts: where bylines live.

    Returns (a few nodes before the headline, nodes after it)."""
    region = head_el
    for _ in range(3):
        parent = region.getparent()
        if parent is None or tag_of(parent) == "html":
            break
        region = parent
        if len(leaves(region)) > 3 or tag_of(region) == "body":
            break
    before: list[tuple[object, str]] = []
    out: list[tuple[object, str]] = []
    started = False
    for el, t in leaves(region):
        inside_head = el is head_el or head_el in set(el.iterancestors())
        if inside_head:
            started = True
            continue
        if not started:
            before = [*before[-3:], (el, t)]
            continue
        if len(t) > 200 or len(out) >= limit or (stop and any(x in stop for x in el.iterancestors())):
            break
        out.append((el, t))
    return before, out


def _homepage_link_name(pairs: list[tuple[object, str]], page_host: str) -> str | None:
    """A short link to another site's home page next to the headline names the publisher."""
    from urllib.parse import urlsplit

    for el, t in pairs:
        for a in [el, *list(el.iterancestors())[:2]]:
            if tag_of(a) != "a" or not a.get("href"):
                continue
            parts = urlsplit(a.get("href"))
            if parts.netloc and parts.netloc.lower() != page_host and parts.path in ("", "/"):
                name = strip_separators(t)
                if name and len(name) <= 50:
                    return name
    return None


def _meta_time_and_source(line: list[tuple[object, str]], authors: list[str]) -> tuple[str | None, str | None]:
    time_raw, source = None, None
    author_keys = {a.lower() for a in authors}

    def is_author(el, t: str) -> bool:
        attrs = " ".join(f"{x.get('class') or ''} {x.get('rel') or ''} {x.get('itemprop') or ''}"
                         for x in [el, *list(el.iterancestors())[:2]])
        return bool(AUTHOR_HINT.search(attrs)) or bool(_BY.match(t)) or t.lower() in author_keys

    for i, (el, t) in enumerate(line):
        for x in [el, *list(el.iterancestors())[:2]]:
            attrs = f"{x.get('class') or ''} {x.get('itemprop') or ''}"
            if SOURCE_HINT.search(attrs) and not AUTHOR_HINT.search(attrs):
                cand = strip_separators(t)
                hit = find_time(cand)
                if hit and hit[0] and not hit[2]:
                    cand = hit[0]
                if cand and not is_time_text(cand) and source is None:
                    source = cand
                break
        if time_raw is None:
            if tag_of(el) == "time" and (el.get("datetime") or "").strip():
                time_raw = el.get("datetime").strip()
            elif is_time_text(t):
                time_raw = strip_separators(t)
            else:
                hit = find_time(t)
                if hit and len(t) <= 90 and (not hit[0] or not hit[2]):
                    time_raw = hit[1]
                    other = hit[0] or hit[2]
                    if other and source is None and not is_author(el, other) and len(other) <= 60:
                        source = other
            if time_raw and source is None:
                for j in (i - 1, i + 1):
                    if 0 <= j < len(line):
                        pel, pt = line[j]
                        pt = strip_separators(pt)
                        if (pt and len(pt) <= 50 and not is_time_text(pt) and not is_author(pel, pt)
                                and not is_ui_string(pt) and not is_sponsored_label(pt)
                                and not pt.endswith((".", "?", "!"))):
                            source = pt
                            break
    return time_raw, source


def _authors(page: Page, st: Structured, scope) -> list[str]:
    if st.article and st.article.authors:
        return st.article.authors
    meta = st.meta.get("author") or st.meta.get("article:author") or st.meta.get("byl")
    if meta and not meta.startswith("http"):
        return [_BY.sub("", m).strip() for m in re.split(r",| and ", meta) if m.strip()]
    out: list[str] = []
    nodes = [el for el in (scope if scope is not None else page.root).iter() if isinstance(el.tag, str)]
    explicit = [el for el in nodes if "author" in f"{el.get('rel') or ''} {el.get('itemprop') or ''}"]
    for el in explicit or nodes:
        attrs = f"{el.get('class') or ''} {el.get('rel') or ''} {el.get('itemprop') or ''}"
        if not attrs.strip() or not AUTHOR_HINT.search(attrs):
            continue
        t = _BY.sub("", text_of(el))
        hit = find_time(t)
        if hit and hit[0]:
            t = hit[0]
        for name in re.split(r",| and | y | e | et | und ", t):
            name = strip_separators(name)
            if name and len(name) <= 60 and not is_time_text(name) and name not in out:
                out.append(name)
        if out:
            break
    return out


def headline(page: Page, st: Structured, furniture: dict, profile) -> tuple[str | None, object]:
    """The lead's headline and its element (pinned or found)."""
    pins = profile.selectors if profile is not None else {}
    if "lead.headline" in pins:
        base = page.root
        if "lead.container" in pins:
            found = select.elements(page.root, pins["lead.container"])
            base = found[0] if found else page.root
        text = select.text(base, pins["lead.headline"])
        if text:
            hs = select.elements(base, pins["lead.headline"])
            return text, (hs[0] if hs else None)
    return _headline(page, st, furniture)


def find(page: Page, st: Structured, head: tuple[str | None, object], profile,
         noise: frozenset[str], teaser_blocks: set, teaser_titles: set[str]) -> LeadDraft:
    d = LeadDraft()
    pins = profile.selectors if profile is not None else {}
    root = page.root
    scope = None
    if "lead.container" in pins:
        found = select.elements(root, pins["lead.container"])
        scope = found[0] if found else None
    base = scope if scope is not None else root

    d.headline, d.headline_el = head

    d.authors = select.texts(base, pins["lead.authors"]) if "lead.authors" in pins else []
    if not d.authors:
        d.authors = _authors(page, st, scope)
    d.authors = [_BY.sub("", a).strip() for a in d.authors if a.strip()]

    if "lead.body" in pins:
        parts = []
        for el in select.elements(base, pins["lead.body"]):
            blocks = collect(el, teaser_blocks)
            parts.append(body_text(blocks, el, d.headline, noise, teaser_titles))
        d.body = "\n".join(p for p in parts if p)
    else:
        declared = st.article is not None or st.meta.get("og:type") == "article"
        d.body = main_text(base, page.url, d.headline, noise, teaser_titles, teaser_blocks, declared)
        # trafilatura found little, or took a teaser list for the story (<div>/<br> paragraphs):
        # the own density picker, which skips teaser blocks, gets a say.
        short = len(d.body) < SHORT_BODY
        if short or mostly_teaser_text(d.body, teaser_blocks, d.headline_el):
            blocks: list[Block] = collect(base, teaser_blocks)
            d.container = pick_container(blocks, noise)
            own = clean_body(body_text(blocks, d.container, d.headline, noise, teaser_titles), base,
                             d.headline, noise, teaser_titles) \
                if d.container is not None else ""
            if len(own) > (1.5 * len(d.body) if short else max(SHORT_BODY / 2, 0.5 * len(d.body))):
                d.body = own
    sbody = st.article.body if st.article else None
    if sbody and len(sbody) > len(d.body) * 1.5 and len(d.body) < 500:
        d.body = sbody

    before, line = _meta_line(d.headline_el, teaser_blocks) if d.headline_el is not None else ([], [])
    line_time, line_source = _meta_time_and_source(line, d.authors)
    if not line_source:
        _t, line_source = _meta_time_and_source(before, d.authors)
        line_source = line_source if _t is None else None
    site = _title_site(page, d.headline)
    if line_source and site and line_source.lower().startswith(site.lower()):
        line_source = site
    if not line_source:
        from urllib.parse import urlsplit

        host = (urlsplit(page.url or "").hostname or "").lower()
        line_source = _homepage_link_name(before + line, host)
    if "lead.published" in pins:
        d.time_raw = select.time_value(base, pins["lead.published"])
    if not d.time_raw:
        d.time_raw = (st.article.published if st.article else None) or next(
            (st.meta[k] for k in META_TIME_KEYS if st.meta.get(k)), None) or line_time
    if "lead.source" in pins:
        d.source = select.text(base, pins["lead.source"])
    if not d.source:
        d.source = line_source or (st.article.publisher if st.article else None) or \
            st.meta.get("og:site_name") or st.meta.get("application-name") or site

    if "lead.image" in pins:
        d.image = select.link(base, pins["lead.image"])
    if not d.image:
        d.image = st.meta.get("og:image") or (st.article.image if st.article else None) or \
            st.meta.get("twitter:image") or st.meta.get("twitter:image:src")
    if not d.image and d.container is None and "lead.body" not in pins:
        d.container = pick_container(collect(base, teaser_blocks), noise)  # only the image needs it
    if not d.image and d.container is not None:
        from crawler.extract.cards import image_of

        d.image = image_of(d.container)
    d.image = page.absolute(d.image) if d.image else None
    d.summary = st.meta.get("og:description") or st.meta.get("description") or (
        st.article.summary if st.article else None)
    d.url = page.absolute(st.canonical) or page.absolute(st.meta.get("og:url")) or page.url
    return d
