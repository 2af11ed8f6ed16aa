"""Feeds and sitemaps read with lxml: news fields kept, bad input reported, never raised."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from crawler.durations import parse_duration
from crawler.feeds import parse_discovery
from crawler.middlewares.incremental import Policy, decide, next_interval

BASE = "https://paper.example/"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Paper Top Stories</title><link>https://paper.example/</link>
<item><title>Harbour bridge reopens</title><link>https://paper.example/world/bridge?utm_source=rss</link>
  <description>&lt;p&gt;Traffic flows &lt;b&gt;again&lt;/b&gt;.&lt;/p&gt;</description>
  <pubDate>Mon, 16 Jun 2025 07:30:00 +0200</pubDate><guid isPermaLink="false">id-1</guid></item>
<item><title>Guid only</title><guid>https://paper.example/world/guid-only</guid>
  <pubDate>sometime last week</pubDate><source url="https://wire.example/">Coastline Wire</source></item>
<item><title>No link at all</title><guid isPermaLink="false">x</guid></item>
<item><title>Relative</title><link>/local/relative-link</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Paper Atom</title>
<entry><title type="html">Rates rise &amp;amp; markets shrug</title>
  <link rel="self" href="https://paper.example/api/1"/>
  <link rel="alternate" type="text/html" href="https://paper.example/business/rates"/>
  <published>2025-06-16T08:00:00Z</published><updated>2025-06-16T09:15:00+01:00</updated>
  <summary>The central bank raised rates.</summary><author><name>A. Writer</name></author></entry>
<entry><title>Updated only</title><link href="https://paper.example/business/updated"/>
  <updated>2025-06-15</updated></entry>
</feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://paper.example/world/bridge</loc><lastmod>2025-06-16T10:00:00+00:00</lastmod>
  <news:news><news:publication><news:name>The Paper</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>2025-06-16T07:30:00+02:00</news:publication_date>
  <news:title>Harbour bridge reopens after repairs</news:title></news:news>
  <image:image><image:loc>https://paper.example/img/bridge.jpg</image:loc></image:image></url>
<url><loc>https://paper.example/about</loc></url>
<url><lastmod>2025-06-01</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://paper.example/sitemap-news.xml</loc><lastmod>2025-06-16</lastmod></sitemap>
<sitemap><loc>ftp://paper.example/old.xml</loc></sitemap>
</sitemapindex>"""


def test_rss_items_dates_html_descriptions_and_guids():
    doc = parse_discovery(RSS, BASE + "rss.xml")
    assert doc.kind == "rss" and doc.role == "feed"
    first, second, third = doc.entries
    assert first.title == "Harbour bridge reopens"
    assert first.summary == "Traffic flows again."
    assert first.published_at == datetime(2025, 6, 16, 5, 30, tzinfo=UTC)
    assert first.source == "Paper Top Stories"
    assert second.url == "https://paper.example/world/guid-only"
    assert second.published_at is None and second.published_raw == "sometime last week"
    assert second.source == "Coastline Wire"
    assert third.url == "https://paper.example/local/relative-link"
    assert doc.problems == ["item_without_link"]


def test_atom_alternate_link_published_and_updated():
    doc = parse_discovery(ATOM, BASE + "atom.xml")
    assert doc.kind == "atom"
    rates, updated = doc.entries
    assert rates.url == "https://paper.example/business/rates"
    assert rates.title == "Rates rise & markets shrug"
    assert rates.published_at == datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
    assert rates.modified_at == datetime(2025, 6, 16, 8, 15, tzinfo=UTC)
    assert rates.source == "Paper Atom"
    assert updated.published_at == datetime(2025, 6, 15, tzinfo=UTC)


def test_news_sitemap_keeps_publication_date_title_and_name():
    doc = parse_discovery(NEWS_SITEMAP, BASE + "sitemap-news.xml")
    assert doc.kind == "sitemap" and doc.role == "sitemap"
    bridge, about = doc.entries
    assert bridge.title == "Harbour bridge reopens after repairs"
    assert bridge.published_at == datetime(2025, 6, 16, 5, 30, tzinfo=UTC)
    assert bridge.published_raw == "2025-06-16T07:30:00+02:00"
    assert bridge.modified_at == datetime(2025, 6, 16, 10, 0, tzinfo=UTC)
    assert (bridge.source, bridge.language) == ("The Paper", "en")
    assert bridge.image == "https://paper.example/img/bridge.jpg"
    assert about.title is None and about.published_at is None
    assert doc.problems == ["url_without_loc"]


def test_sitemap_index_and_gzip():
    doc = parse_discovery(gzip.compress(INDEX), BASE + "sitemap.xml.gz")
    assert doc.kind == "sitemapindex"
    assert [s.url for s in doc.sitemaps] == ["https://paper.example/sitemap-news.xml"]
    assert doc.problems == ["sitemap_without_loc"]


