"""A spider for the render tests only: the ProfileSpider with a profile file given by -a.

Crawls run it with `-s SPIDER_MODULES=spiders,tests.support.render_spider`. No tests here.
"""

from __future__ import annotations

from crawler.sites.profile import load_profile
from spiders.base import ProfileSpider


class RenderFixtureSpider(ProfileSpider):
    name = "render_fixtures"

    def __init__(self, profile: str, **kwargs):
        self.profile = load_profile(profile)
        super().__init__(**kwargs)
