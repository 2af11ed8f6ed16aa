"""The realistic benchmark pages (crawler/demo_site/realistic.py): real-size, readable by the daily8
profile, and with no link that would take a crawler off 127.0.0.1."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.demo_site.generated import GeneratedSite
from crawler.demo_site.realistic import AEB, MAX_BYTES, MIN_BYTES
from crawler.extract import extract
from crawler.sites import get_profile


@pytest.mark.skipif(not (AEB / "ground-truth.json").is_file(),
                    reason=f"the AEB pages are not beside this checkout ({AEB}; set BENCH_AEB_DIR)")
def test_realistic_pages_are_real_size_and_read_as_daily8_pages():
    site = GeneratedSite(60, realistic=True)
    profile = get_profile("daily8")
    for story in site.stories[:12]:
        html = site.html[story.path]
        assert MIN_BYTES <= len(html) <= MAX_BYTES
        page = extract(html.decode(), url="http://127.0.0.1:8000" + story.path, profile=profile)
        assert page.lead.headline == story.headline
        assert story.paragraphs[1][:60] in page.lead.body
        assert len(page.related) == 10
        # Links a crawler would follow (the DOM's, not text inside scripts or comments).
        doc = lxml.html.document_fromstring(html)
        hrefs = doc.xpath("//a/@href | //link[@rel='canonical']/@href | //base/@href")
        assert not [h for h in hrefs if h.startswith(("http", "//"))], "a link leaves the site"
        assert not doc.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']")
