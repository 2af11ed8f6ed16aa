"""The page's own story: headline, body, byline, publisher, time, image.

Order of trust per field: a profile pin, then what the page states in structured data or the
visible "meta line" under the headline, then guesses. The publisher is special on aggregators:
the page's own JSON-LD/og:site_name names the aggregator, while the story's publisher is the name
printed beside its time ("First Post · 8 hours ago"), so a visible publisher wins over the
site's name.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.extract import byline, select
from crawler.extract.blocks import Block, collect
from crawler.extract.body import body_text, pick_container
from crawler.extract.byline import Token
from crawler.extract.cards import AUTHOR_HINT, headline_like, image_of
from crawler.extract.maintext import author_boxes, clean_body, main_text, mostly_teaser_text
from crawler.extract.parse import Page, norm, tag_of, text_of
from crawler.extract.story_data import Structured
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
    shown_time: str | None = None  # the time printed by the headline, when metadata also has one
    image: str | None = None
    summary: str | None = None
    url: str | None = None


def _similar(a: str, b: str) -> float:
    a, b = a.lower(), b.lower()
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.9
    sa, sb = _bigrams(a[:200]), _bigrams(b[:200])
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def _bigrams(text: str) -> frozenset[str]:
    """Character pairs: a similarity that needs no word boundaries (CJK titles) and costs a
    set intersection instead of difflib's alignment (which showed in profiles)."""
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _clean_title(title: str | None, site: str | None) -> str | None:
    if not title:
        return None
    parts = _TITLE_SPLIT.split(title)
    if len(parts) > 1:
        if site and any(_similar(p, site) > 0.8 for p in parts):
            parts = [p for p in parts if _similar(p, site) <= 0.8] or parts
        title = max(parts, key=len)
    return norm(title) or None


_ENTITY = re.compile(r"&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")


def _unescaped(text: str) -> str:
    """Metadata escaped twice ("doesn&#8217;t" in JSON-LD or og:title) as a reader sees it."""
    return html.unescape(text) if _ENTITY.search(text) else text


_HEAD_GOOD = re.compile(r"article|story|post|entry|headline|\bhed\b|__hed|page-?title", re.I)
_HEAD_BAD = re.compile(r"ad-?block|recirc|related|promo|newsletter|subscribe|modal|popup|sidebar|"
                       r"widget|teaser|more-?from|most-?read|trending", re.I)


def _heading_class_score(h) -> float:
    """Class names raise or lower a heading's claim: an ad-blocker notice or a "More from"
    rail has its own <h1> on many sites, the story's title sits in an article header."""
    parent = h.getparent()
    attrs = " ".join(f"{x.get('class') or ''} {x.get('id') or ''}" for x in (h, parent) if x is not None)
    if not attrs.strip():
        return 0.0
    if _HEAD_BAD.search(attrs):
        return -0.3
    return 0.1 if _HEAD_GOOD.search(attrs) else 0.0


def _headline(page: Page, st: Structured, furniture: dict) -> tuple[str | None, object]:
    site = st.meta.get("og:site_name")
    app = st.app_article.headline if st.app_article else None
    hints = [_unescaped(x) for x in (app, (st.article.headline if st.article else None),
                                     st.meta.get("og:title"), st.meta.get("twitter:title")) if x]
    title_el = page.root.find(".//title")
    if title_el is not None and text_of(title_el):
        hints.append(_clean_title(text_of(title_el), site))
    best, best_score = None, 0.0
    for i, h in enumerate(page.root.iter("h1", "h2")):
        if (1.3 if tag_of(h) == "h1" else 0.9) - i * 0.01 <= best_score:
            continue  # cannot win even with a perfect match and class bonus: skip the similarity
        if furniture.get(h) == "nav" and _heading_class_score(h) <= 0:
            continue  # a site header's <h1>, not an article header's
        t = text_of(h)
        if not headline_like(t):
            # a short title still counts when the page's metadata says exactly that
            if not t or t.lower() not in {x.lower() for x in hints if x}:
                continue
        sim = max((_similar(t, x) for x in hints if x), default=0.0)
        # An h1 that reads like a story is the page's own claim; an h2 must match the title.
        score = 0.7 + sim * 0.5 if tag_of(h) == "h1" else sim * 0.8
        score -= i * 0.01
        score += _heading_class_score(h)
        if score > best_score:
            best, best_score = h, score
    if best is not None and (best_score >= 0.6 or not hints):
        return text_of(best), best
    for h in hints:
        exact = {_unescaped(x.headline or "") for x in (st.article, st.app_article) if x is not None}
        cleaned = h if h in exact else _clean_title(h, site)
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
    """The visible element that prints the title (old layouts use <b>/<font>, not <h1>).

    Not one inside a link: the lead's own card in a related list (often placed before the story)
    prints the same title as a link to this page."""
    key = text.lower()
    body = root.find(".//body")
    linked = None
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str) or furniture.get(el) == "nav" or tag_of(el) in ("title", "a"):
            continue
        if not el.text or tag_of(el) in ("body", "html"):
            continue
        own = norm(el.text).lower()
        if own and own in key and len(own) >= 0.5 * len(key) and headline_like(own):
            full = text_of(el).lower()
            if full == own or full == key:
                if any(tag_of(x) == "a" for x in el.iterancestors()):
                    linked = linked if linked is not None else el
                    continue
                return el
    return linked


