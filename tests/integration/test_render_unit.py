"""Rendering's pure parts: the render policy on the fixture pages, context recycling, blocked
hosts, profile fields, launch flags. No browser, no server."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.render import blocking, policy
from crawler.render.browser import QUIET_ARGS, browser_problem, launch_options
from crawler.render.contexts import ContextRotation
from crawler.render.requests import page_methods
from crawler.sites.profile import ProfileError, SiteProfile, load_profile, parse_profile
from tests.support.crawl import FIXTURES

FIXTURES = FIXTURES / "render"


def _decide(name: str, profile=None):
    html = (FIXTURES / name).read_bytes()
    return policy.decide(profile, extract(html, url=f"http://127.0.0.1/{name}"), html)


@pytest.mark.parametrize("name, expected", [
    ("shell.html", (True, "empty_app_root")),
    ("injected.html", (True, "related_by_script")),
    ("loadmore.html", (True, "no_lead")),
    ("hang.html", (True, "empty_app_root")),
    # The story is in __NEXT_DATA__: read it, do not start a browser.
    ("nextjs.html", (False, "app_state")),
    ("static.html", (False, "no_script")),
])
def test_auto_policy_on_fixture_pages(name, expected):
    assert _decide(name) == expected


def test_profile_modes_and_fields_steer_the_policy():
    never = SiteProfile(name="n", render="never")
    always = SiteProfile(name="a", render="always")
    assert _decide("shell.html", never) == (False, "profile_never")
    assert _decide("static.html", always) == (True, "profile_always")
    profile = load_profile(FIXTURES / "profile.yaml")
    assert _decide("loadmore.html", profile) == (True, "load_more")
    waits = SiteProfile(name="w", wait_for="#comments-loaded")
    assert _decide("injected.html", waits) == (True, "wait_selector_missing")
    # A page whose only script feeds an analytics queue has nothing a browser could add.
    html = b"<html><body><p>Short about page.</p><script>dataLayer.push({a: 1})</script></body></html>"
    assert policy.decide(None, extract(html), html) == (False, "no_script")
    assert policy.decide(None, extract(b""), b"") == (False, "unparsable")


def test_page_methods_follow_the_profile():
    profile = load_profile(FIXTURES / "profile.yaml")
    names = [pm.method.__name__ for pm in page_methods(profile)]
    assert names == ["wait_for", "click_load_more", "scroll_down", "settle"]
    wait, clicks = page_methods(profile)[0], page_methods(profile)[1]
    assert wait.args == (".related-card", 5000)
    assert clicks.args[:2] == (".load-more", 2)
    assert [pm.method.__name__ for pm in page_methods(None)] == ["settle"]


def test_contexts_are_recycled_after_n_pages_and_closed_when_idle():
    rot = ContextRotation(3)
    names = [rot.acquire() for _ in range(4)]
    assert names == ["render-0"] * 3 + ["render-1"]
    assert not rot.release("render-0") and not rot.release("render-0")
    assert rot.release("render-0")  # retired and its last page is done: close it
    assert not rot.release("render-1")  # current context stays open
    # A hung page retires its context at once; it closes when that page is released.
    name = rot.acquire()
    assert not rot.retire(name)
    assert rot.acquire() != name
    assert rot.release(name)


def test_blocked_hosts_match_subdomains_only():
    assert blocking.blocked_host("www.google-analytics.com")
    assert blocking.blocked_host("securepubads.g.doubleclick.net")
    assert not blocking.blocked_host("notdoubleclick.net")
    assert not blocking.blocked_host("127.0.0.1")
    assert blocking.blocked_host("ads.example", hosts={"ads.example"})


def test_browser_flags_and_missing_browser_message():
    opts = launch_options("/usr/bin/chromium")
    assert opts["headless"] is True
    for flag in ("--no-sandbox", "--disable-background-networking", "--disable-component-update"):
        assert flag in QUIET_ARGS and flag in opts["args"]
    problem = browser_problem("/nonexistent")
    assert "CRAWLER_CHROMIUM" in problem and "/nonexistent" in problem


def test_project_settings_route_only_marked_requests_to_the_browser():
    from crawler import settings

    assert settings.DOWNLOAD_HANDLERS["https"].endswith("RenderDownloadHandler")
    assert settings.PLAYWRIGHT_LAUNCH_OPTIONS["headless"] is True
    assert "--disable-background-networking" in settings.PLAYWRIGHT_LAUNCH_OPTIONS["args"]
    assert settings.RENDER_CONTEXT_OPTIONS["accept_downloads"] is False
    assert settings.EXTENSIONS["crawler.render.memory.BrowserMemoryUsage"] == 0


@pytest.mark.parametrize("text, message", [
    ("name: x\nwait_timeout: 0\n", "wait_timeout"),
    ("name: x\nwait_timeout: fast\n", "wait_timeout"),
    ("name: x\nmax_clicks: -1\n", "max_clicks"),
    ("name: x\nmax_scrolls: 1000\n", "max_scrolls"),
    ("name: x\nload_more: 'button[['\n", "load_more: bad selector"),
    ("name: x\nwait_for: ''\n", "wait_for"),
])
def test_render_profile_fields_are_validated(text, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile(text, "p.yaml")


def test_render_profile_fields_load():
    p = parse_profile("name: x\nwait_for: '#app article'\nwait_timeout: 2.5\nload_more: "
                      "'xpath://button[.=\"More\"]'\nmax_clicks: 4\nmax_scrolls: 1\n")
    assert (p.wait_for, p.wait_timeout, p.max_clicks, p.max_scrolls) == ("#app article", 2.5, 4, 1)
    assert p.load_more.startswith("xpath:")
