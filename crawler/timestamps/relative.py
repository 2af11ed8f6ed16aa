"""Relative forms: "8 hours ago", "hace 8 horas", "8小时前", "just now", "yesterday at 5:30 PM".

Conventions (see crawler.timestamps): seconds to weeks are elapsed time on the UTC timeline,
months and years are calendar arithmetic in the page zone, day words name local calendar days.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, time, timedelta

from . import lexicon as lx
from . import patterns as p
from .absolute import find_clock, zone_after
from .context import Ctx, Hit
from .zones import wall_to_utc

_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
FEW_SMALL = 5  # "a few seconds/minutes" = 5 of them
FEW_LARGE = 3  # "a few hours/days/..." = 3 of them


def _count(m: re.Match, unit_count: int | None) -> float | None:
    n, w, c = m.group("n"), m.group("w"), m.group("c")
    if n is not None:
        try:
            return float(n.replace(",", "."))
        except ValueError:
            return None
    word = w if w is not None else c
    if word is not None:
        value = lx.NUMBER_WORDS.get(" ".join(word.split()))
        if value is None:
            return None
        return float(value * (unit_count or 1)) if value != lx.FEW else float(lx.FEW)
    return float(unit_count) if unit_count is not None else None


def back(ctx: Ctx, amount: float, unit: str) -> tuple[datetime, str] | None:
    """``amount`` units before now, by the module's conventions."""
    if amount == lx.FEW:
        amount = FEW_SMALL if unit in ("second", "minute") else FEW_LARGE
    if amount < 0 or amount > 100_000:
        return None
    if unit in _SECONDS:
        try:
            return ctx.now - timedelta(seconds=amount * _SECONDS[unit]), unit
        except OverflowError:
            return None
    months = int(round(amount * (12 if unit == "year" else 1)))
    local = ctx.local_now
    total = local.year * 12 + (local.month - 1) - months
    year, month = divmod(total, 12)
    if year < 1:
        return None
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    wall = local.replace(year=year, month=month + 1, day=day)
    return wall_to_utc(wall, ctx.zone), unit


def relative(low: str, ctx: Ctx) -> Hit | None:
    """A "N units ago" phrase anywhere in the text (the noise check is the caller's)."""
    for ago in p.SUFFIX_AGO_WORD.finditer(low):
        start = ago.start()
        m = p.REL_BEFORE_AGO.search(low, max(0, start - 40), start)
        if m is not None:
            unit, unit_count = lx.SUFFIX_UNITS[" ".join(m.group("u").split())]
            amount = _count(m, unit_count)
            found = back(ctx, amount, unit) if amount is not None else None
            if found:
                return found[0], found[1], [(m.start(), ago.end())]
        m = p.REL_SUFFIX_BARE.search(low, max(0, start - 20), ago.end())
        if m is not None:
            unit, unit_count = lx.SUFFIX_BARE_UNITS[m.group("u")]
            found = back(ctx, float(unit_count or 1), unit)
            if found:
                return found[0], found[1], [m.span()]
    m = p.REL_PREFIX.search(low)
    if m is not None:
        unit, unit_count = lx.PREFIX_UNITS[" ".join(m.group("u").split())]
        amount = _count(m, unit_count)
        found = back(ctx, amount, unit) if amount is not None else None
        if found:
            return found[0], found[1], [m.span()]
    return None


def future(low: str) -> bool:
    """"in 2 hours", "dans 2 heures", "2小时后", "tomorrow": a time after now."""
    if p.FUTURE_WORD.search(low):
        return True
    for m in p.FUTURE_PREFIX_WORD.finditer(low):
        if p.FUTURE_AFTER_PREFIX.match(low, m.end()):
            return True
    for m in p.FUTURE_SUFFIX_WORD.finditer(low):
        if p.FUTURE_BEFORE_SUFFIX.search(low, max(0, m.start() - 40), m.start()):
            return True
    return False


def compact(low: str, ctx: Ctx) -> Hit | None:
    """A bare "8h" / "3d" / "2w" ending the text: a time slot, so it means ago."""
    m = p.COMPACT.search(low)
    if m is None:
        return None
    word = m.group("u")
    unit = lx.COMPACT_UNITS_LANG.get(ctx.lang or "", {}).get(word) or lx.COMPACT_UNITS.get(word)
    if unit is None:
        return None
    found = back(ctx, float(m.group("n")), unit)
    return (found[0], found[1], [m.span()]) if found else None


def just_now(low: str, ctx: Ctx) -> Hit | None:
    """"just now", "à l'instant", "刚刚" ... ending the text (ambiguous words only alone)."""
    if low in lx.JUST_NOW_ALONE:
        return ctx.now, "minute", [(0, len(low))]
    m = p.JUST_NOW.search(low)
    if m is None:
        return None
    seconds = lx.JUST_NOW[" ".join(m.group("p").split())]
    return ctx.now - timedelta(seconds=seconds), "minute", [m.span()]


def day_word(
    text: str, low: str, ctx: Ctx, clock: tuple[time, tuple[int, int], bool] | None
) -> Hit | None:
    """"yesterday" (a local day) or "yesterday at 5:30 PM" (that wall time on that day).

    The day is the page zone's; a zone label after the time ("kemarin 17.30 WIB") sets the
    zone the wall time is read in.
    """
    m = p.DAY_WORD.search(low)
    if m is None:
        return None
    word = " ".join(m.group("d").split())
    allowed = lx.DAY_WORDS_LANG.get(word)
    if allowed is not None and ctx.lang not in allowed:
        return None
    if low[m.end():m.end() + 2] == "'s":
        return None  # "Yesterday's match": a headline, not a time
    day = ctx.local_now.date() - timedelta(days=lx.DAY_WORDS[word])
    if clock is None and "." in low:
        clock = find_clock(low, beside_date=True)  # "yesterday at 11.30", "Today 09.15"
    if clock is None:
        return ctx.wall(day, None), "day", [m.span()]
    spans = [m.span(), clock[1]]
    tz, zspan = zone_after(text if len(text) == len(low) else low.upper(), clock[1][1], ctx)
    if zspan:
        spans.append(zspan)
    precision = "second" if clock[2] else "minute"
    return ctx.wall(day, clock[0], tz), precision, spans
