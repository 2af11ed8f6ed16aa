"""What a page says about itself in machine-readable form.

Read before anything else because publishers mean it: JSON-LD (Article types, ItemList, @graph,
nested lists, sloppy JSON), Open Graph / meta tags, schema.org microdata, and application state a
JavaScript framework embeds (Next.js ``__NEXT_DATA__``), which on client-rendered pages is the
only place the story exists in the HTML at all.
"""

from __future__ import annotations

from crawler.extract import appstate
from crawler.extract.parse import norm
from crawler.extract.story_data import StoryData, Structured, loads_lenient

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
    "liveblogposting", "report", "techarticle", "scholarlyarticle", "webpage-article",
}


def _walk_nodes(data, depth: int = 0):
    """Every dict in a JSON-LD document: lists, @graph and nested values flattened."""
    if depth > 12:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key, value in data.items():
            if key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "item",
                       "hasPart", "about", "subjectOf") and isinstance(value, (list, dict)):
                yield from _walk_nodes(value, depth + 1)


def _types(node: dict) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {t.lower().split("/")[-1]}
    if isinstance(t, list):
        return {str(x).lower().split("/")[-1] for x in t}
    return set()


def _text(value) -> str | None:
    if isinstance(value, str):
        return norm(value) or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        for v in value:
            t = _text(v)
            if t:
                return t
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "text", "url", "@id", "contentUrl"):
            if key in value:
                return _text(value[key])
    return None


def _names(value) -> list[str]:
    out: list[str] = []
    values = value if isinstance(value, list) else [value]
    for v in values:
        name = _text(v.get("name") if isinstance(v, dict) else v)
        if name and name not in out:
            out.append(name)
    return out


def _image(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return _text(value)


def story_from_jsonld(node: dict) -> StoryData:
    publisher = node.get("sourceOrganization") or node.get("provider") or node.get("publisher")
    based = node.get("isBasedOn")
    if isinstance(based, dict) and based.get("publisher"):
        publisher = based["publisher"]
    return StoryData(
        headline=_text(node.get("headline")) or _text(node.get("name")),
        url=_text(node.get("url")) or _text(node.get("mainEntityOfPage")) or _text(node.get("@id")),
        body=_text(node.get("articleBody")),
        summary=_text(node.get("description")),
        published=_text(node.get("datePublished")) or _text(node.get("dateCreated"))
        or _text(node.get("uploadDate")),
        authors=_names(node.get("author")) if node.get("author") else [],
        publisher=_names(publisher)[0] if publisher and _names(publisher) else None,
        image=_image(node.get("image") or node.get("thumbnailUrl")),
        lang=_text(node.get("inLanguage")),
    )


def _read_jsonld(root, out: Structured) -> None:
    articles: list[StoryData] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = loads_lenient(script.text or "")
        if data is None:
            continue
        for node in _walk_nodes(data):
            types = _types(node)
            if types & ARTICLE_TYPES:
                articles.append(story_from_jsonld(node))
            elif "itemlist" in types:
                for el in node.get("itemListElement") or []:
                    if not isinstance(el, dict):
                        continue
                    item = el.get("item") if isinstance(el.get("item"), dict) else el
                    story = story_from_jsonld(item)
                    if not story.url and isinstance(el.get("item"), str):
                        story.url = el["item"]
                    if story.url or story.headline:
                        story.from_jsonld = True
                        out.related.append(story)
    # The page's own story is the article node with most substance (body, then headline).
    if articles:
        articles.sort(key=lambda s: (len(s.body or ""), bool(s.headline)), reverse=True)
        out.article = articles[0]


def _read_meta(root, out: Structured) -> None:
    meta = out.meta
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "")
        key = key.strip().lower()
        content = el.get("content")
        if key and content and key not in meta:
            meta[key] = norm(content)
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href") and not out.canonical:
            out.canonical = el.get("href").strip()
    lang = root.get("lang") or root.get("xml:lang")
    out.html_lang = lang.strip() if lang else None


def _read_microdata(root, out: Structured) -> None:
    if out.article is not None:
        return
    for scope in root.iterfind(".//*[@itemscope]"):
        itype = (scope.get("itemtype") or "").lower().rstrip("/").split("/")[-1]
        if itype not in ARTICLE_TYPES:
            continue
        story = StoryData()
        for prop in scope.iterfind(".//*[@itemprop]"):
            name = prop.get("itemprop")
            value = prop.get("content") or prop.get("datetime") or prop.get("src") or None
            if name == "headline" and not story.headline:
                story.headline = norm(value or prop.text_content())
            elif name == "datePublished" and not story.published:
                story.published = norm(value or prop.text_content())
            elif name == "author":
                inner = prop.find('.//*[@itemprop="name"]')
                who = norm(value or (inner.text_content() if inner is not None else prop.text_content()))
                if who and who not in story.authors:
                    story.authors.append(who)
            elif name == "publisher" and not story.publisher:
                inner = prop.find('.//*[@itemprop="name"]')
                story.publisher = norm(value or (inner.text_content() if inner is not None else prop.text_content())) or None
            elif name == "image" and not story.image:
                story.image = prop.get("src") or prop.get("content") or prop.get("href")
            elif name == "description" and not story.summary:
                story.summary = norm(value or prop.text_content())
        if story.headline:
            out.article = story
            return


def read(root) -> Structured:
    """All structured data on the page. Never raises on malformed data."""
    out = Structured()
    for step in (_read_meta, _read_jsonld, _read_microdata, appstate.read):
        try:
            step(root, out)
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
            continue
    return out
