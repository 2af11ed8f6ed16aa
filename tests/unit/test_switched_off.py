"""Components off by their own setting are left out of Scrapy's base lists, so their modules
(aiohttp, Twisted Conch, tldextract) are never imported; on, or listed by the user, they stay."""

from __future__ import annotations

import subprocess
import sys

from scrapy.settings import Settings

from crawler.switched_off import SWITCHED_BY, SwitchedOffComponents, leave_out_switched_off
from tests.support.crawl import ROOT

PATHS = {path for _name, path in SWITCHED_BY.values()}


def _project_settings(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


def _enabled(settings: Settings) -> set[str]:
    found = set()
    for name in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES"):
        found |= {str(k) for k in settings.get_component_priority_dict_with_base(name)}
    return found & PATHS


def test_off_by_the_project_defaults_and_left_out():
    settings = _project_settings()
    assert _enabled(settings) == PATHS  # Scrapy's base lists have them
    assert sorted(leave_out_switched_off(settings)) == sorted(PATHS)
    assert _enabled(settings) == set()


def test_switched_on_or_listed_by_the_user_they_stay():
    settings = _project_settings(TELNETCONSOLE_ENABLED=True, COOKIES_ENABLED="true")
    SwitchedOffComponents().update_settings(settings)
    assert _enabled(settings) == {"scrapy.extensions.telnet.TelnetConsole",
                                  "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"}

    path = "scrapy.extensions.remote_control.RemoteControl"
    settings = _project_settings(EXTENSIONS={path: 5})
    leave_out_switched_off(settings)
    assert _enabled(settings) == {path}


def test_their_modules_are_not_imported():
    probe = (
        "import sys; from scrapy.settings import Settings; "
        "from crawler.switched_off import leave_out_switched_off; "
        "s = Settings(); s.setmodule('crawler.settings', priority='project'); "
        "leave_out_switched_off(s); "
        "[s.get_component_priority_dict_with_base(n) for n in ('EXTENSIONS', 'DOWNLOADER_MIDDLEWARES')]; "
        "print(sorted(m for m in ('aiohttp', 'tldextract', 'twisted.conch.telnet') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "[]"
