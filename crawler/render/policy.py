"""Render or not: a pure function of (profile, static extraction, static HTML).

A static fetch costs one HTTP request; a render costs a browser page, its scripts and their
requests. So `auto` renders only when the static page visibly lacks what extraction needs:

- an empty application root (<div id="root"></div> filled by script) and no embedded state
  that already holds the story (Next.js __NEXT_DATA__ and kin are read without a browser);
- a related section that is present but empty (filled by script after load);
- the profile's wait selector missing from the static HTML, or a "Load more" button / infinite
  scroll the profile asks to exhaust;
- no lead found on a page that is not a listing and runs scripts.

A page without any script is never rendered: a browser cannot add what no script writes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.render.blocking import blocked_host

LISTING_MIN_CARDS = 3
# Visible text below this many characters (scripts excluded) means "the page is a shell".
SHELL_TEXT_CHARS = 200
_APP_ROOT_IDS = frozenset({"root", "app", "__next", "__nuxt", "___gatsby", "svelte", "main-app",
                           "app-root", "application", "react-root", "vue-app"})
_APP_STATE_IDS = frozenset({"__next_data__", "__nuxt_data__", "__apollo_state__",
                            "__initial_state__", "__preloaded_state__"})
_APP_STATE_JS = re.compile(r"window\.__(?:NUXT|INITIAL_STATE|PRELOADED_STATE|APOLLO_STATE)__\s*=")
_RELATED_HINT = re.compile(r"related|more[-_ ]?stories|recommend|also[-_ ]?read|read[-_ ]?more|"
                           r"trending|more[-_ ]?from|you[-_ ]?may", re.I)
_RELATED_HEADING = re.compile(r"^(related|more (stories|from|on)|you may also|also read|"
                              r"recommended|trending)", re.I)
_DOM_WRITE = re.compile(r"innerHTML|outerHTML|appendChild|append\(|insertAdjacent|createElement|"
                        r"textContent|document\.write|replaceChildren|fetch\(|XMLHttpRequest|"
                        r"createRoot|hydrate|render\(|\$\(|import\(")
_PARSER = lxml.html.HTMLParser(remove_comments=True, recover=True)

# Reasons. The first group renders; the second keeps the static result.
RENDER_REASONS = ("profile_always", "empty_app_root", "wait_selector_missing", "load_more",
                  "infinite_scroll", "related_by_script", "no_lead")
STATIC_REASONS = ("profile_never", "no_script", "app_state", "static_ok", "unparsable")


def _root(html: str | bytes):
    if isinstance(html, str):
        html = html.encode("utf-8", "replace")
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _runs_scripts(root) -> bool:
    """Does any script here look able to write the page? External scripts (except known
    analytics and ad hosts, which the browser blocks anyway) count; an inline script counts when
    it touches the DOM or fetches data, not when it only pushes to an analytics queue."""
    for script in root.iter("script"):
        stype = (script.get("type") or "").strip().lower()
        if stype not in ("", "module", "text/javascript", "application/javascript"):
            continue
        src = (script.get("src") or "").strip()
        if src:
            if not blocked_host(urlsplit(src).hostname or ""):
                return True
        elif _DOM_WRITE.search(script.text or ""):
            return True
    return False


def _has_app_state(root) -> bool:
    for script in root.iter("script"):
        if (script.get("id") or "").lower() in _APP_STATE_IDS:
            return True
        if _APP_STATE_JS.search(script.text or ""):
            return True
    return False


def _visible_text_len(root) -> int:
    body = root.find("body")
    if body is None:
        return 0
    total = 0
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "template"):
            if isinstance(el.tag, str):
                total += len((el.tail or "").strip())
            continue
        total += len((el.text or "").strip()) + len((el.tail or "").strip())
    return total


def _empty_app_root(root) -> bool:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if (el.get("id") or "").lower() in _APP_ROOT_IDS or el.get("data-reactroot") is not None \
                or el.get("ng-app") is not None or el.get("data-app") is not None:
            text = " ".join(t for t in el.itertext() if t.strip())
            if len(text.strip()) < 40 and not el.findall(".//a"):
                return True
    return False


def _empty_related_section(root) -> bool:
    """A container named or headed like a related list, holding no links yet."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "head", "body", "html"):
            continue
        named = _RELATED_HINT.search(f"{el.get('id') or ''} {el.get('class') or ''}")
        if not named and el.tag in ("h2", "h3", "h4"):
            if _RELATED_HEADING.match(" ".join((el.text_content() or "").split())):
                el = el.getparent()
                named = el is not None
        if named and el is not None and not el.findall(".//a[@href]"):
            return True
    return False


def _matches(root, selector: str | None) -> bool:
    if not selector:
        return False
    try:
        if selector.startswith("xpath:"):
            return bool(root.xpath(selector[6:]))

        return bool(CSSSelector(selector[4:] if selector.startswith("css:") else selector)(root))
    except Exception:  # a selector lxml cannot run is the profile validator's business
        return False


def decide(profile, extraction, html: str | bytes) -> tuple[bool, str]:
    """(render?, reason). `profile` may be None (generic auto); `extraction` is the static
    PageExtraction; `html` the static body."""
    mode = getattr(profile, "render", "auto") if profile is not None else "auto"
    if mode == "never":
        return False, "profile_never"
    if mode == "always":
        return True, "profile_always"
    root = _root(html)
    if root is None:
        return False, "unparsable"
    if not _runs_scripts(root):
        return False, "no_script"
    lead = getattr(extraction, "lead", None)
    related = list(getattr(extraction, "related", None) or [])
    has_content = lead is not None or len(related) >= LISTING_MIN_CARDS
    if getattr(profile, "load_more", None) and _matches(root, profile.load_more) \
            and getattr(profile, "max_clicks", 0) > 0:
        return True, "load_more"
    if getattr(profile, "max_scrolls", 0) > 0:
        return True, "infinite_scroll"
    if _has_app_state(root) and has_content:
        return False, "app_state"
    wait_for = getattr(profile, "wait_for", None)
    if wait_for and not _matches(root, wait_for):
        return True, "wait_selector_missing"
    if not has_content and _empty_app_root(root) and _visible_text_len(root) < SHELL_TEXT_CHARS:
        return True, "empty_app_root"
    if not related and _empty_related_section(root):
        return True, "related_by_script"
    if not has_content:
        return True, "no_lead"
    return False, "static_ok"
