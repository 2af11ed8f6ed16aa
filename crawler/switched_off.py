"""Scrapy components switched off by their own setting, left out before they are imported.

Scrapy lists the remote control extension, the Telnet console and the cookies middleware in its
base component lists and lets each raise NotConfigured when its *_ENABLED setting is off, which
happens after its module was imported: aiohttp for the remote control, Twisted's Conch for the
console, tldextract for cookies, about a tenth of a second of every crawl's start-up. Setting
such an entry to None in EXTENSIONS would not help: Scrapy imports every key of that setting to
match it with the base list. This add-on (in ADDONS, after the environment add-on so
CRAWLER_<SETTING> overrides count) drops those entries from the base lists (EXTENSIONS_BASE,
DOWNLOADER_MIDDLEWARES_BASE) when their setting is off, so nothing changes but the import. A
component the user lists in EXTENSIONS or DOWNLOADER_MIDDLEWARES is loaded as the user wrote it.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

# enabling setting -> (component setting, import path); each component raises NotConfigured
# in from_crawler when its enabling setting is off.
SWITCHED_BY = {
    "REMOTE_CONTROL_ENABLED": ("EXTENSIONS", "scrapy.extensions.remote_control.RemoteControl"),
    "TELNETCONSOLE_ENABLED": ("EXTENSIONS", "scrapy.extensions.telnet.TelnetConsole"),
    "COOKIES_ENABLED": ("DOWNLOADER_MIDDLEWARES",
                        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"),
}


def leave_out_switched_off(settings: BaseSettings) -> list[str]:
    """Drop from the base lists the components of SWITCHED_BY whose setting is off; their
    paths."""
    left_out = []
    for flag, (name, path) in SWITCHED_BY.items():
        base = f"{name}_BASE"
        if settings.getbool(flag):
            continue
        components = settings.getdict(base)
        if path not in components:
            continue
        del components[path]
        settings.set(base, components, settings.getpriority(base) or 0)
        left_out.append(path)
    return left_out


class SwitchedOffComponents:
    """Scrapy add-on: see the module's docstring."""

    def update_settings(self, settings: BaseSettings) -> None:
        leave_out_switched_off(settings)
