"""Where profiles come from: the folders named in CRAWLER_PROFILES (os.pathsep-separated, searched
in order), then the profiles bundled in this package.

Bundled profiles are read with importlib.resources, so they load from a zipped egg too (Scrapyd
runs a deployed project from one). A profile that does not load is kept as its one-line error:
the spiders that use it stop with that line, every other spider and `crawler schedule list` go on.
The first profile of a name wins, so a user's folder can replace a bundled profile.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crawler.sites.profile import ProfileError, SiteProfile, parse_profile

log = logging.getLogger(__name__)

ENV = "CRAWLER_PROFILES"
BUNDLED = "crawler.sites"
_NAME_LINE = re.compile(r"^name:\s*['\"]?([^'\"#\s]+)", re.M)


@dataclass(frozen=True)
class BrokenProfile:
    """A profile file that did not load: the name it claims (its `name:` line, else the file's
    stem) and why, in one line naming file and line."""

    name: str
    path: str
    error: str


@dataclass(frozen=True)
class Profiles:
    loaded: tuple[SiteProfile, ...]
    broken: tuple[BrokenProfile, ...]


def user_folders(environ=None) -> list[Path]:
    raw = (os.environ if environ is None else environ).get(ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def _claimed_name(text: str, stem: str) -> str:
    match = _NAME_LINE.search(text)
    return match.group(1) if match else stem


def _sources(environ=None):
    """(label, stem, text or an OSError's message) of every profile file, in search order."""
    for folder in user_folders(environ):
        if not folder.is_dir():
            log.warning("%s: %s is not a folder; no profiles read from it", ENV, folder)
            continue
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            try:
                yield str(path), path.stem, path.read_text(encoding="utf-8"), None
            except (OSError, UnicodeDecodeError) as exc:
                yield str(path), path.stem, "", f"{path}: cannot read profile: {exc}"
    bundled = resources.files(BUNDLED)
    for entry in sorted(bundled.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            label = f"{BUNDLED.replace('.', '/')}/{entry.name}"
            yield label, entry.name.rsplit(".", 1)[0], entry.read_text(encoding="utf-8"), None


def read_profiles(environ=None) -> Profiles:
    """Every profile, loaded or broken; the first of a name wins."""
    loaded: list[SiteProfile] = []
    broken: list[BrokenProfile] = []
    seen: set[str] = set()
    for label, stem, text, read_error in _sources(environ):
        if read_error is not None:
            broken.append(BrokenProfile(stem, label, read_error))
            continue
        try:
            profile = parse_profile(text, label)
        except ProfileError as exc:
            name = _claimed_name(text, stem)
            if name not in seen:
                seen.add(name)
                broken.append(BrokenProfile(name, label, str(exc)))
            continue
        if profile.name in seen:
            log.debug("profile %s in %s: a profile of that name was found first; ignored",
                      profile.name, label)
            continue
        seen.add(profile.name)
        loaded.append(profile)
    return Profiles(tuple(loaded), tuple(broken))


@lru_cache(maxsize=1)
def _cached() -> Profiles:
    profiles = read_profiles()
    for bad in profiles.broken:
        # INFO: a crawl logs it; a command with no logging set up prints only its own line.
        log.info("profile %r not loaded, spiders using it will not run: %s", bad.name, bad.error)
    return profiles


def reload() -> None:
    """Forget what was read (CRAWLER_PROFILES changed, a file was edited)."""
    _cached.cache_clear()


def all_profiles() -> tuple[SiteProfile, ...]:
    """The profiles that loaded."""
    return _cached().loaded


def broken_profiles() -> tuple[BrokenProfile, ...]:
    return _cached().broken


def get_profile(name: str) -> SiteProfile:
    """The profile `name`; ProfileError with its one-line problem when its file is broken."""
    profiles = _cached()
    for profile in profiles.loaded:
        if profile.name == name:
            return profile
    for bad in profiles.broken:
        if bad.name == name:
            raise ProfileError(bad.error)
    where = ", ".join([str(f) for f in user_folders()] + ["the bundled profiles"])
    raise ProfileError(f"no site profile named {name!r} (looked in {where}; {ENV} adds folders)")


def profile_for_url(url: str) -> SiteProfile | None:
    for profile in all_profiles():
        if profile.matches(url):
            return profile
    return None


def spider_profile_problem(spidercls) -> str | None:
    """Why a spider class cannot run for want of its profile (the profile's one line), or None.
    Spiders that pick their profile from the start URL name none and have no such problem."""
    name = getattr(spidercls, "profile_name", None)
    if not name:
        return None
    try:
        get_profile(name)
    except ProfileError as exc:
        return str(exc)
    return None


def spider_class(name: str):
    """The project's spider class `name`, or None when there is none."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    # Scrapy's project loader only when a spider is looked up: reading profiles needs none of it
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    try:
        return get_spider_loader(get_project_settings()).load(name)
    except KeyError:
        return None