@pytest.mark.parametrize("body", [b"", b"<html><body>not a feed</body></html>", b"\x1f\x8bgarbage",
                                  b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                                  b"<rss><channel><item><title>&e;</title><link>https://p.example/a</link>"
                                  b"</item></channel></rss>"])
def test_bad_documents_are_reported_not_raised(body):
    doc = parse_discovery(body, BASE)
    if doc.entries:  # the entity is never resolved
        assert "root:" not in (doc.entries[0].title or "")
    else:
        assert doc.problems


def test_durations():
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration(90) == timedelta(seconds=90)
    assert parse_duration("2d") == timedelta(days=2)
    assert parse_duration("") is None and parse_duration(0) is None
    for bad in ("soon", "-5m", True):
        with pytest.raises(ValueError):
            parse_duration(bad)


NOW = datetime(2025, 6, 16, 12, 0, tzinfo=UTC)


def _state(kind, ago, **kw):
    return {"kind": kind, "last_fetched_at": NOW - ago, **kw}


def test_policy_defaults_fetch_everything_with_conditional_headers():
    policy = Policy()
    assert decide(None, "page", NOW, policy).reason == "new"
    d = decide(_state("article", timedelta(minutes=1), etag='"v1"', last_modified="Mon, 16 Jun 2025 08:00:00 GMT"),
               "page", NOW, policy)
    assert d.fetch and d.headers == {"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 16 Jun 2025 08:00:00 GMT"}
    assert decide(_state("listing", timedelta(seconds=1)), "listing", NOW, policy).fetch


def test_policy_freshness_window_and_listed_modification():
    policy = Policy(freshness=timedelta(hours=6))
    fresh = _state("article", timedelta(hours=1))
    assert decide(fresh, "page", NOW, policy).reason == "fresh"
    assert decide(fresh, "page", NOW, policy, listed_modified_at=NOW - timedelta(minutes=5)).reason == "listed_modified"
    assert decide(fresh, "page", NOW, policy, listed_modified_at=NOW - timedelta(hours=2)).reason == "fresh"
    assert decide(_state("article", timedelta(hours=7)), "page", NOW, policy).reason == "stale"


def test_policy_adaptive_listing_interval():
    policy = Policy(listing_min=timedelta(minutes=5), listing_max=timedelta(hours=2))
    assert next_interval(0, False, policy) == 300
    assert next_interval(600, False, policy) == 1200
    assert next_interval(7000, False, policy) == 7200
    assert next_interval(1200, True, policy) == 600
    assert next_interval(400, True, policy) == 300
    state = _state("feed", timedelta(minutes=10), interval_s=1200)
    assert decide(state, "feed", NOW, policy).reason == "listing_not_due"
    assert decide(_state("feed", timedelta(minutes=30), interval_s=1200), "feed", NOW, policy).fetch
    # Without a maximum, listings stay at the minimum: every run when no minimum either.
    assert next_interval(1200, False, Policy()) == 0


def test_profile_discovery_fields_are_validated():
    from crawler.sites.profile import ProfileError, parse_profile

    profile = parse_profile(
        "name: paper\ndomains: [paper.example]\nfeeds: ['https://paper.example/rss.xml']\n"
        "sitemaps: ['https://paper.example/news-sitemap.xml']\nfreshness_window: 6h\n"
        "listing_refetch: {min: 5m, max: 2h}\n")
    assert profile.feeds == ("https://paper.example/rss.xml",)
    assert profile.sitemaps == ("https://paper.example/news-sitemap.xml",)
    assert profile.freshness_window == timedelta(hours=6)
    assert (profile.listing_min_interval, profile.listing_max_interval) == (timedelta(minutes=5), timedelta(hours=2))
    assert parse_profile("name: x\n").freshness_window is None
    for text, message in [
        ("name: x\nfeeds: ['ftp://x.example/f']\n", r"<profile>:2: feeds: not an http"),
        ("name: x\nfreshness_window: soon\n", r"<profile>:2: freshness_window: not a duration"),
        ("name: x\nlisting_refetch: {min: 2h, max: 5m}\n", r"listing_refetch: min must not be longer"),
        ("name: x\nlisting_refetch: {every: 5m}\n", r"listing_refetch: must be a mapping"),
    ]:
        with pytest.raises(ProfileError, match=message):
            parse_profile(text)


