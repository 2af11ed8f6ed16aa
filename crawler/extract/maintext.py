"""The lead's main text: trafilatura's extractor over our one parsed tree, then our noise filter.

Why trafilatura: on real pages its content heuristics (many site conventions learnt over years)
find the body far more reliably than a density picker. Why not trafilatura alone: it knows
nothing of aggregator pages, where interface strings ("STORY CONTINUES BELOW THIS AD", "Also
read: ...") sit between paragraphs, a standfirst with a "read more" link sits above them and
teaser lists the teaser finder has already claimed follow them. So its lines are filtered with
the project's vocabularies (noise.py plus BODY_NOISE here), the headline, teaser titles and
teaser text, and callers fall back to the own density picker (body.py) when this finds nothing.
Pruning the teaser blocks from trafilatura's view instead was measured and rejected: on real
pages the teaser finder sometimes claims the article wrapper itself.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy

from lxml.etree import XPath

from crawler.extract.bodynoise import is_body_noise, strip_marker
from crawler.extract.noise import is_related_heading, is_sponsored_label, is_ui_string
from crawler.extract.parse import norm, tag_of
from crawler.extract.timetext import find_time, is_time_text

# Interface strings of subscription and sign-up boxes that trafilatura keeps as text; whole
# lines only, matched case-insensitively with surrounding punctuation trimmed.
BODY_NOISE = re.compile(
    r"^(?:thanks? (?:you )?for (?:signing up|subscribing)\b.{0,60}"
    r"|there was an error processing your subscription.{0,20}"
    r"|an error has occurred,? please try again.{0,20}"
    r"|(?:sorry|thank you|oops)!?"
    r"|keep an eye on your inbox\b.{0,60}"
    r"|(?:order reprints|print article|reprint permissions?)"
    r"|this copy is for your personal,? non-commercial use only\b.*"
    r")$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[-•*]\s+")
_DIGIT = re.compile(r"\d")
TEASER_LINK_SHARE = 0.1
EDGE_LABEL_CHARS = 40
LAYOUT_CELL_CHARS = 400
ARTICLE_MIN_CHARS = 500
META_EDGE = 4  # lines from either end of the text where bylines and time lines are looked for
TITLE_SLACK = 40  # chars of label a line may add to a teaser title ("Also read: ")
NOISE_MAX_CHARS = 200  # longer lines are prose: no interface string or widget sentence is this long
BIO_BOX_CHARS = 400
WIDGET_TAIL = 10  # last lines where widget boxes (comments, cookies, app, newsletter) are looked for
_END = (".", "!", "?", "…", "。", "！", "？", "\"", "”", "»", ")", ":")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it discards


def _unbullet(line: str) -> str:
    """The line without trafilatura's list bullet ("- item")."""
    return _BULLET.sub("", line) if line[:1] in "-•*" else line


def _is_noise(line: str, extra: frozenset[str], edge: bool = True, tail: bool = True) -> bool:
    """Interface strings anywhere; meta lines (time, byline) only near the `edge` of the text,
    where they sit: inside the story a short line with a date is a sub-heading. Widget boxes
    (bodynoise.EDGE) only in the `tail` and at the edges."""
    bare = _unbullet(line)
    if len(bare) > NOISE_MAX_CHARS:
        return False  # every vocabulary entry and furniture pattern is shorter
    if is_ui_string(bare, extra) or BODY_NOISE.match(bare) or is_sponsored_label(bare):
        return True
    if is_body_noise(bare, edge or tail):
        return True
    if edge and len(bare) < 80:
        hit = find_time(bare) if _DIGIT.search(bare) else None
        if is_time_text(bare) or (hit and len(hit[0]) <= 50 and len(hit[2]) <= 3):
            return True  # a meta line: "Hindustan Herald2 hours ago", "Updated at 1:23 p.m."
        if bare.lower().startswith(("by ", "por ", "par ", "von ")):
            return True
    return False


def unwrap_layout_tables(tree) -> None:
    """Turn tables that lay out a page into plain blocks (in place, on trafilatura's copy).

    Old sites put the whole page, story included, in <table> cells; trafilatura then prints
    every row as a table line, menus and all. A table holding another table or a cell of prose
    is layout, not data: its rows and cells become <div>s, so the content heuristics see
    paragraphs again. Data tables (short cells) are left alone."""
    for table in list(tree.iter("table")):
        cells = list(table.iter("td", "th"))
        if table.find(".//table") is None and not any(
                len(cell.text_content()) > LAYOUT_CELL_CHARS for cell in cells):
            continue
        for el in [table, *table.iter("tbody", "thead", "tfoot", "tr"), *cells]:
            el.tag = "div"


