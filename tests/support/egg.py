"""The project as Scrapyd runs it: an egg (a zip of the packages, as `scrapyd-deploy` builds with
bdist_egg, with the `scrapy` settings entry point) imported from the zip by a runner like
scrapyd.runner, in a directory without the source tree."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.support.crawl import ROOT

PACKAGES = ("crawler", "spiders", "pipelines")
ENTRY_POINTS = "[scrapy]\nsettings = crawler.settings\n"

# scrapyd.runner: put the egg on sys.path, take the settings module from its entry point, run
# `scrapy crawl`. It also checks that the project really comes from the zip.
RUNNER = r"""
import os, sys, zipfile
egg = sys.argv[1]
sys.path.insert(0, egg)
entry = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
settings = entry.split("settings = ", 1)[1].split()[0]
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", settings)
import crawler, crawler.sites
assert crawler.__file__.startswith(egg), crawler.__file__
from scrapy.cmdline import execute
execute(["scrapy", *sys.argv[2:]])
"""


def build_egg(dest: Path) -> Path:
    """A zip egg of the project's packages and their data files (no caches)."""
    egg = dest / "news_aggregator_crawler-0.1.0-py3.egg"
    with zipfile.ZipFile(egg, "w", zipfile.ZIP_DEFLATED) as zf:
        for package in PACKAGES:
            for path in sorted((ROOT / package).rglob("*")):
                if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                    continue
                zf.write(path, path.relative_to(ROOT).as_posix())
        zf.writestr("EGG-INFO/PKG-INFO", "Metadata-Version: 2.1\nName: news-aggregator-crawler\n"
                                         "Version: 0.1.0\n")
        zf.writestr("EGG-INFO/entry_points.txt", ENTRY_POINTS)
        zf.writestr("EGG-INFO/top_level.txt", "\n".join(PACKAGES) + "\n")
        zf.writestr("EGG-INFO/zip-safe", "")
    return egg
