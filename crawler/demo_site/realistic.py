"""Realistic-size aggregator pages: the generated site's stories wrapped around real news pages.

The generated pages of crawler/demo_site/generated.py are ~10 kB; real article pages are ten to twenty times
that, mostly scripts, styles, inline JSON and navigation, and that weight is what parsing and
extraction pay for. Each realistic page is a daily8-style article page (the profile's lead and
"Related Articles" markup, so both crawlers read what they would read on the real site) whose
lead is an article of the Article Extraction Benchmark (AEB, /work/shared/datasets/aeb: its
title and its human-checked body text), whose <head> carries that publisher page's own head
(scripts, styles, meta) and whose page chrome is that page's own navigation, header, footer,
asides and body scripts. Templates whose wrapped size falls outside 100-200 kB are not used.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from crawler import config

# The benchmark's pages sit beside the project checkout (../shared/datasets/aeb) unless
# BENCH_AEB_DIR says otherwise.
AEB = Path(config.env("BENCH_AEB_DIR") or Path(__file__).resolve().parents[3] / "shared/datasets/aeb")
MIN_BYTES, MAX_BYTES = 100_000, 200_000
# Outermost body elements that are page chrome rather than article text.
_CHROME = "//body//*[self::script or self::style or self::noscript or self::nav or self::header" \
          " or self::footer or self::aside or self::svg][not(ancestor::nav or ancestor::header" \
          " or ancestor::footer or ancestor::aside or ancestor::svg or ancestor::noscript)]"
_DROP_HEAD = {"title", "base"}
# Head links and metas that would redirect the crawl or name another canonical URL.
_DROP_LINK_RELS = {"canonical", "amphtml", "alternate", "shortlink"}
_DROP_META = re.compile(r"^(og:url|refresh)$", re.I)


@dataclass
class Template:
    """What one AEB page lends a generated story: lead text and the publisher page's weight."""

    title: str
    paragraphs: list[str]
    head: str
    chrome: str


def _title(doc: lxml.html.HtmlElement) -> str:
    for xpath in ('//meta[@property="og:title"]/@content', "//h1//text()", "//title//text()"):
        found = " ".join(t.strip() for t in doc.xpath(xpath) if t.strip())
        if found:
            return re.sub(r"\s+", " ", found)[:200]
    return "Untitled"


def _template(raw: bytes, body: str) -> Template | None:
    doc = lxml.html.document_fromstring(raw)
    heads = doc.xpath("//head")
    head_parts = []
    if heads:
        for el in heads[0]:
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag in _DROP_HEAD or (tag == "link" and el.get("rel", "").lower() in _DROP_LINK_RELS):
                continue
            if tag == "meta" and _DROP_META.match(el.get("property") or el.get("http-equiv") or ""):
                continue
            head_parts.append(lxml.html.tostring(el, encoding="unicode"))
    for link in doc.xpath("//body//a[@href]"):
        # Chrome links point nowhere: no crawler may leave 127.0.0.1 or follow a publisher menu.
        link.set("href", "#")
    chrome = [lxml.html.tostring(el, encoding="unicode", with_tail=False) for el in doc.xpath(_CHROME)]
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    if len(paragraphs) < 3:
        return None
    return Template(_title(doc), paragraphs, "".join(head_parts), "".join(chrome))


def load_templates(folder: Path = AEB) -> list[Template]:
    """Every AEB page with a body of at least three paragraphs, in a stable order."""
    truth = json.loads((folder / "ground-truth.json").read_text())
    templates = []
    for page_id in sorted(truth):
        path = folder / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        found = _template(gzip.decompress(path.read_bytes()), truth[page_id]["articleBody"])
        if found is not None:
            templates.append(found)
    if not templates:
        raise SystemExit(f"no AEB pages found in {folder}")
    return templates


def wrap(page: str, template: Template) -> str:
    """The daily8 page with the publisher page's head and chrome added around its <main>."""
    page = page.replace("</head>", template.head + "\n</head>", 1)
    return page.replace("<main>", f'<div class="publisher-chrome">{template.chrome}</div>\n<main>', 1)


def fits(size: int) -> bool:
    return MIN_BYTES <= size <= MAX_BYTES
