"""CRAWLER_<SETTING> environment overrides, applied to Scrapy's settings the way `-s` applies its
own: after the defaults, for every setting. Precedence: defaults (Scrapy's, then
crawler/settings.py) < a spider's custom_settings < the environment < `-s` on the command line.
A dict setting given in the environment (a JSON object) is merged key by key into the default
dict, so CRAWLER_ITEM_PIPELINES='{"my.Pipeline": 400}' adds a pipeline; `-s` replaces the dict
as Scrapy does.

Applied by the EnvironmentSettings add-on (first in ADDONS) before the crawler exists, so
LOG_LEVEL and the reactor follow it too, and again on each crawler's own settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.settings import BaseSettings, Settings

from crawler import config
from crawler import settings as defaults

# Above a spider's custom_settings ("spider", 30), below the command line ("cmdline", 40).
ENV_PRIORITY = 35


def defined_names(settings: BaseSettings | None = None) -> set[str]:
    """Setting names already known: this project's defaults and whatever `settings` holds."""
    names = {n for n in dir(defaults) if n.isupper()}
    if settings is not None:
        names.update(settings.attributes)
    return names


def apply(settings: BaseSettings, environ: Mapping[str, str] | None = None) -> None:
    """Set on `settings` what the environment overrides, at ENV_PRIORITY."""
    for name, value in config.setting_overrides(defined_names(settings), environ).items():
        current = settings.get(name)
        if isinstance(value, dict) and isinstance(current, BaseSettings):
            current.update(value, priority=ENV_PRIORITY)
        elif isinstance(value, dict) and isinstance(current, dict):
            settings.set(name, {**current, **value}, priority=ENV_PRIORITY)
        else:
            settings.set(name, value, priority=ENV_PRIORITY)


def project_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """This project's settings with the environment applied, for code outside a crawl (the
    scheduler, `crawler schedule`): the values a crawl started now would see, without -s."""
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    apply(settings, environ)
    return settings


class EnvironmentSettings:
    """Scrapy add-on applying the environment overrides (see the module's docstring)."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        apply(settings)

    def update_settings(self, settings: BaseSettings) -> None:
        apply(settings)


def setting(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting's value outside a crawl: its default, or the environment's override."""
    return project_settings(environ).get(name)
