"""Related teasers: repeated records that each point at another story.

Pages nobody here wrote name their blocks in any language, or not at all, and style them with
hashed, utility or BEM classes and custom elements, so detection rests on structure: sibling
cards (subtrees holding one story link) of one shape, each with a headline-like title and usually
a time, a publisher or an image. A related-stories heading from noise.RELATED_HEADINGS claims its
block when there is one; it is never required. Navigation (nav, footer, page header, menu and
breadcrumb classes, ARIA navigation), listing pages (home, section, topic, author) and
advertising (sponsor classes and data attributes, "Sponsored"-type labels, rel=sponsored,
ad-network and click-tracker hosts) are excluded before either rule runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.cards import HEADINGS, CardFields, card_is_teaser, headline_like, read_card
from crawler.extract.noise import (
    NAV_CLASS_RE,
    SPONSOR_CLASS_RE,
    is_click_tracker,
    is_paid_campaign,
    is_related_heading,
    is_sponsored_label,
)
from crawler.extract.parse import Page, attr_match, guess_site, leaves, norm, tag_of, text_of
from crawler.urls import same_site

NAV_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search"}


@dataclass(eq=False)
class Card:
    el: object
    link: object
    url: str
    fields: CardFields
    pos: int = 0
    block: object = None
    listing: bool = False  # a section/topic page, not a story: never a teaser, still a card


class FurnitureMap:
    """Element -> 'nav' | 'ad' | None, worked out on demand (a dict-like `.get`).

    An element inherits the first mark of its ancestors (a link inside a <nav> is navigation),
    else its own: nav/footer/menu/form, ARIA navigation roles, a page header outside an
    article, advertising classes or data flags, navigation classes. Only the elements asked
    about and their ancestors are ever looked at (links, headings, cards), which is a fraction
    of a page; each is looked at once.
    """

    __slots__ = ("_mark", "_in_article")

    def __init__(self) -> None:
        self._mark: dict = {}
        self._in_article: dict = {}

    def get(self, el, default=None):
        mark = self._resolve(el)
        return default if mark is None else mark

    def _resolve(self, el):
        known = self._mark
        if el in known:
            return known[el]
        chain = []
        node = el
        while node is not None and node not in known:
            chain.append(node)
            node = node.getparent()
        inherited = known[node] if node is not None else None
        in_article = self._in_article.get(node, False) if node is not None else False
        if node is not None and tag_of(node) in ("article", "main"):
            in_article = True
        for x in reversed(chain):  # from the top down
            mark = inherited if inherited is not None else _own_mark(x, in_article)
            known[x] = mark
            self._in_article[x] = in_article
            inherited = mark
            if tag_of(x) in ("article", "main"):
                in_article = True
        return known[el]


def _own_mark(el, in_article: bool):
    if not isinstance(el.tag, str):
        return None
    tag = tag_of(el)
    attrib = el.attrib  # most elements have none: skip every attribute test then
    role = (attrib.get("role") or "").lower() if attrib else ""
    if tag in ("nav", "footer", "menu", "form") or role in NAV_ROLES:
        return "nav"
    if tag == "header" and not in_article:
        return "nav"
    if attrib:
        attrs = f"{attrib.get('class') or ''} {attrib.get('id') or ''}".strip()
        if (attrs and attr_match(SPONSOR_CLASS_RE, attrs)) or (
                any(k.startswith("data-") for k in attrib) and _ad_flagged(el)):
            return "ad"
        if attrs and attr_match(NAV_CLASS_RE, attrs) and tag not in ("body", "html", "main"):
            return "nav"
    return None


def furniture_map(root) -> FurnitureMap:
    """The page's furniture marks (see FurnitureMap); `root` is where pages start."""
    return FurnitureMap()


_AD_DATA = ("data-sponsored", "data-ad", "data-ads", "data-promoted", "data-advert", "data-paid",
            "data-native-ad", "data-is-ad", "data-sponsor")


def _ad_flagged(el) -> bool:
    """A data attribute flags the element as advertising (data-sponsored="true", data-ad)."""
    for name in _AD_DATA:
        v = el.get(name)
        if v is not None and v.strip().lower() not in ("false", "0", "no", "none"):
            return True
    return False


