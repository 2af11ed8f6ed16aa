"""daily8-style aggregator: article pages with a lead story and "Related Articles" teasers."""

from crawler.sites import get_profile
from spiders.base import ProfileSpider


class Daily8Spider(ProfileSpider):
    name = "daily8"
    profile_name = "daily8"

    def __init__(self, *args, **kwargs):
        # Read when the spider is built, not imported: a broken profile stops this spider only.
        self.profile = get_profile(self.profile_name)
        super().__init__(*args, **kwargs)