# trafilatura's raw-tree prunes (comment sections, infinite-scroll appendices, share bars) as
# plain Python: its XPaths test every container with EXSLT regexes that call back into Python,
# which measured slower than the rest of its cleaning together. Same rules, same order:
# RAW_TREE_PRUNE_XPATH, then REMOVE_COMMENTS_AND_LISTS_XPATH (trafilatura.xpaths, 2.x).
# Every rule below needs one of these words in the id or class; the test runs in C.
_WORDS = ("omment", "comol", "disqus_thread", "dsq-comments", "mvp-post-add", "infinite", "elementor-share-buttons")
_CANDIDATES = XPath(".//*[self::div or self::section or self::aside or self::details or self::ol or self::ul"
                    " or self::list][" + " or ".join(f"contains(@id,'{w}') or contains(@class,'{w}')"
                                                     for w in _WORDS) + "]")
_SCROLL = re.compile(r"mvp-post-add-(?:box|wrap)|infinite-?scroll")
_APPENDED = re.compile(r"mvp-post-add-(?:box|wrap)")
_COMMENT_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENT_LIST_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol)")
_COMMENT_CLASS = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")


def _raw_prunes(tree, delete_element) -> None:
    found = _CANDIDATES(tree)
    doomed = []
    for el in found:
        tag, i, c = el.tag, el.get("id") or "", el.get("class") or ""
        if tag in ("div", "section", "aside") and (_SCROLL.search(i) or _SCROLL.search(c)) and (
                el.find(".//h1") is None or _APPENDED.search(i) or _APPENDED.search(c)):
            doomed.append(el)
    for el in doomed:
        delete_element(el)
    doomed = [el for el in found if el.tag in ("div", "section", "aside")
              and "elementor-share-buttons" in (el.get("class") or "")]
    for el in doomed:
        delete_element(el)
    doomed = []
    for el in found:
        tag, i, c = el.tag, el.get("id") or "", el.get("class") or ""
        if tag == "aside" or not (_COMMENT_ID.search(i) or _COMMENT_CLASS.search(c)):
            continue
        if tag not in ("ol", "ul") or _COMMENT_LIST_ID.search(i) or _COMMENT_CLASS.search(c):
            doomed.append(el)
    for el in doomed:
        delete_element(el)


_OPTIONS: list = []


# Author pages in the languages aggregators use; relative links ("author/x") too.
_AUTHOR_LINKS = XPath(
    ".//a[@rel='author' or contains(@href,'author/') or contains(@href,'/autor/') or "
    "contains(@href,'/auteur/') or contains(@href,'/autore/') or contains(@href,'/penulis/') or "
    "contains(@href,'/yazar/') or contains(@href,'/avtor/') or contains(@href,'/journalist/')]")
_INLINE = {"a", "span", "strong", "b", "em", "i", "small", "p"}


def author_boxes(tree) -> list:
    """"About the author" boxes: a small block that links to an author page and holds a
    paragraph. The byline itself has no paragraph and stays (the line filter drops it); a
    story's own container is too long to qualify."""
    boxes = []
    for a in _AUTHOR_LINKS(tree):
        box = a.getparent()
        while box is not None and box.tag in _INLINE:
            box = box.getparent()
        if box is None or box.tag in ("body", "html", "article", "main") or box.find(".//p") is None:
            continue
        if len(box.text_content()) <= BIO_BOX_CHARS and box.find(".//h1") is None:
            boxes.append(box)
    return boxes


def prune_author_boxes(tree) -> None:
    """Remove author boxes (in place, on trafilatura's copy)."""
    for box in author_boxes(tree):
        if box.getparent() is not None:
            box.drop_tree()