def menu_labels(page: Page, furniture: dict, site: tuple) -> frozenset[str]:
    """Lower-cased texts of the page's section links ("Sports", "Business"): links in its
    navigation, and links anywhere to a section page of its own site (menus without nav markup).
    The same word on a card is its section kicker, not its publisher."""
    out = set()
    for a in page.root.iter("a"):
        t = text_of(a)
        if not t or len(t) > 30:
            continue
        if furniture.get(a) == "nav":
            out.add(t.lower())
            continue
        url = page.absolute(a.get("href"))
        if url and is_listing_url(url, site) and urlsplit(url).path.strip("/"):
            out.add(t.lower())
    return frozenset(out)


_WORD_SPLIT = re.compile(r"[-_+.%\s]+")


LISTING_SEGMENTS = frozenset({
    "section", "sections", "topic", "topics", "tag", "tags", "category", "categories", "author",
    "authors", "subject", "theme", "themen", "thema", "rubrique", "rubrica", "seccion", "secao",
    "kategori", "konu", "etiket", "label", "labels", "tema", "temas", "argomenti",
})


_DIGIT = re.compile(r"\d")


def is_listing_url(url: str, site: str | tuple | None = None) -> bool:
    """A section, topic or home page rather than a story: a story's address carries an id (a
    digit) or a slug; "/news", "/top-stories", "/section/world", "/topic/x" are listings. A
    one-word or two-word path only counts on the page's own site (`site`: one address or several,
    or any relative link): another site's short slug may be a story."""
    parts = urlsplit(url)
    if _DIGIT.search(parts.path) or _DIGIT.search(parts.query):
        return False
    segments = [seg for seg in parts.path.split("/") if seg and seg not in (".", "..")]
    if not segments:
        return True  # the home page
    if segments[0].lower() in LISTING_SEGMENTS:
        return True
    sites = site if isinstance(site, tuple) else (site,)
    own = not parts.netloc or any(x and same_site(url, x) for x in sites)
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", segments[-1])
    return own and len(segments) == 1 and len([w for w in _WORD_SPLIT.split(last) if w]) <= 2


def _major(a) -> bool:
    """A link whose text reads like a story title (menu labels and 'Read more' are minor)."""
    t = text_of(a)
    if headline_like(t):
        return True
    if any(headline_like(text_of(h)) for h in a.iter(*HEADINGS)):
        return True
    if t:
        return False
    # An image-only link: its title, label or alt names the story, or a heading right beside it.
    names = [a.get("title"), a.get("aria-label"), *(img.get("alt") for img in a.iter("img"))]
    if any(headline_like(norm(n)) for n in names if n):
        return True
    near = a.getparent()
    for _ in range(2):
        if near is None or sum(1 for x in near.iter("a") if x.get("href")) > 1:
            break
        if any(headline_like(t) for _el, t in leaves(near)):
            return True
        near = near.getparent()
    return False


def _too_big_for_card(el, cache: dict) -> bool:
    """Too big to be one card: an article body, or a list (a card has one title, not two)."""
    key = ("card", el)
    if key not in cache:
        headings = 0
        for _h in el.iter(*HEADINGS):
            headings += 1
            if headings >= 2:
                break
        cache[key] = headings >= 2 or _is_prose(el, cache)
    return cache[key]


def _is_prose(el, cache: dict) -> bool:
    """An article body: three or more substantial text children."""
    if el not in cache:
        n = 0
        for child in el:
            if isinstance(child.tag, str) and len(text_of(child)) >= 80:
                n += 1
                if n >= 3:
                    break
        cache[el] = n >= 3
    return cache[el]


def _trailing_run(a, major_links: set) -> list[str]:
    """Text after a bare link up to the next story link: <br>-separated lists keep the
    publisher and time there ("<a>Title</a><br>County Observer - 4 hours ago<br>")."""
    out: list[str] = []
    tail = norm(a.tail)
    if tail:
        out.append(tail)
    for sib in a.itersiblings():
        if sib in major_links or any(True for _x in sib.iter("a")):
            break  # another link is another item, never this one's publisher or time
        if tag_of(sib) != "br":
            t = text_of(sib)
            if t:
                out.append(t)
        tail = norm(sib.tail)
        if tail:
            out.append(tail)
        if len(out) > 6:
            break
    return out


