"""The lead's publisher and time as a reader sees them under (or below) the headline.

Each page is a small aggregator article in a different byline shape; the expected publisher is
what the page prints, never a label ("By", "Por", "Published"), an author, a breadcrumb or the
aggregator's own name.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import extract
from crawler.extract.byline import clean_authors, label_of

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {i} of a story about the river ferry timetable, which the council changed "
    f"again this week after residents complained about the early crossings.</p>" for i in range(4))


def _page(meta: str, after_body: str = "", lang: str = "en", site: str = "Brightwire") -> str:
    return (f'<html lang="{lang}"><head><title>Ferry timetable changes again - {site}</title>'
            f'<meta property="og:site_name" content="{site}"></head><body>'
            f'<header><a href="https://brightwire.example/">Home</a></header>'
            f'<main><article><nav aria-label="breadcrumb"><a href="https://brightwire.example/">'
            f'Home</a> &gt; <a href="https://brightwire.example/local">Local</a></nav>'
            f'<h1>Ferry timetable changes again after complaints</h1>{meta}'
            f'<div class="c9x">{BODY}</div>{after_body}</article></main></body></html>')


CASES = {
    "dot line": ('<div><span>Harbour Times</span> · <span>3 hours ago</span></div>', "", "en",
                 "Harbour Times"),
    "label above": ('<div><span>Source:</span> <span>Harbour Times</span></div>'
                    '<div><span>Published:</span> <span>3 hours ago</span></div>', "", "en",
                    "Harbour Times"),
    "label below the body": ('<div>Published: 3 hours ago</div><div>By <a href="/a/x">Ana Reis</a></div>',
                             '<p>Source: <span>Harbour Times</span></p>', "en", "Harbour Times"),
    "author label after the line": ('<div><span>Gazeta Fluvial</span> | <span>há 3 horas</span></div>'
                                    '<div>Por <span>Ana Reis</span></div>', "", "pt", "Gazeta Fluvial"),
    "logo alt beside the time": ('<div><img src="/logos/ht.png" alt="Harbour Times" height="18">'
                                 '<span>3 hours ago</span></div>', "", "en", "Harbour Times"),
    "turkish label below": ('<div>Yazan: <span>Ece Demir</span></div><div><span>3 saat önce</span></div>',
                            '<p>Kaynak: <span>Nehir Postası</span></p>', "tr", "Nehir Postası"),
    "hindi label above": ('<div>स्रोत: <span>नदी समाचार</span></div><div>3 घंटे पहले</div>', "", "hi",
                          "नदी समाचार"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lead_publisher(name):
    meta, after, lang, want = CASES[name]
    got = extract(_page(meta, after, lang), url="https://brightwire.example/local/ferry", fetched_at=NOW)
    assert got.lead is not None, got.problems
    assert got.lead.source == want


def test_labelled_time_is_read():
    got = extract(_page('<div><span>Harbour Times</span></div><div>Published: 3 hours ago</div>'),
                  url="https://brightwire.example/local/ferry", fetched_at=NOW)
    assert got.lead.published_at is not None
    assert abs((NOW - got.lead.published_at).total_seconds() - 3 * 3600) <= 3600


def test_breadcrumb_home_link_is_not_the_publisher():
    """No publisher shown: the site's own name stands, never "Home" from the breadcrumb."""
    got = extract(_page("<div>3 hours ago</div>"), fetched_at=NOW)
    assert got.lead.source == "Brightwire"


def test_author_role_beside_time_is_not_the_publisher():
    meta = ('<div class="byline"><a rel="author" href="/p/ana">Ana Reis</a>, Transport reporter · '
            '<time datetime="2026-03-09T09:00:00Z">9 Mar 2026</time></div>')
    got = extract(_page(meta), url="https://brightwire.example/local/ferry", fetched_at=NOW)
    assert got.lead.source == "Brightwire"


@pytest.mark.parametrize("text,kind,rest", [
    ("Source: Harbour Times", "source", "Harbour Times"),
    ("Fuente:", "source", ""),
    ("By", "author", ""),
    ("Por Ana Reis", "author", "Ana Reis"),
    ("Veröffentlicht: vor 2 Stunden", "time", "vor 2 Stunden"),
    ("Dijon council votes", None, "Dijon council votes"),
    ("Bypass opens", None, "Bypass opens"),
])
def test_labels(text, kind, rest):
    assert label_of(text) == (kind, rest)


@pytest.mark.parametrize("meta,lang,want", [
    ('<div>By <span>Ana Reis</span>, <span>Rui Lima</span> and <a href="/a/eva">Eva Cruz</a></div>',
     "en", ["Ana Reis", "Rui Lima", "Eva Cruz"]),
    ('<div>Oleh <span>Putri Wulan</span> dan <span>Dewi Sari</span></div>', "id",
     ["Putri Wulan", "Dewi Sari"]),
    ('<div>Автор: <span>Олег Ветров</span></div>', "ru", ["Олег Ветров"]),
    ('<div>By Dan Evon</div>', "en", ["Dan Evon"]),
    ('<div>By Sarah E. Marsh, MS, RD on March 2, 2026</div>', "en", ["Sarah E. Marsh"]),
])
def test_labelled_authors(meta, lang, want):
    got = extract(_page(meta, lang=lang), url="https://brightwire.example/local/ferry", fetched_at=NOW)
    assert got.lead.authors == want


