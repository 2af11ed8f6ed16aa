"""Site profiles are validated on load; every error is one message naming file and line."""

from __future__ import annotations

import pytest

from crawler.sites import ProfileError, all_profiles, get_profile, load_profile, profile_for_url
from crawler.sites.profile import SELECTOR_FIELDS, parse_profile
from tests.support.crawl import FIXTURES

PROFILES = FIXTURES / "profiles"


def test_fixture_profile_loads():
    p = load_profile(PROFILES / "newsboard.yaml")
    assert p.name == "newsboard" and p.timezone == "Europe/London" and p.language == "en"
    assert p.matches("https://www.newsboard.example/x") and not p.matches("https://other.example/")
    assert set(p.selectors) <= SELECTOR_FIELDS


def test_bundled_profiles_load_and_match():
    assert all_profiles()
    daily8 = get_profile("daily8")
    assert profile_for_url("https://daily8.com/story/x.html") == daily8
    assert profile_for_url("https://nowhere.example/") is None
    with pytest.raises(ProfileError):
        get_profile("no-such-site")


def test_bad_selector_names_file_and_line():
    with pytest.raises(ProfileError) as err:
        load_profile(PROFILES / "bad_selector.yaml")
    assert f"{PROFILES / 'bad_selector.yaml'}:5:" in str(err.value)
    assert "related.item" in str(err.value)


def test_unknown_selector_field_names_file_and_line():
    with pytest.raises(ProfileError) as err:
        load_profile(PROFILES / "unknown_field.yaml")
    assert "unknown_field.yaml:5:" in str(err.value) and "lead.hedline" in str(err.value)


@pytest.mark.parametrize("text, line, words", [
    ("name: x\nrender: sometimes\n", 2, "render"),
    ("name: x\ntimezone: Mars/Olympus\n", 2, "timezone"),
    ("name: x\nmax_depth: -1\n", 2, "max_depth"),
    ("name: x\ncolour: red\n", 2, "unknown field 'colour'"),
    ("name: x\nselectors:\n  lead.body: 'xpath://div[@'\n", 3, "lead.body"),
    ("name: x\nfollow:\n  - 'a.ok'\n  - 'a[[['\n", 4, "follow"),
    ("name: x\nlanguage: English\n", 2, "language"),
    ("name: x\nnoise: just one string\n", 2, "noise"),
    ("domains: [a.example]\n", 1, "name"),
    ("name: [unclosed\n", 1, "YAML"),
])
def test_errors_are_one_clear_line(text, line, words):
    with pytest.raises(ProfileError) as err:
        parse_profile(text, "site.yaml")
    message = str(err.value)
    assert message.startswith(f"site.yaml:{line}:"), message
    assert words in message
    assert "\n" not in message


def test_css_pseudo_elements_and_prefixes_accepted():
    p = parse_profile(
        "name: x\nselectors:\n  lead.headline: 'css:h1::text'\n"
        "  lead.image: 'img::attr(src)'\n  related.url: 'xpath:.//a/@href'\n", "x.yaml")
    assert p.selectors["related.url"] == "xpath:.//a/@href"
