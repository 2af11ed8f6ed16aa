"""Profile selectors (CSS by default, ``xpath:`` / ``css:`` prefixes) over the shared tree.

parsel wraps the already-parsed lxml element, so pinning a field costs no re-parse. A selector
may end in ::text or ::attr(x); otherwise the matched element's visible text (or, for URL and
image fields, its href/src) is used.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from crawler.extract.parse import norm, text_of


def _split(selector: str) -> tuple[str, str]:
    s = selector.strip()
    if s.startswith("xpath:"):
        return "xpath", s[6:].strip()
    if s.startswith("css:"):
        return "css", s[4:].strip()
    return "css", s


@lru_cache(maxsize=512)
def _css_to_xpath(css: str) -> str:
    return HTMLTranslator().css_to_xpath(css)


@lru_cache(maxsize=1024)
def _compiled(selector: str):
    """The selector as a compiled XPath, or None when lxml alone cannot run it.

    Compiled once per selector: building a parsel Selector and translating the CSS on every call
    was the largest single cost of extracting a pinned page (measured with cProfile on
    benchmarks/crawl.py's site: 5 s of 15 s extraction per 1,500 pages).

    Expressions using parsel's EXSLT prefixes (re:, set:) go through parsel: a compiled XPath
    given `namespaces=` leaks about 11 kB per evaluation in lxml (found by benchmarks/crawl.py
    --flat: peak memory doubled from 5,000 to 20,000 pages)."""
    kind, expr = _split(selector)
    try:
        xpath = expr if kind == "xpath" else _css_to_xpath(expr)
        if "re:" in xpath or "set:" in xpath:
            return None
        return etree.XPath(xpath, smart_strings=False)
    except Exception:  # parsel reports nothing either: the selector matches nothing
        return None


def _run_parsel(el, selector: str) -> list:
    kind, expr = _split(selector)
    try:
        sel = Selector(root=el, type="html")
        result = sel.xpath(expr) if kind == "xpath" else sel.xpath(_css_to_xpath(expr))
    except Exception:
        return []
    out: list = []
    for item in result:
        root = item.root
        out.append(root if not isinstance(root, (str, bytes)) else str(root))
    return out


def run(el, selector: str) -> list:
    """Matches as a list of lxml elements or strings; [] on any selector error."""
    xpath = _compiled(selector)
    if xpath is None:
        return _run_parsel(el, selector)  # parsel's extension functions, or an error -> []
    try:
        result = xpath(el)
    except Exception:
        return _run_parsel(el, selector)
    if not isinstance(result, list):  # count(), string(), boolean() expressions
        return [str(result)]
    return [m if not isinstance(m, (str, bytes)) else str(m) for m in result]


def elements(el, selector: str) -> list:
    return [m for m in run(el, selector) if not isinstance(m, str)]


def text(el, selector: str) -> str | None:
    """The pinned field's text: joined string matches, or the first element's text."""
    matches = run(el, selector)
    if not matches:
        return None
    strings = [norm(m) for m in matches if isinstance(m, str)]
    if strings:
        joined = norm(" ".join(s for s in strings if s))
        return joined or None
    return text_of(matches[0]) or None


def texts(el, selector: str) -> list[str]:
    out = []
    for m in run(el, selector):
        t = norm(m) if isinstance(m, str) else text_of(m)
        if t and t not in out:
            out.append(t)
    return out


def link(el, selector: str) -> str | None:
    """A URL-valued pinned field: the string match, else href/src (or a descendant's)."""
    for m in run(el, selector):
        if isinstance(m, str):
            if m.strip():
                return m.strip()
            continue
        for attr in ("href", "src", "data-src", "content", "data-href"):
            if m.get(attr):
                return m.get(attr).strip()
        for child in m.iter("a", "img"):
            v = child.get("href") or child.get("src") or child.get("data-src")
            if v:
                return v.strip()
    return None


def time_value(el, selector: str) -> str | None:
    """A time pinned field: prefer machine-readable attributes over visible text."""
    for m in run(el, selector):
        if isinstance(m, str):
            return norm(m) or None
        for attr in ("datetime", "content", "data-time", "title"):
            if m.get(attr):
                return norm(m.get(attr))
        return text_of(m) or None
    return None