def find_cards(page: Page, furniture: dict, lead_el=None, scope=None) -> list[Card]:
    """Every story card on the page (not yet judged as teaser or not)."""
    root = page.root if scope is None else scope
    major: list[tuple[object, str]] = []
    for a in root.iter("a"):
        if furniture.get(a) == "nav":
            continue
        href = a.get("href")
        if not href or not _major(a):
            continue
        url = page.absolute(href)
        if not url or page.is_self(url):
            continue
        major.append((a, url))
    # Distinct story URLs under each ancestor (we only need to know 1 vs more).
    urls_under: dict = {}
    for a, url in major:
        key = page.key(url)  # an image link and a title link may spell one story differently
        el = a
        while el is not None:
            seen = urls_under.setdefault(el, set())
            if key in seen or len(seen) >= 2:
                break  # ancestors already know this story, or already hold several
            seen.add(key)
            el = el.getparent()
    lead_anc = set(lead_el.iterancestors()) | {lead_el} if lead_el is not None else set()
    major_links = {a for a, _u in major}
    # The host most links name is a guess worth its cost only when the page gave no address.
    guessed = page.key_base or (guess_site(page) if not (page.url or page.canonical) else None)
    site = (page.url, page.canonical, guessed)
    sections = menu_labels(page, furniture, site)
    prose: dict = {}
    cards: list[Card] = []
    seen_el: set = set()
    for a, url in major:
        card = a
        parent = a.getparent()
        while (parent is not None and tag_of(parent) not in ("body", "html", "main")
               and len(urls_under.get(parent, ())) == 1 and parent not in lead_anc
               and not _too_big_for_card(parent, prose)):
            card = parent
            parent = card.getparent()
        if card in lead_anc or card in seen_el:
            continue
        if lead_el is not None and any(x is lead_el for x in card.iter(tag_of(lead_el))):
            continue
        seen_el.add(card)
        extra = _trailing_run(a, major_links) if card is a else []
        f = read_card(card, a, extra=extra, sections=sections)
        rel = (a.get("rel") or "").lower()
        if furniture.get(card) == "ad" or "sponsored" in rel or is_click_tracker(url) or is_paid_campaign(url):
            f.sponsored = True
        listing = is_listing_url(url, site) or text_of(a).startswith("#")
        cards.append(Card(card, a, url, f, listing=listing))
    return cards


# Elements that may print a heading: own text, or one or two small children (a superset of what
# the loop below accepts, chosen in C so the loop skips the page's other elements).
_HEADING_CANDIDATES = etree.XPath(
    "descendant-or-self::*[(text()[1][normalize-space()] and "
    "string-length(normalize-space(text()[1])) <= 60) or "
    "(count(*) >= 1 and count(*) <= 2 and not(*[count(*) > 2]) and not(descendant::a))]")


def _heading_blocks(root, cards: list[Card], lead_el=None) -> list[tuple[object, object]]:
    """(heading element, block element) for each related-stories heading with cards under it."""
    anc_cards: dict = {}
    for c in cards:
        for anc in c.el.iterancestors():
            anc_cards.setdefault(anc, []).append(c)
    out = []
    lead_anc = set(lead_el.iterancestors()) if lead_el is not None else set()
    card_els = {c.el for c in cards}
    prose: dict = {}
    for el in _HEADING_CANDIDATES(root):
        if not isinstance(el.tag, str) or tag_of(el) in ("a", "body", "html"):
            continue
        raw = el.text
        if raw and len(raw) > 200:
            continue
        # Wrappers with one or two big children would cost a full text_content each; a heading
        # of at most 60 characters has small children.
        own = norm(raw) or (text_of(el) if 0 < len(el) <= 2 and all(len(c) <= 2 for c in el)
                            else "")
        if not own and tag_of(el) in HEADINGS:  # a heading drawn as an image says it in alt
            own = next((norm(img.get("alt")) for img in el.iter("img") if img.get("alt")), "")
        if not own or len(own) > 60 or not is_related_heading(own):
            continue
        if el in card_els or anc_cards.get(el):  # inline "Also read: <a>...</a>" in a paragraph
            out.append((el, el))
            continue
        block = el.getparent()
        for _ in range(4):
            if block is None or (lead_el is not None and block in lead_anc) or _is_prose(block, prose):
                break
            if anc_cards.get(block):
                out.append((el, block))
                break
            block = block.getparent()
    return out


def _block_is_sponsored(block, cards: list[Card]) -> bool:
    inside = {c.el for c in cards}
    for el, t in leaves(block):
        if is_sponsored_label(t) and not any(a in inside for a in [el, *el.iterancestors()]):
            return True
    return False


def _heading_is_sponsored(heading, cards: list[Card]) -> bool:
    """An ad label in or right beside the heading, before the first card."""
    parent = heading.getparent()
    if parent is None:
        return False
    inside = {c.el for c in cards}
    for el, t in leaves(parent):
        if el in inside or any(a in inside for a in el.iterancestors()):
            break  # reached the first card
        if is_sponsored_label(t):
            return True
    return False


