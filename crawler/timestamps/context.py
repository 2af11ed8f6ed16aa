"""The context one text is read in: the clock, the page zone, the page language.

Built once per call (cheap: a cached zone lookup and one conversion) and passed to every grammar,
so each grammar stays a pure function of (text, context).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from .zones import is_us_page, wall_to_utc, zone

# A hit: the UTC instant, its precision, and the spans of the text it used (for the noise check).
Hit = tuple[datetime, str, list[tuple[int, int]]]


@dataclass(slots=True, frozen=True)
class Ctx:
    now: datetime  # aware UTC
    tz_name: str | None
    zone: tzinfo | None  # None = unknown page zone, read as UTC
    lang: str | None
    local_now: datetime  # naive wall clock in the page zone
    month_first: bool

    @classmethod
    def make(cls, now: datetime, tz_name: str | None, lang: str | None) -> Ctx:
        """Raises KeyError for an unknown zone name (the caller turns it into a reason).

        Cached: a batch usually shares one clock, zone and language, and a Ctx is immutable.
        """
        return _make(cls, now, tz_name, lang)

    @classmethod
    def build(cls, now: datetime, tz_name: str | None, lang: str | None) -> Ctx:
        now_utc = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
        z = zone(tz_name)
        local = now_utc.astimezone(z).replace(tzinfo=None) if z else now_utc.replace(tzinfo=None)
        lang = lang.lower().split("-")[0].split("_")[0] if lang else None
        return cls(now_utc, tz_name, z, lang, local, is_us_page(tz_name, lang))

    def local_today(self, tz: tzinfo | None = None) -> date:
        if tz is None or tz is self.zone:
            return self.local_now.date()
        return self.now.astimezone(tz).date()

    def wall(self, day: date, clock: time | None, tz: tzinfo | None = None) -> datetime:
        """A wall time (or a day's start) in ``tz`` (default the page zone) as UTC."""
        return wall_to_utc(datetime.combine(day, clock or time()), tz or self.zone)

    def latest_wall(self, clock: time, tz: tzinfo | None, skew: timedelta) -> datetime:
        """The most recent occurrence of a wall clock time not after now (plus skew)."""
        today = self.local_today(tz)
        utc = self.wall(today, clock, tz)
        if utc > self.now + skew:
            utc = self.wall(today - timedelta(days=1), clock, tz)
        return utc


@lru_cache(maxsize=256)
def _make(cls: type[Ctx], now: datetime, tz_name: str | None, lang: str | None) -> Ctx:
    return cls.build(now, tz_name, lang)