def _lean(root, url: str | None) -> str | None:
    """trafilatura's main extractor alone, on a copy of our tree; None when it is unsure.

    The public trafilatura.extract(fast=True) runs the same cleaning and main extractor, then
    second passes (baseline rescue, recall escalation, extra tree copies) that only matter when
    the main pass found little; calling the stages directly costs about two thirds of the time
    for the same output on real pages. Internal names move between trafilatura releases, so
    any failure here (ImportError included) hands over to the public call."""
    # trafilatura's internals, imported on use: any ImportError falls back to its public call
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import Extractor
    from trafilatura.utils import normalize_unicode
    from trafilatura.xml import delete_element, xmltotxt

    if not _OPTIONS:  # read-only after construction; the URL only matters for metadata
        _OPTIONS.append(Extractor(fast=True, comments=False))
    options = _OPTIONS[0]
    tree = deepcopy(root)
    unwrap_layout_tables(tree)
    # Its general cleaning first: the prunes then walk a smaller tree (same output).
    tree = tree_cleaning(tree, options)
    _raw_prunes(tree, delete_element)
    prune_author_boxes(tree)
    tree = convert_tags(tree, options, url)
    body, text = extract_content(tree, options)
    if len(text) < options.min_extracted_size:
        return None  # short: the public call's rescue passes decide
    return normalize_unicode(xmltotxt(body, options.formatting))


def trafilatura_text(root, url: str | None) -> str:
    """trafilatura's main text of the page (our tree is left as it was); '' when it finds none."""
    try:
        # trafilatura's internals, imported on use: any ImportError falls back to its public call
        import trafilatura
    except ImportError:  # optional at runtime: the own picker still gives a body
        return ""
    try:
        try:
            text = _lean(root, url)
        except Exception:  # another trafilatura release: its public call below
            text = None
        if text is None:
            tree = deepcopy(root)
            unwrap_layout_tables(tree)
            prune_author_boxes(tree)
            text = trafilatura.extract(tree, url=url, fast=True, include_comments=False)
        return text or ""
    except Exception:  # its bug must not cost us the page: the own picker takes over
        return ""


def _names_teaser(line: str, titles: set[str]) -> bool:
    """A line that is a teaser title with a label around it ("Related: <title>", "<title> 2h")."""
    return len(line) <= 300 and any(t in line and len(line) <= len(t) + TITLE_SLACK for t in titles)


def clean_lines(text: str, headline: str | None, extra: frozenset[str], drop: set[str],
                heads: set[str] = frozenset()) -> list[str]:
    """trafilatura's lines without interface strings, meta lines, the headline or teaser titles."""
    head_keys = {norm(headline).lower()} | set(heads) if headline else set(heads)
    out: list[str] = []
    lines = [strip_marker(line) for line in map(norm, text.split("\n")) if line]
    for i, line in enumerate(lines):
        bare = _unbullet(line)
        edge = i < META_EDGE or i >= len(lines) - META_EDGE
        tail = i >= len(lines) - WIDGET_TAIL
        if bare.lower() in head_keys or bare in drop or _is_noise(line, extra, edge, tail):
            continue
        if _names_teaser(bare, drop):
            continue
        if out and out[-1] == line:
            continue
        out.append(line)
    return out


_READ_MORE = re.compile(
    r"\s*(?:read more|read the full story|continue reading|leer más|seguir leyendo|leia mais|lire la suite"
    r"|weiterlesen|mehr lesen|leggi (?:di più|tutto)|читать далее|और पढ़ें|पूरी खबर पढ़ें|baca selengkapnya"
    r"|devamını oku|続きを読む|اقرأ المزيد)\s*(?:»|›|→|\.\.\.|…)?$",
    re.IGNORECASE)


def _drop_standfirst(lines: list[str]) -> list[str]:
    """Without the standfirst an aggregator prints above the story: a leading line that ends in
    a "read more" link to the original. Readers see it as the summary, not the body."""
    for i, line in enumerate(lines[:2]):
        if _READ_MORE.search(line) and i + 1 < len(lines):  # never the whole body
            return lines[:i] + lines[i + 1:]
    return lines


def _trim_edges(lines: list[str]) -> list[str]:
    """Without the short labels trafilatura keeps around the story: a publisher name, section
    names and the byline above it, "Share on X" or a widget heading below it. A story starts
    and ends with a sentence; sub-headings inside it stay."""
    def label(line: str) -> bool:
        bare = _unbullet(line)
        return len(bare) <= EDGE_LABEL_CHARS and len(bare.split()) <= 4 and not bare.endswith(_END)

    start, end = 0, len(lines)
    while start < end - 1 and label(lines[start]):
        start += 1
    while end - 1 > start and label(lines[end - 1]):
        end -= 1
    return lines[start:end]


