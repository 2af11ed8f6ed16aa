"""Profile selectors (crawler.extract.select): compiled XPath for plain CSS/XPath, parsel for
the EXSLT prefixes it registers."""

from __future__ import annotations

from lxml import html

from crawler.extract import select

DOC = """<div><article class="card a"><h3><a href="/x">First <b>title</b></a></h3>
<span class="t" datetime="2026-01-02T03:04:05Z">2 hours ago</span></article>
<article class="card b"><h3><a href="/y">Second</a></h3></article></div>"""


def test_css_pseudo_elements_and_element_text():
    root = html.fromstring(DOC)
    assert select.texts(root, ".card h3 a::text") == ["First", "Second"]
    assert select.text(root, ".card.a h3 a") == "First title"
    assert select.link(root, ".card.b h3 a::attr(href)") == "/y"
    assert select.time_value(root, ".card.a .t") == "2026-01-02T03:04:05Z"


def test_xpath_and_exslt_regular_expressions():
    root = html.fromstring(DOC)
    assert select.texts(root, "xpath://article[re:test(@class, 'card b')]//a") == ["Second"]
    assert select.text(root, "xpath:count(//article)") == "2.0"
    assert [e.get("class") for e in select.elements(root, "css:article.card")] == ["card a", "card b"]


def test_a_broken_selector_matches_nothing():
    root = html.fromstring(DOC)
    assert select.run(root, "xpath://article[") == []
    assert select.run(root, "div >>> p") == []


def test_selectors_run_relative_to_the_element_given():
    root = html.fromstring(DOC)
    second = select.elements(root, "article.b")[0]
    assert select.texts(second, "a::text") == ["Second"]
