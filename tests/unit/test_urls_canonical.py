"""Canonical URLs: AMP and mobile copies, trailing slashes, per-profile rules, declared canonicals."""

import pytest

from crawler.sites.profile import ProfileError, parse_profile
from crawler.urls import (
    UrlRules,
    canonical_url,
    declared_canonical,
    fetch_url,
    fingerprint,
    same_site,
)

STORY = "https://news.example/world/harbour-bridge-reopens"


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example/world/harbour-bridge-reopens/amp/",
        "https://news.example/world/harbour-bridge-reopens/amp",
        "https://news.example/world/harbour-bridge-reopens?outputType=amp",
        "https://news.example/world/harbour-bridge-reopens?amp=1",
        "https://news.example/world/harbour-bridge-reopens?amp",
        "https://m.news.example/world/harbour-bridge-reopens",
        "https://mobile.news.example/world/harbour-bridge-reopens/",
        "https://amp.news.example/world/harbour-bridge-reopens?utm_campaign=x#top",
        "https://NEWS.example:443/world/harbour-bridge-reopens/?fbclid=abc",
    ],
)
def test_amp_mobile_and_slash_variants_fold(variant):
    assert canonical_url(variant) == STORY
    assert fingerprint(variant) == fingerprint(STORY)


def test_amp_html_suffix_folds_to_the_html_page():
    assert canonical_url("https://news.example/a/story-1.amp.html") == "https://news.example/a/story-1.html"


def test_amp_word_inside_a_path_or_a_real_parameter_is_kept():
    assert canonical_url("https://news.example/amplifiers/review") == "https://news.example/amplifiers/review"
    assert canonical_url("https://news.example/s?amp=2") == "https://news.example/s?amp=2"


def test_short_hosts_are_not_folded():
    assert canonical_url("https://m.example/x") == "https://m.example/x"


def test_root_keeps_its_slash_and_fetch_url_keeps_the_linked_slash():
    assert canonical_url("https://news.example/") == "https://news.example/"
    assert fetch_url("https://news.example/a/b/?utm_source=x") == "https://news.example/a/b/"
    assert canonical_url("https://news.example/a/b/") == "https://news.example/a/b"


def test_profile_rules_apply_to_their_own_domains_only():
    rules = UrlRules.from_mapping(
        {"drop_params": ["cid"], "keep_params": ["ref"], "trailing_slash": "keep", "drop_prefixes": ["tr_"]},
        domains=("paper.example",),
    )
    assert canonical_url("https://paper.example/s/?cid=9&ref=12&tr_x=1", rules) == "https://paper.example/s/?ref=12"
    # Other sites keep the default behaviour.
    assert canonical_url("https://other.example/s/?cid=9&ref=12", rules) == "https://other.example/s?cid=9"


def test_rules_can_turn_folding_off():
    rules = UrlRules.from_mapping({"mobile_hosts": False, "amp": False})
    assert canonical_url("https://m.news.example/a/amp", rules) == "https://m.news.example/a/amp"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"trailing_slash": "maybe"}, "trailing_slash"),
        ({"drop_params": "cid"}, "drop_params"),
        ({"amp": "yes"}, "amp"),
        ({"bogus": 1}, "unknown field 'bogus'"),
    ],
)
def test_bad_rules_are_named(data, message):
    with pytest.raises(ValueError, match=message):
        UrlRules.from_mapping(data)


def test_profile_url_rules_are_validated_with_a_line():
    text = "name: x\ndomains: [paper.example]\nurl_rules:\n  trailing_slash: sometimes\n"
    with pytest.raises(ProfileError, match=r"<profile>:4: url_rules: trailing_slash"):
        parse_profile(text)
    profile = parse_profile("name: x\ndomains: [paper.example]\nurl_rules:\n  drop_params: [cid]\n")
    assert canonical_url("https://paper.example/a?cid=1", profile.url_rules) == "https://paper.example/a"


def test_same_site():
    assert same_site("https://www.news.example/a", "https://news.example/b")
    assert same_site("https://m.news.example/a", "https://news.example/b")
    assert same_site("https://edition.news.example/a", "https://news.example/b")
    assert not same_site("https://news.example/a", "https://wire.example/b")
    assert not same_site("https://news.example/a", "not a url")


def test_declared_canonical_is_honoured_on_the_same_site_only():
    page = "https://m.news.example/world/bridge?utm_source=feed"
    assert declared_canonical(page, ["https://www.news.example/world/bridge-full/"]) == (
        "https://news.example/world/bridge-full"  # www. folds like m.
    )
    assert declared_canonical(page, ["/world/bridge-full"]) == "https://news.example/world/bridge-full"
    # A syndicated copy naming the original publisher keeps its own key.
    assert declared_canonical(page, ["https://wire.example/original"]) == "https://news.example/world/bridge"
    # og:url is the fallback when rel=canonical is missing or foreign.
    assert declared_canonical(page, [None, "https://news.example/world/bridge-og"]) == (
        "https://news.example/world/bridge-og"
    )
    assert declared_canonical(page, ["", "javascript:void(0)"]) == "https://news.example/world/bridge"


def test_mobile_www_and_amp_copies_meet_on_one_key():
    key = "https://example.in/india/story-123"
    for url in ("https://m.example.in/india/story-123", "https://www.example.in/india/story-123",
                "https://mobile.example.in/india/story-123/", "https://amp.example.in/india/story-123",
                "https://example.in/amp/india/story-123", "https://www.example.in/AMP/india/story-123",
                "https://www.example.in/india/story-123/amp", "https://m.example.in/india/story-123/amp/",
                "https://www.example.in/india/story-123?outputType=amp"):
        assert canonical_url(url) == key, url
    assert canonical_url("https://www.com/a") == "https://www.com/a"  # a bare www. domain stays
    # The spelling fetched keeps a www. host (the bare one may not answer).
    assert fetch_url("https://www.example.in/amp/india/story-123/") == (
        "https://www.example.in/india/story-123/")


def test_a_profile_may_keep_www_hosts_apart():
    rules = UrlRules.from_mapping({"www": False}, ("split.example",))
    assert canonical_url("https://www.split.example/a", rules) == "https://www.split.example/a"
    assert canonical_url("https://m.split.example/a", rules) == "https://split.example/a"
    assert canonical_url("https://www.other.example/a", rules) == "https://other.example/a"
    with pytest.raises(ValueError, match="www must be true or false"):
        UrlRules.from_mapping({"www": "no"})


def test_front_pages_are_recognised():
    from crawler.urls import is_home_page

    for url in ("https://example.in", "https://example.in/", "https://example.in/index.html",
                "https://example.in/?ref=nav", "https://www.example.in/default.aspx"):
        assert is_home_page(url), url
    for url in ("https://example.in/story/x", "https://example.in/brexit",
                "https://example.in/news/index.html"):
        assert not is_home_page(url), url