def _meta_tokens(head_el, stop: set, limit: int = 30) -> tuple[list[Token], list[Token]]:
    """Text (and logo alt) tokens around the headline, before the prose starts: where bylines
    live. Returns (a few tokens before the headline, tokens after it)."""
    region = head_el
    for _ in range(3):
        parent = region.getparent()
        if parent is None or tag_of(parent) == "html":
            break
        region = parent
        if _more_than(region, 3) or tag_of(region) == "body":
            break
    before: list[Token] = []
    out: list[Token] = []
    started = False
    for tok in byline.tokens(region):
        el = tok.el
        if el is head_el or head_el in set(el.iterancestors()):
            started = True
            continue
        if not started:
            before = [*before[-3:], tok]
            continue
        if len(tok.text) > 200 or len(out) >= limit or (stop and any(x in stop for x in el.iterancestors())):
            break
        out.append(tok)
    return before, out


def _more_than(el, n: int) -> bool:
    """More than n non-blank text nodes (counted lazily: a region can be the whole page)."""
    count = 0
    for t in el.itertext():
        if t.strip():
            count += 1
            if count > n:
                return True
    return False


def _lead_region(head_el, container):
    """The smallest element holding both the headline and the body: a "Source:" line below the
    body still belongs to the lead, a teaser rail beside the article does not."""
    if container is None:
        return head_el.getparent() if head_el is not None else None
    if head_el is None:
        return container.getparent()
    mine = set(head_el.iterancestors())
    for anc in [container, *container.iterancestors()]:
        if anc in mine:
            return anc if tag_of(anc) not in ("html", "body") else container.getparent()
    return container.getparent()


def _homepage_link_name(pairs: list[tuple[object, str]], page_host: str) -> str | None:
    """A short link to another site's home page next to the headline names the publisher
    (breadcrumbs and menus link home too, so they never count)."""
    if not page_host:
        return None  # without the page's own host, its own "Home" link looks the same
    own = page_host.removeprefix("www.")
    for el, t in pairs:
        if any(tag_of(x) == "nav" or "crumb" in f"{x.get('class') or ''} {x.get('aria-label') or ''}"
               for x in el.iterancestors()):
            continue
        for a in [el, *list(el.iterancestors())[:2]]:
            if tag_of(a) != "a" or not a.get("href"):
                continue
            parts = urlsplit(a.get("href"))
            host = (parts.hostname or "").lower().removeprefix("www.")
            if host and host != own and parts.path in ("", "/"):
                name = strip_separators(t)
                if name and len(name) <= 50 and byline.plausible_publisher(name, el):
                    return name
    return None


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
        for name in re.split(r",| and | y | e | et | und | dan | ve | и | و | और |、|،", t):
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
    """The lead's fields, each from a profile pin when there is one, else read from the page."""
    pins = profile.selectors if profile is not None else {}
    scope = None
    if "lead.container" in pins:
        found = select.elements(page.root, pins["lead.container"])
        scope = found[0] if found else None
    base = scope if scope is not None else page.root

    d = LeadDraft()
    d.headline, d.headline_el = head
    authors = _found_authors(page, st, scope, base, pins)
    d.body, d.container = _body(page, st, base, d.headline, d.headline_el, pins,
                                noise, teaser_blocks, teaser_titles)
    before, line = _meta_tokens(d.headline_el, teaser_blocks) if d.headline_el is not None else ([], [])
    d.authors = byline.clean_authors(authors) or byline.labelled_authors(line)
    site = _title_site(page, d.headline)
    line_time, line_source = _meta_line(page, st, d, before, line, teaser_blocks, site)
    # An app shell shows what its state says; JSON-LD beside it is often the aggregator's own.
    app = st.app_article if d.headline_el is None else None
    d.time_raw, d.shown_time = _time(base, st, pins, app, line_time)
    d.source = _source(base, st, pins, app, line_source, site)
    d.image, d.container = _image(page, st, base, pins, d.container, noise, teaser_blocks)
    d.summary = st.meta.get("og:description") or st.meta.get("description") or (
        st.article.summary if st.article else None)
    d.url = page.absolute(st.canonical) or page.absolute(st.meta.get("og:url")) or page.url
    return d


def _found_authors(page: Page, st: Structured, scope, base, pins: dict) -> list[str]:
    """The pinned authors, else those structured data or author-named elements give."""
    authors = select.texts(base, pins["lead.authors"]) if "lead.authors" in pins else []
    if not authors:
        authors = _authors(page, st, scope)
    return [_BY.sub("", a).strip() for a in authors if a.strip()]


