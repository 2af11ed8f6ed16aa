"""Where the browser is and how it starts.

Debian's chromium is the browser (`playwright install` cannot download browsers here); it is
found at CRAWLER_CHROMIUM, else /usr/bin/chromium. The flags keep it headless, working as root
(--no-sandbox) and quiet on the network: no component updates, sync, field trials or first-run
pings leave the machine, only the page's own requests.
"""

from __future__ import annotations

import os

from crawler import config

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags that keep Chromium off the network except for the pages it is asked to load.
QUIET_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-dev-shm-usage",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,CalculateNativeWinOcclusion",
)


def chromium_path(settings=None) -> str:
    """The configured browser executable: setting/env CRAWLER_CHROMIUM, else /usr/bin/chromium."""
    value = None
    if settings is not None:
        value = settings.get("CRAWLER_CHROMIUM")
    return str(value or config.env("CRAWLER_CHROMIUM") or DEFAULT_CHROMIUM)


def launch_path(settings) -> str:
    """The executable a crawl with `settings` launches: PLAYWRIGHT_LAUNCH_OPTIONS'
    executable_path when it names one, else chromium_path (what the render handler sets)."""
    named = (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path")
    return str(named or chromium_path(settings))


def browser_problem(path: str) -> str | None:
    """None when `path` can be started; otherwise one clear sentence saying what to do."""
    if not os.path.isfile(path):
        return (f"no browser at {path}: install Debian's chromium (make setup-test) or point "
                f"CRAWLER_CHROMIUM at a Chromium executable")
    if not os.access(path, os.X_OK):
        return f"browser at {path} is not executable: fix its permissions or set CRAWLER_CHROMIUM"
    return None


def launch_options(path: str, headless: bool = True) -> dict:
    """PLAYWRIGHT_LAUNCH_OPTIONS for `path`."""
    return {"executable_path": path, "headless": headless, "args": list(QUIET_ARGS)}
