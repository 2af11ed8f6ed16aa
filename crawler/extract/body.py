"""The own body picker: a density-based choice over the page's text blocks.

The lead's body comes first from trafilatura (maintext.py), which reads real pages far better.
This picker is the second opinion: it reuses the block list, skips the blocks the teaser finder
claimed, and so still finds a story whose paragraphs are <div>s or <br> runs (which trafilatura
weighs below <p>s), a body when trafilatura finds none, and the story when trafilatura took a
related list with a long teaser for it. lead.py decides between the two; when the DOM holds
almost no prose it falls back to the body given in structured data (JSON-LD articleBody).

Scoring (readability-like): each prose paragraph scores 1 + commas + length/100 (max 3) and adds
that to its parent, half to the grandparent, a quarter above; a container's score is scaled by
(1 - its link density), so lists of linked titles lose to real prose.
"""

from __future__ import annotations

from crawler.extract.blocks import Block
from crawler.extract.noise import is_ui_string
from crawler.extract.parse import norm
from crawler.extract.timetext import find_time, is_time_text

MIN_PARA = 25


def _para_score(b: Block) -> float:
    return 1.0 + b.text.count(",") + b.text.count("،") + b.text.count("、") + min(len(b.text) / 100, 3.0)


def _good_para(b: Block, extra: frozenset[str]) -> bool:
    return (b.kind != "heading" and len(b.text) >= MIN_PARA and b.link_density < 0.5
            and not is_ui_string(b.text, extra))


def pick_container(blocks: list[Block], extra: frozenset[str] = frozenset()):
    """The element that holds the most prose, or None."""
    scores: dict = {}
    for b in blocks:
        if not _good_para(b, extra):
            continue
        s = _para_score(b)
        el = b.el.getparent()
        weight = 1.0
        for _ in range(3):
            if el is None:
                break
            scores[el] = scores.get(el, 0.0) + s * weight
            weight /= 2
            el = el.getparent()
    if not scores:
        return None
    top = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:5]
    best, best_score = None, -1.0
    for el, score in top:
        text_len = len(norm(el.text_content())) or 1
        links = sum(len(norm(a.text_content())) for a in el.iter("a"))
        final = score * (1 - min(links / text_len, 1.0))
        if final > best_score:
            best, best_score = el, final
    return best


def body_text(blocks: list[Block], container, headline: str | None, extra: frozenset[str],
              drop: set[str]) -> str:
    """Prose blocks inside `container`, furniture and duplicates dropped, one per line."""
    inside = set(container.iter())
    out: list[str] = []
    head_key = norm(headline).lower() if headline else None
    for i, b in enumerate(blocks):
        if b.el not in inside:
            continue
        text = b.text
        if head_key and text.lower() == head_key:
            continue
        if text in drop or is_ui_string(text, extra):
            continue
        if b.link_density > 0.6 and len(text) < 300:
            continue
        hit = find_time(text) if len(text) < 80 else None
        if hit and len(hit[0]) <= 50 and len(hit[2]) <= 3:
            continue  # a meta line: "Hindustan Herald2 hours ago"
        if is_time_text(text) or (len(text) < 80 and text.lower().startswith(("by ", "por ", "par ", "von "))):
            continue
        if b.kind == "heading":
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if len(text) > 160 or nxt is None or nxt.el not in inside or nxt.kind == "heading":
                continue
        elif len(text) < 15 and b.kind != "item":
            continue
        if out and out[-1] == text:
            continue
        out.append(text)
    return "\n".join(out)