def _with_jsonld(meta: str, published: str) -> str:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry '
          f'timetable changes again after complaints", "datePublished": "{published}"}}</script>')
    return _page(meta).replace("</head>", ld + "</head>")


def test_shown_zoned_time_overrules_metadata_that_disagrees():
    """The page prints 14:27 at UTC+03:00; its JSON-LD says 14:27 Z (local time labelled UTC)."""
    html = _with_jsonld("<div><span>Harbour Times</span> · <span>2026/03/09 14:27 UTC+03:00</span></div>",
                        "2026-03-09T14:27:00Z")
    lead = extract(html, fetched_at=datetime(2026, 3, 9, 18, 0, tzinfo=UTC)).lead
    assert lead.published_at == datetime(2026, 3, 9, 11, 27, tzinfo=UTC)


def test_metadata_in_the_future_gives_way_to_the_shown_time():
    html = _with_jsonld("<div><span>Harbour Times</span> · <span>3 hours ago</span></div>",
                        "2026-03-09T15:00:00Z")
    lead = extract(html, fetched_at=NOW).lead
    assert abs((NOW - lead.published_at).total_seconds() - 3 * 3600) <= 3600


def test_exact_metadata_wins_over_a_shown_time_that_agrees():
    html = _with_jsonld("<div><span>Harbour Times</span> · <span>3 hours ago</span></div>",
                        "2026-03-09T08:47:10Z")
    lead = extract(html, fetched_at=NOW).lead
    assert lead.published_at == datetime(2026, 3, 9, 8, 47, 10, tzinfo=UTC)


def test_zoneless_shown_time_never_overrules_metadata():
    """'09:00' could be any zone; the metadata's exact instant stands."""
    html = _with_jsonld("<div><span>Harbour Times</span> · <span>9 Mar 2026, 09:00</span></div>",
                        "2026-03-09T04:00:00+00:00")
    lead = extract(html, fetched_at=NOW).lead
    assert lead.published_at == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)


PUBLISHER_PAGE = (
    '<html><head><title>Ferry timetable changes again | Harbour Times</title>'
    '<meta property="og:site_name" content="Harbour Times"></head><body><main><article>'
    '<h1>Ferry timetable changes again after complaints</h1>{meta}'
    f'<div class="story">{BODY}</div></article></main></body></html>')


@pytest.mark.parametrize("meta", [
    '<div class="meta"><span>Monday</span> <time datetime="2026-03-09T09:00:00Z">9:00 AM</time></div>',
    '<div class="meta"><time datetime="2026-03-09T09:00:00Z">9 Mar 2026</time> '
    '<a href="https://www.facebook.com/">Facebook</a> <a href="mailto:?s=x">Email</a></div>',
    '<div class="meta"><span>Filed to</span> <time datetime="2026-03-09T09:00:00Z">9 Mar</time></div>',
    '<div class="meta"><time datetime="2026-03-09T09:00:00Z">March 9, 2026</time>'
    '<span class="comments">0 Comments</span></div>',
])
def test_publisher_page_meta_never_names_a_weekday_share_link_or_counter(meta):
    got = extract(PUBLISHER_PAGE.format(meta=meta), url="https://harbourtimes.example/ferry",
                  fetched_at=NOW)
    assert got.lead.source == "Harbour Times"


@pytest.mark.parametrize("raw,want", [
    (["TOM RIVERS, AP Auto Writer"], ["TOM RIVERS"]),
    (["Ana Reis | Harbour Media for harbour.example"], ["Ana Reis"]),
    (["JO LAKE and MAX HILL, Associated Press"], ["JO LAKE", "MAX HILL"]),
    (["Analysis by Rui Lima, WNN Editor-at-large"], ["Rui Lima"]),
    (["Eva Cruz, WNN Business"], ["Eva Cruz"]),
    (["Harbour wire services Published 11:11 PM EST"], ["Harbour wire services"]),
    (["Reuters"], ["Reuters"]),
    (["Mara Lind, MS, RDN"], ["Mara Lind"]),
])
def test_clean_authors(raw, want):
    assert clean_authors(raw) == want


def test_updated_time_beside_the_headline_is_not_the_publication_time():
    html = _with_jsonld('<div><span>Harbour Times</span> · <span class="ts">Updated '
                        '<time datetime="2026-03-09T11:00:00Z">1 hour ago</time></span></div>',
                        "2026-03-08T09:00:00Z")
    lead = extract(html, fetched_at=NOW).lead
    assert lead.published_at == datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    assert lead.source == "Harbour Times"


def test_a_name_ending_in_a_day_word_is_not_a_time():
    got = extract(_page("<div><span>Coast Today</span></div>"), fetched_at=NOW)
    assert got.lead.published_at is None
