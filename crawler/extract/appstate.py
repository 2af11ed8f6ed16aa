"""Stories hidden in embedded application state (``__NEXT_DATA__``, ``window.__X__ = {...}``).

Client-rendered pages ship an empty app root plus a JSON blob the browser renders from. Without a
browser, that blob *is* the page: the lead is the object with the most body text, and related
stories are lists of objects that each carry a headline-like title and a link. Which key holds
them ("relatedStories", "mostRead", "recommendations"...) is the app's own vocabulary, so it is
not required: any list of such records counts, unless its key names navigation or ads, or the
record is flagged sponsored or links through a click tracker.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

import lxml.html

from crawler.extract.cards import headline_like
from crawler.extract.noise import is_click_tracker, is_paid_campaign
from crawler.extract.parse import norm
from crawler.extract.story_data import StoryData, Structured, loads_lenient
from crawler.urls import clean_link

_TITLE_KEYS = ("headline", "title", "name", "heading")
_BODY_KEYS = ("body", "content", "articleBody", "text", "bodyHtml", "html", "blocks", "paragraphs")
_DATE_KEYS = ("datePublished", "publishedAt", "published_at", "published_time", "publishedTime",
              "publishDate", "published", "pubDate", "date", "firstPublished", "createdAt", "time",
              "timestamp", "publishedAtMs", "ts", "timeAgo", "ago", "relativeTime")
_URL_KEYS = ("url", "href", "link", "canonicalUrl", "permalink", "path", "slug")
_SOURCE_KEYS = ("source", "publisher", "sourceName", "publisherName", "provider", "outlet", "site",
                "publication", "brand")
_SKIP_LIST_KEY = re.compile(r"nav|menu|footer|header|categor|section|tags|topics|breadcrumb|social|"
                            r"^ads?$|advert|sponsor|promo|partner|outbrain|taboola|author|language|"
                            r"locale|share|comment", re.I)
# `window.__INITIAL_STATE__ = {`, `self.__NUXT__={`, `window["__APOLLO_STATE__"] = {`
_ASSIGN = re.compile(r"""(?:window|self|globalThis)\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*["']([^"']+)["']\s*\])"""
                     r"\s*=\s*(?=[{\[])")
_HTML_HINT = re.compile(r"<(p|div|br|h\d|span|a)\b", re.I)


_NOT_PROSE_BLOCK = re.compile(r"related|recirc|teaser|promo|advert|\bads?\b|newsletter|embed|"
                              r"link|widget|sponsor|cta\b", re.I)


def _str(value) -> str | None:
    if isinstance(value, str):
        return norm(value) or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for k in ("name", "displayName", "title", "text", "label", "url", "href", "value"):
            if isinstance(value.get(k), str):
                return norm(value[k]) or None
    return None


def _body_text(value, depth: int = 0) -> str:
    """Body text from a string (maybe HTML) or a rich-text block list."""
    if depth > 8:
        return ""
    if isinstance(value, str):
        if _HTML_HINT.search(value):
            try:
                frag = lxml.html.fragment_fromstring(value, create_parent="div")
            except Exception:
                return norm(value)
            blocks = [norm(el.text_content()) for el in frag.iter("p", "h2", "h3", "h4", "li", "blockquote")]
            blocks = [b for b in blocks if b]
            return "\n".join(blocks) if blocks else norm(frag.text_content())
        return value.strip()
    if isinstance(value, list):
        parts = [_body_text(v, depth + 1) for v in value]
        return "\n".join(p for p in parts if p)
    if isinstance(value, dict):
        kind = str(value.get("type") or value.get("_type") or "").lower()
        if kind in ("ad", "advert", "embed-ad", "promo") or _NOT_PROSE_BLOCK.search(kind) or \
                any(isinstance(value.get(k), str) for k in ("url", "href", "link")):
            return ""  # a linked block ("Also read: ...", a related card) is not the story's prose
        for key in ("text", "content", "html", "value", "children", "body", "paragraphs"):
            if key in value:
                return _body_text(value[key], depth + 1)
    return ""


def _first(obj: dict, keys) -> str | None:
    for k in keys:
        if k in obj:
            v = _str(obj[k])
            if v:
                return v
    return None


def _story(obj: dict) -> StoryData:
    s = StoryData()
    for k in _TITLE_KEYS:
        if isinstance(obj.get(k), str) and obj[k].strip():
            s.headline = norm(obj[k])
            break
    # Keys are tested for presence first: most objects have few of them (this runs for every
    # object of every list in a page's state).
    for k in _URL_KEYS:
        v = _str(obj[k]) if k in obj else None
        if v and (v.startswith(("http://", "https://", "/")) or k == "slug"):
            s.url = v
            break
    s.published = _first(obj, _DATE_KEYS)
    s.publisher = _first(obj, _SOURCE_KEYS)
    s.summary = _first(obj, ("summary", "description", "excerpt", "dek", "standfirst", "snippet",
                             "subtitle"))
    for k in ("image", "imageUrl", "thumbnail", "img", "picture", "leadImage"):
        if k not in obj:
            continue
        v = obj.get(k)
        v = _str(v.get("url") or v.get("src")) if isinstance(v, dict) else _str(v)
        if v:
            s.image = v
            break
    authors = obj.get("authors") or obj.get("author") or obj.get("byline")
    if isinstance(authors, list):
        s.authors = [a for a in (_str(x) for x in authors) if a]
    elif authors:
        a = _str(authors)
        s.authors = [a] if a else []
    return s


def _is_sponsored(obj: dict) -> bool:
    for k in ("sponsored", "isSponsored", "is_sponsored", "isAd", "ad", "promoted", "paid", "isPromoted"):
        if obj.get(k) is True:
            return True
    if obj.get("advertiser") or obj.get("sponsor") or obj.get("sponsoredBy"):
        return True
    kind = str(obj.get("type") or obj.get("kind") or obj.get("__typename") or "").lower()
    return kind in ("ad", "advert", "advertisement", "sponsored", "promo", "promoted", "native-ad")


def _walk(data, path: str, depth: int, lead_cands: list, lists: list) -> None:
    if depth > 25:
        return
    if isinstance(data, dict):
        body = None
        for k in _BODY_KEYS:
            if k in data:
                body = _body_text(data[k])
                if body:
                    break
        if body and any(isinstance(data.get(k), str) for k in _TITLE_KEYS):
            lead_cands.append((len(body), data, body))
        for k, v in data.items():
            _walk(v, f"{path}/{k}", depth + 1, lead_cands, lists)
    elif isinstance(data, list):
        dicts = [x for x in data if isinstance(x, dict)]
        named = [seg for seg in path.split("/") if seg and not seg.isdigit()][-2:]
        if dicts and not any(_SKIP_LIST_KEY.search(seg) for seg in named):
            lists.append((path, dicts))
        for i, v in enumerate(data[:500]):
            _walk(v, f"{path}/{i}", depth + 1, lead_cands, lists)


def _story_key(url: str) -> str:
    """Path and query, decoded, without fragment or click tracking: one story's address written
    absolute in one list and relative or percent-encoded in another is one key."""
    try:
        parts = urlsplit(clean_link(url))
    except ValueError:
        return url
    return unquote(parts.path).rstrip("/") + ("?" + parts.query if parts.query else "")


def _state_blobs(root) -> list:
    """Every JSON value an app embeds for its client: JSON script elements and `window.X = {...}`."""
    blobs = []
    for script in root.iter("script"):
        sid = (script.get("id") or "").lower()
        stype = (script.get("type") or "").lower().strip()
        text = script.text or ""
        if stype == "application/ld+json" or not text.strip():
            continue
        if sid == "__next_data__" or stype == "application/json":
            data = loads_lenient(text)
            if data is not None:
                blobs.append(data)
            continue
        if stype and "javascript" not in stype and "module" not in stype:
            continue
        for m in _ASSIGN.finditer(text):
            name = m.group(1) or m.group(2) or ""
            if name.lower() in ("datalayer", "gtag", "_gaq"):
                continue
            try:
                data, _end = _DECODER.raw_decode(text, m.end())
            except (ValueError, RecursionError):
                continue
            blobs.append(data)
    return blobs


_DECODER = json.JSONDecoder(strict=False)


def read(root, out: Structured) -> None:
    for data in _state_blobs(root):
        lead_cands: list = []
        lists: list = []
        _walk(data, "", 0, lead_cands, lists)
        lead_obj = None
        if lead_cands:
            lead_cands.sort(key=lambda t: t[0], reverse=True)
            _n, lead_obj, body = lead_cands[0]
            story = _story(lead_obj)
            story.body = body
            if out.app_article is None:
                out.app_article = story
            if out.article is None:
                out.article = story
            else:  # JSON-LD wins on metadata; app state fills the gaps (often the body).
                for name in ("headline", "body", "published", "publisher", "image", "summary", "url"):
                    if not getattr(out.article, name):
                        setattr(out.article, name, getattr(story, name))
            out.app_body_html = True
        seen = {_story_key(s.url): s for s in out.related if s.url}
        for _path, dicts in lists:
            for obj in dicts:
                if obj is lead_obj or _is_sponsored(obj):
                    continue
                story = _story(obj)
                if not story.url or not story.headline or is_click_tracker(story.url) or is_paid_campaign(story.url):
                    continue
                key = _story_key(story.url)
                if key in seen:  # also in JSON-LD or another list: fill what it lacks
                    known = seen[key]
                    if known.from_jsonld and story.headline:
                        known.headline = story.headline  # the app shows its own title
                        known.from_jsonld = False
                    for name in ("publisher", "published", "summary", "image"):
                        if not getattr(known, name):
                            setattr(known, name, getattr(story, name))
                    continue
                if headline_like(story.headline):
                    seen[key] = story
                    out.related.append(story)