ZONED_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Zones</title>
<item><link>https://paper.example/a</link><pubDate>Mon, 16 Jun 2025 07:30:00 CEST</pubDate></item>
<item><link>https://paper.example/b</link><pubDate>Mon, 13 Jan 2025 07:30:00 CET</pubDate></item>
<item><link>https://paper.example/c</link><pubDate>Mon, 16 Jun 2025 07:30:00 BST</pubDate></item>
<item><link>https://paper.example/d</link><pubDate>Mon, 16 Jun 2025 07:30:00 IST</pubDate></item>
<item><link>https://paper.example/e</link><pubDate>Mon, 16 Jun 2025 07:30:00 GMT</pubDate></item>
</channel></rss>"""


def test_feed_dates_go_through_the_projects_parser_with_zone_names():
    from crawler import timestamps

    doc = parse_discovery(ZONED_RSS, BASE, now=NOW)
    got = {e.url[-1]: e.published_at for e in doc.entries}
    assert got == {
        "a": datetime(2025, 6, 16, 5, 30, tzinfo=UTC),  # CEST +02:00
        "b": datetime(2025, 1, 13, 6, 30, tzinfo=UTC),  # CET +01:00
        "c": datetime(2025, 6, 16, 6, 30, tzinfo=UTC),  # BST +01:00
        "d": datetime(2025, 6, 16, 2, 0, tzinfo=UTC),  # IST +05:30
        "e": datetime(2025, 6, 16, 7, 30, tzinfo=UTC),
    }
    for entry in doc.entries:  # the same answer as `crawler timestamps` gives for the text
        assert entry.published_at == timestamps.parse(entry.published_raw, NOW).utc
        assert entry.published_precision == "second"


def test_atom_updated_and_sitemap_lastmod_are_modified_times_with_precision():
    atom = parse_discovery(ATOM, BASE, now=NOW)
    rates, updated_only = atom.entries
    assert rates.modified_at == datetime(2025, 6, 16, 8, 15, tzinfo=UTC)
    assert rates.modified_raw == "2025-06-16T09:15:00+01:00"
    assert updated_only.modified_at == datetime(2025, 6, 15, tzinfo=UTC)
    assert updated_only.published_precision == "day"  # a date without a time
    sitemap = parse_discovery(NEWS_SITEMAP, BASE, now=NOW)
    assert sitemap.entries[0].modified_at == datetime(2025, 6, 16, 10, 0, tzinfo=UTC)
    assert sitemap.entries[0].published_precision == "second"
    dated = parse_discovery(b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://paper.example/x</loc><lastmod>2025-06-10</lastmod>
<news:news xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<news:publication_date>2025-06-09</news:publication_date></news:news></url></urlset>""", BASE, now=NOW)
    entry = dated.entries[0]
    assert entry.modified_at == datetime(2025, 6, 10, tzinfo=UTC)
    assert entry.published_at == datetime(2025, 6, 9, tzinfo=UTC) and entry.published_precision == "day"
    # A date-only value in the site's zone is that local day.
    local = parse_discovery(b"""<urlset><url><loc>https://paper.example/y</loc>
<news:news xmlns:news="n"><news:publication_date>2025-06-09</news:publication_date></news:news>
</url></urlset>""", BASE, now=NOW, tz="Asia/Kolkata")
    assert local.entries[0].published_at == datetime(2025, 6, 8, 18, 30, tzinfo=UTC)


def test_truncated_feed_is_reported_once_and_what_was_read_kept():
    cut = ZONED_RSS[: ZONED_RSS.index(b"<item><link>https://paper.example/d")] + b"<item><link>https://pap"
    doc = parse_discovery(cut, BASE, now=NOW)
    assert [e.url for e in doc.entries] == [BASE + "a", BASE + "b", BASE + "c"]
    broken = [p for p in doc.problems if p.startswith("broken_xml")]
    assert len(broken) == 1, doc.problems
    assert "3 entries recovered" in broken[0]
    assert not [p for p in parse_discovery(ZONED_RSS, BASE, now=NOW).problems]


def test_failed_pages_are_retried_next_run_then_back_off():
    from crawler.middlewares.incremental import failure_backoff

    policy = Policy(freshness=timedelta(hours=6), backoff=timedelta(hours=1), backoff_max=timedelta(hours=3))
    once = {"failures": 1, "failed_at": NOW - timedelta(minutes=1)}
    assert decide(once, "page", NOW, policy).reason == "retry"  # never fetched: retried next run
    fetched_then_failed = {**_state("article", timedelta(minutes=5)), **once}
    assert decide(fetched_then_failed, "page", NOW, policy).fetch  # failure beats freshness
    twice = {"failures": 2, "failed_at": NOW - timedelta(minutes=30)}
    assert decide(twice, "page", NOW, policy).reason == "backoff"
    assert decide({**twice, "failed_at": NOW - timedelta(minutes=61)}, "page", NOW, policy).fetch
    assert [failure_backoff(n, policy) for n in (1, 2, 3, 4, 5)] == [
        timedelta(0), timedelta(hours=1), timedelta(hours=2), timedelta(hours=3), timedelta(hours=3)]
    healed = {**_state("article", timedelta(minutes=5)), "failures": 0, "failed_at": NOW}
    assert decide(healed, "page", NOW, policy).reason == "fresh"
