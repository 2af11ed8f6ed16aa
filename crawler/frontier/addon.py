"""The add-on that puts the frontier on disk (crawler.frontier.scheduler).

An add-on rather than SCHEDULER in crawler/settings.py: a project-level SCHEDULER would outrank
the distributed add-on's scheduler (add-on settings sit below the project's), and a user's
SCHEDULER, from the command line, the environment or a spider, must win as well. So the
scheduler is switched only while SCHEDULER is still Scrapy's default, and before the
distributed add-on, whose Redis queue then replaces it.
"""

from __future__ import annotations

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

SCHEDULER = "crawler.frontier.scheduler.DiskFrontierScheduler"


class DiskFrontier:
    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        if (settings.getpriority("SCHEDULER") or 0) <= SETTINGS_PRIORITIES["default"]:
            settings.set("SCHEDULER", SCHEDULER, priority="addon")
