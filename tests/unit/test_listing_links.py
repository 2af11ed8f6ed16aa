"""A link to a front, section, topic or tag page is never stored as a story or a teaser."""

import pytest

from spiders.base import names_a_listing


@pytest.mark.parametrize("url", [
    "https://agg.example/",
    "https://agg.example/index.html",
    "https://agg.example/?ref=nav",
    "https://agg.example/section/world",
    "https://agg.example/topics/climate/",
    "https://agg.example/tag/elections",
    "https://agg.example/category/business",
])
def test_listing_addresses_are_not_stories(url):
    assert names_a_listing(url)


@pytest.mark.parametrize("url", [
    "https://agg.example/article/83421",
    "https://agg.example/world/2026/12/04/storm-closes-harbour",
    "https://wire.example/markets-rally",  # a short slug on its own may be a story
    "https://agg.example/section/world/story-90312",
])
def test_story_addresses_are_stories(url):
    assert not names_a_listing(url)
