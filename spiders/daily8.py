"""daily8-style aggregator: article pages with a lead story and "Related Articles" teasers."""

from crawler.sites import get_profile
from spiders.base import ProfileSpider


class Daily8Spider(ProfileSpider):
    name = "daily8"
    profile = get_profile("daily8")