def _body(page: Page, st: Structured, base, headline: str | None, headline_el, pins: dict,
          noise: frozenset[str], teaser_blocks: set, teaser_titles: set[str]) -> tuple[str, object]:
    """(body text, the element the own density picker chose or None)."""
    container = None
    if "lead.body" in pins:
        parts = []
        for el in select.elements(base, pins["lead.body"]):
            blocks = collect(el, teaser_blocks)
            parts.append(body_text(blocks, el, headline, noise, teaser_titles))
        body = "\n".join(p for p in parts if p)
    else:
        declared = st.article is not None or st.meta.get("og:type") == "article"
        body = main_text(base, page.url, headline, noise, teaser_titles, teaser_blocks, declared)
        # trafilatura found little, or took a teaser list for the story (<div>/<br> paragraphs):
        # the own density picker, which skips teaser blocks, gets a say.
        short = len(body) < SHORT_BODY
        if short or mostly_teaser_text(body, teaser_blocks, headline_el):
            blocks: list[Block] = collect(base, teaser_blocks | set(author_boxes(base)))
            container = pick_container(blocks, noise)
            own = clean_body(body_text(blocks, container, headline, noise, teaser_titles), base,
                             headline, noise, teaser_titles) \
                if container is not None else ""
            if len(own) > (1.5 * len(body) if short else max(SHORT_BODY / 2, 0.5 * len(body))):
                body = own
    sbody = st.article.body if st.article else None
    if sbody and len(sbody) > len(body) * 1.5 and len(body) < 500:
        # The state's own rich text carries the same "Also read:" links and ad slots.
        body = clean_body(sbody, page.root, headline, noise, teaser_titles) or sbody
    return body, container


def _meta_line(page: Page, st: Structured, d: LeadDraft, before: list[Token], line: list[Token],
               teaser_blocks: set, site: str | None) -> tuple[str | None, str | None]:
    """(time, publisher) as the lead prints them: the line under the headline, a "Source:"
    label in the lead, <title>'s site name, a link to another site's home page."""
    author_keys = frozenset(a.lower() for a in d.authors)
    line_time, line_source, labelled = byline.read_line(line, d.headline, author_keys)
    if not labelled:
        region = _lead_region(d.headline_el, d.container)
        named = byline.labelled_source(region, teaser_blocks, d.headline) if region is not None else None
        if named:
            line_source = named
    if line_source and site and line_source.lower().startswith(site.lower()):
        line_source = site
    if not line_source:
        page_url = page.url or page.absolute(st.canonical) or page.absolute(st.meta.get("og:url"))
        host = (urlsplit(page_url or "").hostname or "").lower()
        line_source = _homepage_link_name([(t.el, t.text) for t in before + line], host)
    return line_time, line_source


def _time(base, st: Structured, pins: dict, app, line_time: str | None) -> tuple[str | None, str | None]:
    """(publication time as written, the printed time when metadata says otherwise)."""
    time_raw = select.time_value(base, pins["lead.published"]) if "lead.published" in pins else None
    if not time_raw and app is not None:
        time_raw = app.published
    shown_time = None
    if not time_raw:
        # Beside a page the reader sees, app state is a guess (which of its objects, which of
        # its date keys); it comes after the metadata and the printed time.
        app_time = st.app_article.published if st.app_article is not None else None
        declared = st.article.published if st.article else None
        if declared and declared == app_time:
            declared = None
        time_raw = declared or next(
            (st.meta[k] for k in META_TIME_KEYS if st.meta.get(k)), None) or line_time or app_time
        if line_time and line_time != time_raw:
            shown_time = line_time
    return time_raw, shown_time


def _source(base, st: Structured, pins: dict, app, line_source: str | None, site: str | None) -> str | None:
    """The publisher: pinned, printed, then what structured data and the site's name say."""
    source = select.text(base, pins["lead.source"]) if "lead.source" in pins else None
    return source or line_source or (app.publisher if app else None) or \
        (st.article.publisher if st.article else None) or \
        st.meta.get("og:site_name") or st.meta.get("application-name") or site


def _image(page: Page, st: Structured, base, pins: dict, container, noise: frozenset[str],
           teaser_blocks: set) -> tuple[str | None, object]:
    """(absolute image URL, the body container, picked here when only the image needs it)."""
    image = select.link(base, pins["lead.image"]) if "lead.image" in pins else None
    if not image:
        image = st.meta.get("og:image") or (st.article.image if st.article else None) or \
            st.meta.get("twitter:image") or st.meta.get("twitter:image:src")
    if not image and container is None and "lead.body" not in pins:
        container = pick_container(collect(base, teaser_blocks), noise)
    if not image and container is not None:
        image = image_of(container)
    return (page.absolute(image) if image else None), container
