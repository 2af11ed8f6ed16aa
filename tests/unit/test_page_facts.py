"""The spider's follow links and modified stamp, read by extraction from its one tree, are what
the spider's parsel code read from a second parse: pinned page by page on the fixture layouts,
the render fixtures, the demo sites, the incremental-crawl news site, hostile pages and, when
they sit beside the checkout, the real AEB article pages. The parsel code is kept here, as it
was in the spider, as the reference."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse

from crawler.demo_site.generated import GeneratedSite
from crawler.demo_site.realistic import AEB
from crawler.demo_site.site import DemoSite
from crawler.extract import extract
from crawler.extract.page_facts import follow_links, modified_stamp
from crawler.extract.parse import parse
from crawler.sites import SiteProfile, get_profile
from spiders.base import selector_links
from spiders.discovery import DiscoveryMixin
from spiders.page_faults import page_text
from tests.support import hostile_pages
from tests.support.crawl import FIXTURES
from tests.support.news_site import NewsSite

NOW = datetime(2025, 6, 14, 12, 0, tzinfo=UTC)
# daily8's own follow selectors, then the other forms a profile may write: CSS, ::attr, ::text,
# XPath elements and XPath attributes, and a link element.
SELECTORS = (
    *get_profile("daily8").follow,
    "a[href]",
    "nav a[href], footer a[href]",
    "a::attr(href)",
    "link[rel=canonical]::attr(href)",
    "link[rel=canonical]",
    "h3 a::text",
    "xpath://a[@href][contains(@class, 'read-more') or ancestor::h3]",
    "xpath://a/@href",
    "xpath://*[@rel='next']/@href",
)
PROFILE = SiteProfile(name="facts", follow=SELECTORS)


def reference_links(response: HtmlResponse) -> list[str]:
    """The spider's former ProfileSpider._follow link reading (parsel over a second parse)."""
    links: list[str] = []
    for sel in PROFILE.follow:
        nodes = response.xpath(sel[6:]) if sel.startswith("xpath:") else response.css(sel)
        for node in nodes:
            href = node.attrib.get("href") if hasattr(node, "attrib") else None
            if href is None:
                href = node.get()
            if href:
                links.append(response.urljoin(href.strip()))
    return links


def reference_modified(response: HtmlResponse) -> str | None:
    """The spider's former DiscoveryMixin.modified_raw (parsel over a second parse)."""
    for query in (
        'meta[property="article:modified_time"]::attr(content)',
        'meta[itemprop="dateModified"]::attr(content)',
        'time[itemprop="dateModified"]::attr(datetime)',
        'meta[name="last-modified"]::attr(content)',
    ):
        value = response.css(query).get()
        if value and value.strip():
            return value.strip()
    return None


# Pages written for the edge cases of the stamp and of link joining.
EDGE_PAGES = {
    "blank_first_source": """<html><head>
<meta property="article:modified_time" content="  ">
<meta property="article:modified_time" content="2025-01-01T00:00:00Z">
<meta itemprop="dateModified" content=" 2025-02-02T10:00:00+01:00 "></head><body></body></html>""",
    "source_without_value_skipped": """<html><head><meta property="article:modified_time">
<meta property="article:modified_time" content="2025-03-03">
</head><body><time itemprop="dateModified" datetime="2024-01-01">x</time></body></html>""",
    "time_and_name_sources": """<html><head><meta name="last-modified" content="Mon, 02 Jun 2025">
</head><body><p><time itemprop="dateModified">no datetime</time>
<time itemprop="dateModified" datetime="2025-06-01T08:00">1 June</time></p></body></html>""",
    "in_noscript_and_body": """<html><head><noscript><meta name="last-modified" content="a"></noscript>
</head><body><svg><a href="/in-svg">s</a></svg><script>var a = '<a href="/no">';</script>
<meta itemprop="dateModified" content="2025-05-05"><a href=" /spaced?q=1#frag ">x</a>
<a href="">empty</a><a href="  ">blank</a><a href="javascript:void(0)">js</a>
<a href="mailto:x@example.org">m</a><a href="//other.example/p">proto</a></body></html>""",
    "base_href": """<html><head><base href="https://cdn.example/root/sub/">
<link rel="canonical" href="story.html"></head><body><nav><a href="../up.html">up</a>
<a href="same.html">same</a><a href="/abs">abs</a><a href="?page=2" rel="next">next</a></nav>
<h3><a href="x">  Title text  </a></h3></body></html>""",
    "relative_base_href": """<html><head><base href="/other/"></head><body>
<footer><a href="f.html">f</a></footer></body></html>""",
    "uppercase_markup": """<HTML><HEAD><META PROPERTY="article:modified_time" CONTENT="2025-07-07">
</HEAD><BODY><A HREF="/Upper" CLASS="read-more">u</A></BODY></HTML>""",
}