def _shape(el) -> tuple:
    """A record's shape: its tag and class, and the tags of its children. Sibling records
    built by one template share it whatever their text says."""
    return (tag_of(el), el.get("class") or "", tuple(tag_of(ch) for ch in el if isinstance(ch.tag, str)))


def _inline(a) -> bool:
    """A link inside running prose (words on both sides in its own paragraph): a topic link in a
    sentence, not a record's title."""
    if a is None:
        return False
    parent = a.getparent()
    if parent is None:
        return False
    prev = a.getprevious()
    before = norm(prev.tail if prev is not None else parent.text)
    after = norm(a.tail)
    return len(before.split()) >= 3 and len(after.split()) >= 2


def _titles_read_as_stories(cards: list[Card]) -> bool:
    """Bare links with nothing but a title (no time, publisher or image) are a story list only
    when their titles are sentence-long: footer and menu links ("Privacy policy", "Terms of
    use") are two or three words."""
    lengths = sorted(_title_weight(c.fields.headline or "") for c in cards)
    return lengths[len(lengths) // 2] >= 5


def _title_weight(title: str) -> float:
    cjk = len(_CJK_CHARS.findall(title))
    return len(title.split()) + cjk / 2.5 if cjk else len(title.split())


_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def select_teasers(page: Page, cards: list[Card], lead_el=None) -> tuple[list[Card], set]:
    """Cards that are related teasers, in page order; and the blocks they were found in."""
    pos = {el: i for i, el in enumerate(page.root.iter())}
    for c in cards:
        c.pos = pos.get(c.el, 0)
    accepted: dict[int, Card] = {}
    blocks: set = set()
    claimed_ids: set[int] = set()
    for heading, block in _heading_blocks(page.root, cards, lead_el):
        if tag_of(block) in ("body", "html"):
            continue
        members = [c for c in cards if block in set(c.el.iterancestors())]
        for c in members:
            claimed_ids.add(id(c))
        if _heading_is_sponsored(heading, members):
            continue  # "You may like" + "Sponsored links": an ad widget dressed as related
        blocks.add(block)
        groups: dict = {}
        for c in members:
            groups.setdefault(c.el.getparent(), []).append(c)
        members = [c for parent, group in groups.items()
                   if parent is block or not _block_is_sponsored(parent, group) for c in group]
        for c in members:
            if (not c.fields.sponsored and not c.listing and c.fields.headline
                    and headline_like(c.fields.headline)):
                accepted[id(c)] = c
    # Repeated card structures without a heading.
    by_parent: dict = {}
    for c in cards:
        if id(c) in claimed_ids:
            continue
        by_parent.setdefault(c.el.getparent(), []).append(c)
    for parent, group in by_parent.items():
        good = [c for c in group if not c.fields.sponsored and not c.listing and card_is_teaser(c.el, c.fields)]
        if len(good) < 2 or parent is None:
            continue
        if _block_is_sponsored(parent, group) and len(good) == len(group):
            continue
        evidence = sum(1 for c in good if c.fields.time_raw or c.fields.image
                       or (c.fields.source and len(good) >= 3))
        if evidence * 2 < len(good) and (len(good) < 3 or not _titles_read_as_stories(good)):
            continue
        blocks.add(parent)
        shapes = {_shape(c.el) for c in good}
        good_ids = {id(c) for c in good}
        for c in group:  # a record of the same shape as the accepted ones is one too
            if id(c) in good_ids or (not c.fields.sponsored and not c.listing and _shape(c.el) in shapes
                             and c.fields.headline and headline_like(c.fields.headline)
                             and not _inline(c.link)):
                accepted[id(c)] = c
    _add_lone_neighbours(by_parent, accepted, blocks)
    ordered = sorted(accepted.values(), key=lambda c: c.pos)
    return ordered, blocks


def _add_lone_neighbours(by_parent: dict, accepted: dict, blocks: set) -> None:
    """A lone card beside a story list (the "hero" above it, one column of a split grid) is a
    teaser too when it shows a time or an image: it shares the list's container."""
    homes = {parent.getparent() for parent in blocks if parent is not None} - {None}
    homes |= {parent for parent in blocks}
    for parent, group in by_parent.items():
        if parent is None or len(group) != 1 or parent in blocks:
            continue
        c = group[0]
        if id(c) in accepted or c.fields.sponsored or c.listing:
            continue
        if not (c.fields.time_raw or c.fields.image) or not card_is_teaser(c.el, c.fields):
            continue
        if parent in homes or parent.getparent() in homes:
            accepted[id(c)] = c
