"""The lead's headline on publisher pages: the title a reader sees, whatever else has an <h1>."""

from __future__ import annotations

from crawler.extract import extract

PROSE = "".join(
    f"<p>Paragraph {i}: the harbour board approved the dredging plan on Tuesday after a long "
    f"public consultation, and the first boats are expected to return in the spring.</p>"
    for i in range(5))


def test_title_made_only_of_site_names_still_gives_a_lead():
    """Every part of <title> resembles the site name: the page must still have a lead."""
    html = (f'<html><head><title>Quayside | Quayside News</title>'
            f'<meta property="og:site_name" content="Quayside"></head><body>'
            f'<h2>Dredging plan approved for the old harbour</h2><div>{PROSE}</div></body></html>')
    got = extract(html, url="https://quayside.example/harbour/dredging")
    assert got.lead is not None, got.problems
    assert got.lead.body and "dredging plan" in got.lead.body


def test_short_h1_that_metadata_confirms_is_the_headline():
    html = ('<html><head><title>Tide tables | Quayside</title>'
            '<meta property="og:title" content="Tide tables"></head><body>'
            '<h1>Tide tables</h1><div>' + PROSE + '</div>'
            '<aside><h1>» Columns from our harbour master</h1></aside></body></html>')
    assert extract(html, url="https://quayside.example/tides").lead.headline == "Tide tables"


def test_ad_blocker_notice_h1_is_not_the_headline():
    html = ('<html><head><title>Why the dredgers came back - Quayside</title></head><body>'
            '<header class="article__header"><h1 class="article__hed">The return of the dredgers'
            '</h1></header><div class="article__body">' + PROSE + '</div>'
            '<div class="adblock-message"><h1 class="adblock-message__heading">Want to keep '
            'reading without the adverts on this site?</h1></div></body></html>')
    assert extract(html).lead.headline == "The return of the dredgers"


def test_metadata_escaped_twice_reads_as_shown():
    html = ('<html><head><meta property="og:title" content="Harbour master doesn&amp;#8217;t '
            'expect delays this winter"></head><body><div class="x">'
            '<b>Harbour master doesn’t expect delays this winter</b></div><div>' + PROSE +
            '</div></body></html>')
    assert extract(html).lead.headline == "Harbour master doesn’t expect delays this winter"


def test_the_leads_own_card_in_a_rail_before_the_story_is_not_the_headline():
    """No <h1>: the title is a <div>; a rail placed first lists the story itself as a link."""
    title = "Harbour master expects no delays this winter"
    html = ('<html><head><title>' + title + ' - Quayside</title></head><body>'
            '<div class="rail"><ul>'
            '<li><a href="/s/ferry-fares"><h3>Ferry fares stay the same for another year</h3></a>'
            '<span>Bay Post</span><span>2 hours ago</span></li>'
            f'<li><a href="/s/harbour-master"><h3>{title}</h3></a><span>Quayside</span></li></ul></div>'
            f'<div class="main"><div class="hl">{title}</div><div class="meta"><span>Coast Courier'
            f'</span> - <span>5 hours ago</span></div><div>{PROSE}</div></div></body></html>')
    lead = extract(html, url="https://quayside.example/s/harbour-master").lead
    assert lead.headline == title
    assert lead.source == "Coast Courier"