def _pages():
    """(name, url, bytes) for every page the equivalence is checked on."""
    for path in sorted((FIXTURES / "layouts").glob("*.html")):
        yield f"layouts/{path.name}", f"https://{path.stem.replace('_', '-')}.example/a/b.html", \
            path.read_bytes()
    for path in sorted((FIXTURES / "render").glob("*.html")):
        yield f"render/{path.name}", f"http://127.0.0.1:8000/{path.name}", path.read_bytes()
    demo = DemoSite()
    for path in [*demo.listing_paths, *demo.article_paths, "/about.html"]:
        yield f"demo{path}", f"http://127.0.0.1:8000{path}", demo.render(path)
    generated = GeneratedSite(40)
    for path, html in sorted(generated.html.items()):
        yield f"generated{path}", f"http://127.0.0.1:8001{path}", html
    news = NewsSite()
    yield "news/home", "http://127.0.0.1:8002/", news.home()
    for n in range(news.count):
        yield f"news{news.path(n)}", f"http://127.0.0.1:8002{news.path(n)}", news.article(n)
    yield "hostile/article", "http://127.0.0.1:8003/a.html", hostile_pages.article(
        "A headline for the hostile page", related=(("/r1.html", "First related"),)).encode()
    yield "hostile/nested", "http://127.0.0.1:8003/n.html", hostile_pages.nested(300).encode()
    for name, html in EDGE_PAGES.items():
        yield f"edge/{name}", "https://site.example/section/page.html?id=3", html.encode()


def _aeb_pages():
    """Every other AEB page (about 90, 100-200 kB each): the suite stays quick."""
    for path in sorted((AEB / "html").glob("*.html.gz"))[::2]:
        yield f"aeb/{path.name}", f"https://aeb.example/news/{path.name[:12]}.html", \
            gzip.decompress(path.read_bytes())


def _check(pages) -> tuple[int, int, int]:
    """(pages checked, pages with follow links, pages with a modified stamp)."""
    checked = linked = stamped = 0
    for name, url, body in pages:
        response = HtmlResponse(url=url, body=body, headers={"Content-Type": "text/html"})
        text, _problem = page_text(response)
        page = extract(text, url=response.url, fetched_at=NOW, profile=PROFILE)
        assert page.follow == reference_links(response), name
        assert page.modified_raw == reference_modified(response), name
        assert page.modified_raw == DiscoveryMixin.modified_raw(response), name
        assert selector_links(response, PROFILE.follow) == page.follow, name
        checked += 1
        linked += bool(page.follow)
        stamped += page.modified_raw is not None
    return checked, linked, stamped


def test_follow_links_and_modified_stamp_match_the_spiders_parsel_reading():
    checked, linked, stamped = _check(_pages())
    assert checked >= 150 and linked >= 140 and stamped >= 24


@pytest.mark.skipif(not (AEB / "ground-truth.json").is_file(),
                    reason=f"the AEB pages are not beside this checkout ({AEB}; set BENCH_AEB_DIR)")
def test_follow_links_and_modified_stamp_match_on_real_article_pages():
    checked, linked, stamped = _check(_aeb_pages())
    assert checked >= 80 and linked >= 80 and stamped >= 5