def _related_heading(line: str) -> bool:
    # Turkish capital dotted I lower-cases to "i" plus a combining dot the vocabulary lacks.
    return len(line) <= 64 and is_related_heading(_unbullet(line).replace("İ", "I"))


def _drop_related_boxes(lines: list[str], claimed: str) -> list[str]:
    """Without a "Related Articles"-type heading and the teaser snippets listed under it."""
    out: list[str] = []
    in_box = False
    for line in lines:
        bare = _unbullet(line)
        if _related_heading(line):
            in_box = True
            continue
        if in_box and claimed and bare in claimed:
            continue
        in_box = False
        out.append(line)
    return out


def mostly_teaser_text(body: str, teaser_blocks: set, headline_el=None) -> bool:
    """True when most of `body` is text of teaser blocks that do not hold the headline: the
    extractor took a related list with a long teaser for the story (its own prose is often
    in <div>s, which trafilatura weighs below <p>s)."""
    if not body or not teaser_blocks:
        return False
    above = set(headline_el.iterancestors()) | {headline_el} if headline_el is not None else set()
    claimed = teaser_text({b for b in teaser_blocks if b not in above}, 0.0)
    if not claimed:
        return False
    inside = sum(len(line) for line in body.split("\n") if _unbullet(line) in claimed)
    return inside > 0.5 * len(body)


def teaser_text(teaser_blocks: set, link_share: float = TEASER_LINK_SHARE) -> str:
    """The text of the teaser blocks that are lists of links, one string to search lines in.

    Blocks with little link text are left out: on real pages the teaser finder can claim an
    article body whose paragraphs carry a few repeated inline links, and that text is the body."""
    parts = []
    for block in teaser_blocks:
        text = norm(block.text_content())
        if text and (link_share <= 0 or sum(len(norm(a.text_content())) for a in block.iter("a"))
                     >= link_share * len(text)):
            parts.append(text)
    return "\n".join(parts)


def _scope(root):
    """Where trafilatura looks: the page's one <article> when it has one, else <body>.

    A page with a single <article> of some length marks its story with it; scoping there kept
    comment, teaser and footer text out on real pages and costs less (docs/extraction.md)."""
    body = root.find("body") if tag_of(root) == "html" else None
    body = body if body is not None else root
    articles = []
    for el in body.iter("article"):
        articles.append(el)
        if len(articles) > 1:
            return body
    if articles and len(articles[0].text_content()) > ARTICLE_MIN_CHARS:
        return articles[0]
    return body


def main_text(root, url: str | None, headline: str | None, extra: frozenset[str],
              teaser_titles: set[str], teaser_blocks: set | frozenset = frozenset(),
              declared: bool = False) -> str:
    """The lead's body as trafilatura reads it with aggregator noise removed; '' when none.

    `declared`: the page says it is an article (JSON-LD, og:type). Then trafilatura's lines are
    trusted over the teaser finder's blocks; otherwise lines that are teaser text go, so a
    listing page of story cards has no body."""
    text = trafilatura_text(_scope(root), url)
    return clean_body(text, root, headline, extra, teaser_titles, teaser_blocks, declared)


def clean_body(text: str, root, headline: str | None, extra: frozenset[str], teaser_titles: set[str],
               teaser_blocks: set | frozenset = frozenset(), declared: bool = True) -> str:
    """A body's lines without aggregator noise (for trafilatura's text and the own picker's)."""
    # The page's title headings are never body lines, whichever headline a profile pins.
    heads = {norm(h.text_content()).lower() for h in root.iter("h1")}
    lines = _trim_edges(_drop_standfirst(clean_lines(text, headline, extra, teaser_titles, heads)))
    if lines and teaser_blocks and not declared:  # teaser snippets taken for prose (a listing page)
        claimed = teaser_text(teaser_blocks, TEASER_LINK_SHARE)
        lines = [line for line in lines if _unbullet(line) not in claimed]
    if any(_related_heading(line) for line in lines):
        lines = _drop_related_boxes(lines, teaser_text(teaser_blocks, 0.0) if teaser_blocks else "")
    return "\n".join(lines)
