"""Page.absolute resolves root-relative and absolute links against the site's origin (so the
cache serves them across pages): it must give exactly what resolving against the page's full
address gives, for any address and any link."""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.extract.parse import Page, absolute_url, join_base, origin

BASES = ["https://site.example/a/b/c.html?x=1#f", "http://Site.Example:8080/a/", "HTTPS://h.example",
         "https://h.example/a;p?q", "ftp://files.example/dir/", "https://user:pw@h.example/x/y",
         "http://[::1]:8000/p/q", "//no-scheme.example/p", "relative/path.html", "",
         "https://h.example/%7Euser/ü/", "http://h.example/../..//x"]
PIECES = ["/", "//", "http://", "https://", "HTTP://", "hTtPs://", "http:/", " ", "\t", "\n",
          "other.example", "h.example", "a", "..", ".", "?q=1", "#frag", ";p", "ü", "%20",
          "[::1]", ":8080", "javascript:", "mailto:", "\x01", "\u3000", "@", "?", "\\", "x/"]


def _reference(base: str, href: str | None) -> str | None:
    """absolute_url without its cache, against the page's full address."""
    return absolute_url.__wrapped__(base or None, href)


@settings(max_examples=600, deadline=None, database=None)
@given(st.sampled_from(BASES), st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
@example("https://site.example/a/b/c.html", "/x/../y?z#w")
@example("https://site.example/a/b/c.html", "HTTPS://other.example")
@example("http://site.example/a/", "https://site.example/a/")
@example("https://site.example/a/", "  //cdn.example/i.png")
@example("https://site.example/a/", "/\n/cdn.example/i.png")
@example("ftp://files.example/dir/", "/x")
@example("https://site.example/a/b?q", "/ \n")
@example("https://site.example/a/b?q", "//?q")
def test_absolute_is_resolution_against_the_page_address(base, href):
    page = Page(root=None, url=base or None, base=None)
    try:
        want = _reference(base, href)
    except ValueError:  # urllib refuses the address itself: the page cannot resolve it either
        return
    assert page.absolute(href) == want
    assert page.absolute(href) == want  # the cached answer too


@settings(max_examples=600, deadline=None, database=None)
@given(st.sampled_from(BASES), st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
@example("https://site.example/a/b?q", "//")
@example("https://site.example/a/b?q", "http://")
def test_joining_to_the_origin_is_joining_to_the_address(base, href):
    """The follow links' join (urllib's, fragment kept) reads no more of the base either."""
    href = href.strip()
    try:
        want = urljoin(base, href)
    except ValueError:
        return
    assert urljoin(join_base(base, origin(base), href), href) == want


def test_same_site_links_share_the_cache_across_pages():
    absolute_url.cache_clear()
    for n in range(20):
        page = Page(root=None, url=f"https://site.example/story/{n}.html", base=None)
        assert page.absolute("/section/world") == "https://site.example/section/world"
        assert page.absolute("https://cdn.example/logo.png") == "https://cdn.example/logo.png"
    assert absolute_url.cache_info().misses == 2