def test_edge_pages_give_what_a_reader_of_the_markup_expects():
    """The reference above is not trusted blindly: the edge pages' answers, written out."""
    def facts(name: str):
        page = extract(EDGE_PAGES[name], url="https://site.example/section/page.html?id=3",
                       fetched_at=NOW, profile=replace(PROFILE, follow=("a[href]", "xpath://*[@rel='next']/@href")))
        return page.follow, page.modified_raw

    assert facts("blank_first_source")[1] == "2025-02-02T10:00:00+01:00"
    assert facts("source_without_value_skipped")[1] == "2025-03-03"
    assert facts("time_and_name_sources")[1] == "2025-06-01T08:00"
    links, stamp = facts("in_noscript_and_body")
    assert stamp == "2025-05-05"
    # href="" is no link; a blank one is the page itself, as urljoin has it.
    assert links == ["https://site.example/in-svg", "https://site.example/spaced?q=1#frag",
                     "https://site.example/section/page.html?id=3", "javascript:void(0)",
                     "mailto:x@example.org", "https://other.example/p"]
    links, _ = facts("base_href")
    assert links == ["https://cdn.example/root/up.html", "https://cdn.example/root/sub/same.html",
                     "https://cdn.example/abs", "https://cdn.example/root/sub/?page=2",
                     "https://cdn.example/root/sub/x", "https://cdn.example/root/sub/?page=2"]
    assert facts("relative_base_href")[0] == ["https://site.example/other/f.html"]


def test_an_element_without_href_is_no_link():
    """parsel's reading took such an element's markup for a relative URL and fetched it."""
    html = '<html><body><h3 class="t">Title</h3><a class="next-page">no href</a><a href="/x">x</a></body></html>'
    page = parse(html, "https://site.example/p/")
    assert follow_links(page.root, ("h3.t", "a.next-page", "a"), html, page.url) == \
        ["https://site.example/x"]
    assert modified_stamp(page.root) is None
    response = HtmlResponse(url="https://site.example/p/", body=html.encode(), encoding="utf-8")
    assert selector_links(response, ("h3.t", "a.next-page", "a")) == ["https://site.example/x"]


def test_text_split_by_a_comment_is_one_text():
    """Extraction's tree has no comments, so a ::text match reads as the page shows it; parsel
    gave the pieces either side of the comment as two links."""
    html = """<html><body><!-- <a href="/commented"> -->
<h3><a href="/c1">one<!-- c -->two</a></h3><a href="/c2" class="next-page">n</a></body></html>"""
    page = extract(html, url="https://site.example/s/p.html", profile=replace(
        PROFILE, follow=("h3 a::text", "a[href]", "a.next-page")))
    assert page.follow == ["https://site.example/s/onetwo", "https://site.example/c1",
                           "https://site.example/c2", "https://site.example/c2"]


def test_no_profile_and_empty_documents_have_no_links():
    assert extract("<html><body><a href='/x'>x</a></body></html>", url="https://s.example/").follow == []
    assert extract("   ", url="https://s.example/").follow == []
    assert extract("   ", url="https://s.example/", profile=PROFILE).follow == []


def test_the_spider_reads_with_parsel_only_what_extraction_did_not_read():
    """An HTML page: extraction's links and stamp. Other text, or a page extraction failed on
    (follow is None): parsel, as before."""
    from scrapy.http import XmlResponse

    from spiders.daily8 import Daily8Spider

    spider = Daily8Spider()
    body = GeneratedSite(12).html["/"]
    url = "https://daily8.com/"
    html = HtmlResponse(url=url, body=body, encoding="utf-8")
    page = extract(body, url=url, fetched_at=NOW, profile=spider.profile)
    parsel_links = selector_links(html, spider.profile.follow)
    assert parsel_links and page.follow == parsel_links
    marked = replace(page, follow=["https://daily8.com/from-extraction"], modified_raw="stamp")
    assert spider._follow_links(html, marked) == ["https://daily8.com/from-extraction"]
    assert spider._modified_raw(html, marked) == "stamp"
    failed = replace(marked, follow=None)
    assert spider._follow_links(html, failed) == parsel_links
    assert spider._modified_raw(html, failed) is None
    xml = XmlResponse(url=url, body=b'<?xml version="1.0"?><r><a class="next-page" href="/n"/></r>')
    assert spider._follow_links(xml, marked) == ["https://daily8.com/n"]
