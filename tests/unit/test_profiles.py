"""Site profiles are validated on load; every error is one message naming file and line."""

from __future__ import annotations

import os

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


def write(folder, name: str, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_user_folders_come_first_and_a_broken_file_is_one_line(tmp_path):
    from crawler.sites.registry import read_profiles

    first, second = tmp_path / "a", tmp_path / "b"
    write(first, "mine.yaml", "name: mine\ndomains: [mine.example]\n")
    write(first, "daily8.yaml", "name: daily8\ndomains: [daily8.example]\n")  # replaces bundled
    write(second, "mine.yaml", "name: mine\ndomains: [other.example]\n")      # later: ignored
    bad = write(second, "broken.yaml", "name: broken\ndomains: [b.example]\nrender: sometimes\n")
    found = read_profiles({"CRAWLER_PROFILES": os.pathsep.join(map(str, (first, tmp_path / "missing", second)))})
    by_name = {p.name: p for p in found.loaded}
    assert by_name["mine"].domains == ("mine.example",)
    assert by_name["daily8"].domains == ("daily8.example",)
    assert [(b.name, b.error) for b in found.broken] == [
        ("broken", f"{bad}:3: render: must be one of never, always, auto, not 'sometimes'")]


def test_bundled_profiles_without_user_folders():
    from crawler.sites.registry import read_profiles

    found = read_profiles({})
    assert "daily8" in {p.name for p in found.loaded} and not found.broken
    assert next(p for p in found.loaded if p.name == "daily8").path == "crawler/sites/daily8.yaml"


def test_a_broken_profile_stops_only_its_own_spider(tmp_path, monkeypatch):
    from crawler.sites import registry

    write(tmp_path, "daily8.yaml", "name: daily8\nmax_depth: deep\n")
    write(tmp_path, "ok.yaml", "name: ok\ndomains: [ok.example]\n")
    monkeypatch.setenv("CRAWLER_PROFILES", str(tmp_path))
    registry.reload()
    try:
        with pytest.raises(ProfileError, match=r"daily8.yaml:2: max_depth: must be a whole number"):
            get_profile("daily8")
        assert get_profile("ok").domains == ("ok.example",)
        assert profile_for_url("https://ok.example/x").name == "ok"

        class UsesDaily8:
            profile_name = "daily8"

        class PicksByUrl:
            pass

        assert "daily8.yaml:2:" in registry.spider_profile_problem(UsesDaily8)
        assert registry.spider_profile_problem(PicksByUrl) is None
    finally:
        monkeypatch.delenv("CRAWLER_PROFILES")
        registry.reload()


def test_unknown_profile_names_where_it_looked():
    with pytest.raises(ProfileError, match="no site profile named 'nope' .*CRAWLER_PROFILES"):
        get_profile("nope")
