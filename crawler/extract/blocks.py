"""The page as a list of text blocks (paragraphs, sub-headings, list items, <br>-separated runs),
with the page furniture pruned. Both the body picker and the lead's metadata search read it.

Pruning uses tags (nav, footer, aside, form...), ARIA roles, hidden flags and furniture class
names; on sites with hashed class names only tags, roles and text vocabularies are left, which is
why the body picker also scores link density and the vocabularies in noise.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract.noise import NAV_CLASS_RE, SPONSOR_CLASS_RE
from crawler.extract.parse import attr_match, norm, tag_of

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
              "td", "th", "figcaption", "caption", "address", "summary"}
CONTAINER_TAGS = {"div", "section", "article", "main", "span", "td", "body", "font", "center",
                  "ul", "ol", "table", "tbody", "tr", "dl", "figure", "header", "details"}
INLINE_TAGS = {"a", "b", "i", "em", "strong", "span", "small", "sub", "sup", "u", "mark", "font",
               "time", "abbr", "cite", "q", "code", "s", "del", "ins", "kbd", "var", "bdi", "bdo",
               "label", "img", "wbr", "nobr"}
SKIP_TAGS = {"nav", "footer", "aside", "form", "button", "select", "dialog", "menu", "input",
             "textarea", "head", "title", "figcaption", "picture", "video", "audio", "map"}
SKIP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "menu", "search",
              "alert", "toolbar"}


@dataclass
class Block:
    el: object  # the element owning the text (the <p>, or the <div> for a <br> run)
    text: str
    link_chars: int
    kind: str  # "para" | "heading" | "item"

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def is_furniture(el) -> bool:
    """Subtrees the lead's body never lives in."""
    tag = tag_of(el)
    if tag in SKIP_TAGS:
        return True
    if tag == "header":
        return False  # may hold the headline; the body picker skips it on its own
    role = (el.get("role") or "").lower()
    if role in SKIP_ROLES:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if tag in ("body", "html", "main", "article"):
        return False
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    attrs = attrs.strip()
    if attrs and (attr_match(NAV_CLASS_RE, attrs) or attr_match(SPONSOR_CLASS_RE, attrs)):
        return True
    return False


def _link_chars(el) -> int:
    if tag_of(el) == "a":
        return len(norm(el.text_content()))
    return sum(len(norm(a.text_content())) for a in el.iter("a"))


def _has_block_child(el) -> bool:
    for child in el:
        t = tag_of(child)
        if t in BLOCK_TAGS or (t in CONTAINER_TAGS and t != "span"):
            return True
    return False


def _runs(el, depth: int = 0) -> list[tuple[str, int]]:
    """Inline text runs directly inside a container, split at <br> and block children."""
    runs: list[tuple[str, int]] = []
    parts: list[str] = [el.text or ""]
    links = 0

    def flush():
        nonlocal parts, links
        text = norm("".join(parts))
        if text:
            runs.append((text, links))
        parts, links = [], 0

    for child in el:
        t = tag_of(child)
        if t == "br":
            flush()
        elif t in INLINE_TAGS and depth < 12 and child.find(".//br") is not None:
            flush()  # <font>text<br><br>text</font>: the breaks inside still separate runs
            runs.extend(_runs(child, depth + 1))
        elif t in INLINE_TAGS and not _has_block_child(child):
            if not is_furniture(child):
                txt = child.text_content() or ""
                parts.append(txt)
                links += _link_chars(child)
        else:
            flush()
        parts.append(child.tail or "")
    flush()
    return runs


def _descend(el) -> bool:
    return isinstance(el.tag, str) and (tag_of(el) not in INLINE_TAGS or _has_block_child(el))


def collect(root, skip: set | frozenset = frozenset()) -> list[Block]:
    """Text blocks in reading order, furniture and `skip` subtrees pruned (iteratively)."""
    out: list[Block] = []
    stack = [root]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el in skip or is_furniture(el):
            continue
        tag = tag_of(el)
        if tag in BLOCK_TAGS and not _has_block_child(el):
            text = norm(el.text_content())
            if text:
                kind = "heading" if tag[0] == "h" and len(tag) == 2 else (
                    "item" if tag in ("li", "dd", "dt", "td", "th") else "para")
                out.append(Block(el, text, _link_chars(el), kind))
            continue
        if tag in CONTAINER_TAGS or tag in BLOCK_TAGS or tag == "a":
            for text, links in _runs(el):
                out.append(Block(el, text, links, "para"))
        stack.extend(reversed([c for c in el if _descend(c)]))
    return out
