"""crawler.extract's contract: total on any input, URL rules for teasers, profile pins, and
zero-config extraction of the lead's demo site (no profile)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.demo_site.site import DemoSite
from crawler.extract import extract
from crawler.sites.profile import load_profile
from tests.support.crawl import FIXTURES

NOW = datetime(2025, 6, 15, 12, tzinfo=UTC)
LAYOUTS = FIXTURES / "layouts"
PROFILES = FIXTURES / "profiles"


@pytest.mark.parametrize("html", [
    "", b"", "   ", b"\x00\xff\xfe\x00garbage\x89PNG\r\n", "<html>", "<<<>>>", "not html at all",
    "<div>" * 10000 + "deep" + "</div>" * 10000, b"\xef\xbb\xbf<html><body><p>bom</p></body></html>",
    "<html><head><script type='application/ld+json'>{broken,,</script></head></html>",
])
def test_never_raises_and_reports_no_lead(html):
    result = extract(html, url="https://x.example/a", fetched_at=NOW)
    assert result.lead is None
    assert "no_lead" in result.problems


def test_huge_page_is_handled():
    para = "<p>" + "Word, " * 60 + "</p>"
    html = "<html><body><h1>A very long page about many things</h1>" + para * 20000 + "</body></html>"
    result = extract(html, url="https://x.example/a", fetched_at=NOW)
    assert result.lead is not None and result.lead.body


def test_bytes_honour_meta_charset():
    html = ('<html><head><meta charset="windows-1252"><title>x</title></head><body>'
            '<h1>Caf\xe9 owners protest new pavement rules in the old town</h1>'
            '<p>Owners of caf\xe9s said the rules, which limit tables on pavements, would cost jobs and '
            'reduce the number of visitors to the historic centre during the summer.</p></body></html>')
    result = extract(html.encode("cp1252"), url="https://x.example/a", fetched_at=NOW)
    assert result.lead.headline.startswith("Café owners")


CARDS = """<html><head><base href="https://cdn.example/base/"></head><body>
<h1>Lead story headline about the river flood defences</h1>
<div><p>The council approved new flood defences on Tuesday, after two winters of damage, officials said.</p>
<p>Engineers will raise the embankment by a metre, a project expected to take three years to finish.</p></div>
<section><h2>Related stories</h2>
<div><a href="rel/one#top"><h3>First related story about the water board</h3></a><span>Gazette</span> <span>2 hours ago</span></div>
<div><a href="https://x.example/a"><h3>The page itself is never its own teaser</h3></a><span>Gazette</span> <span>3 hours ago</span></div>
<div><a href="javascript:void(0)"><h3>A script link is not a story at all here</h3></a><span>1 hour ago</span></div>
<div><a href="rel/one"><h3>First related story about the water board</h3></a><span>Gazette</span> <span>2 hours ago</span></div>
</section>
<section><h2>Trending</h2>
<div><a href="https://cdn.example/base/rel/one"><h3>First related story about the water board</h3></a></div>
<div><a href="ftp://files.example/x"><h3>An ftp link is not a story either, surely</h3></a></div>
<div><a href="/rel/two"><h3>Second related story about the harbour</h3></a><span>Herald</span> <span>5 hours ago</span></div>
</section></body></html>"""


def test_teaser_urls_absolute_deduped_and_not_self():
    result = extract(CARDS, url="https://x.example/a", fetched_at=NOW)
    assert [t.url for t in result.related] == [
        "https://cdn.example/base/rel/one", "https://cdn.example/rel/two"]
    assert result.related[0].source == "Gazette"
    assert result.related[0].published_at == datetime(2025, 6, 15, 10, tzinfo=UTC)


def test_raw_time_kept_when_unparseable():
    html = ("<html><body><h1>Headline of a story with an odd time stamp</h1>"
            "<div class='meta'><span class='source'>Gazette</span> <time datetime='sometime soon'>x</time></div>"
            "<p>" + "Body text with enough words to count as prose, clearly. " * 5 + "</p></body></html>")
    result = extract(html, url="https://x.example/a", fetched_at=NOW)
    assert result.lead.published_raw == "sometime soon"
    assert result.lead.published_at is None


def test_profile_pins_beat_heuristics_and_rest_stays_generic():
    profile = load_profile(PROFILES / "newsboard.yaml")
    html = (LAYOUTS / "agg01_semantic.html").read_bytes()
    url = "https://newsboard.example/story/coastal-towns-seawall-plan"
    pinned = extract(html, url=url, fetched_at=NOW, profile=profile)
    generic = extract(html, url=url, fetched_at=NOW)
    assert pinned.lead.headline.startswith("Three fishing towns are deciding")
    assert pinned.lead.source == "Harbour Gazette"
    assert pinned.lead.body == generic.lead.body  # unpinned: still the generic body
    assert [t.url for t in pinned.related] == [t.url for t in generic.related]
    assert [t.source for t in pinned.related] == ["Valley Courier", "Morning Ledger"]


def test_profile_zone_and_language_are_defaults():
    profile = load_profile(PROFILES / "newsboard.yaml")
    html = ("<html><body><h1>Council meets to discuss the harbour budget plan</h1>"
            "<p class='d'>Published 15 June 2025 09:00</p>"
            "<p>" + "The council met on Sunday to discuss the budget, officials said. " * 4 + "</p></body></html>")
    result = extract(html, url="https://newsboard.example/x", fetched_at=NOW, profile=profile)
    assert result.lead.lang == "en"
    assert result.lead.published_raw


def test_demo_site_zero_config():
    """The lead's daily8-style demo site, extracted with no profile at all."""
    site = DemoSite()
    for path, expected in site.expected.items():
        result = extract(site.render(path), url="https://daily8.com" + path, fetched_at=NOW)
        slugs = [t.url.split("/story/")[-1].split("?")[0].removesuffix(".html") for t in result.related]
        assert slugs == list(expected.related), path
        if expected.lead:
            story = site.by_slug[expected.lead]
            assert result.lead.headline == story.headline
            assert result.lead.source == story.publisher
            assert result.lead.published_raw == story.age_text
            assert "STORY CONTINUES" not in result.lead.body
            assert "Advertisement" not in result.lead.body
        else:
            assert result.lead is None, path
