"""Absolute forms: ISO 8601, RFC 2822, epoch numbers, written dates, numeric dates, clock times.

One reader for written dates covers RFC 2822 ("Mon, 16 Jun 2025 09:12:00 +0000"), news styles
("Updated: Jun 16, 2025 09:12 AM IST", "16 de junio de 2025", "16. Juni 2025, 09:12 Uhr") and CJK
dates: it finds a month (by name or number), a day, a year, a clock time and a zone label
independently, so label order and glue do not matter.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from . import lexicon as lx
from . import patterns as p
from .context import Ctx, Hit
from .zones import ZONE_NAMES, fixed_offset, resolve_label

MAX_SKEW = timedelta(minutes=5)
INVALID = "not a time: an invalid date"


class Invalid(ValueError):
    """The text has the shape of a date, but not a real one (31 February, month 13)."""


def epoch(low: str) -> Hit | None:
    """A bare 10-digit integer is Unix seconds, a 13-digit one milliseconds."""
    m = p.EPOCH.fullmatch(low)
    if m is None:
        return None
    if m.group("ms"):
        seconds = int(m.group("ms")) / 1000
    else:
        seconds = float(m.group(0))
    return datetime.fromtimestamp(seconds, UTC), "second", [(0, len(low))]


def _offset_text(z: str) -> tzinfo | None:
    if z.lower() == "z":
        return UTC
    digits = z[1:].replace(":", "")
    return fixed_offset(z[0], int(digits[:2]), int(digits[2:4] or 0))


def _clock(h: int, mi: int, s: int = 0) -> time:
    if h == 24 and mi == 0 and s == 0:
        raise Invalid("24:00")
    if h > 23 or mi > 59 or s > 60:
        raise Invalid(f"{h}:{mi}:{s}")
    return time(h, mi, min(s, 59))


def _date(y: int, mo: int, d: int) -> date:
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc


def iso(text: str, ctx: Ctx) -> Hit | None:
    """ISO 8601 / RFC 3339 anywhere in the text; a zone label after it counts when no offset."""
    m = p.ISO.search(text) or p.ISO_BASIC.search(text)
    if m is None:
        return None
    day = _date(int(m["y"]), int(m["mo"]), int(m["d"]))
    spans = [m.span()]
    if m["h"] is None:
        tz, zspan = zone_after(text, m.end(), ctx)
        if zspan:
            spans.append(zspan)
        return ctx.wall(day, None, tz), "day", spans
    clock = _clock(int(m["h"]), int(m["mi"]), int(m["s"] or 0))
    fraction = m.groupdict().get("f")
    if fraction:
        clock = clock.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    tz: tzinfo | None
    if m["z"]:
        tz = _offset_text(m["z"].replace("−", "-"))
        if tz is None:
            raise Invalid(m["z"])
    else:
        tz, zspan = zone_after(text, m.end(), ctx)
        if zspan:
            spans.append(zspan)
    precision = "second" if m["s"] else "minute"
    return ctx.wall(day, clock, tz), precision, spans


def zone_after(text: str, start: int, ctx: Ctx) -> tuple[tzinfo | None, tuple[int, int] | None]:
    """The zone written after position ``start`` (label, GMT+x, +hhmm), else the page zone."""
    rest = text[start:]
    m = p.ZONE_GMT_OFFSET.search(rest)
    if m:
        tz = fixed_offset(m["sign"], int(m["h"]), int(m["m"] or 0))
        if tz is not None:
            return tz, (start + m.start(), start + m.end())
    m = p.ZONE_OFFSET.search(rest)
    if m:
        tz = fixed_offset(m["sign"], int(m["h"]), int(m["m"]))
        if tz is not None:
            return tz, (start + m.start(), start + m.end())
    m = p.ZONE_LABEL.search(rest)
    if m:
        tz = resolve_label(m["l"], ctx.tz_name)
        if tz is not None:
            return tz, (start + m.start(), start + m.end())
    m = p.ZONE_NAME.search(rest.lower())
    if m:
        return ZoneInfo(ZONE_NAMES[" ".join(m.group(0).split())]), (start + m.start(), start + m.end())
    return ctx.zone, None


def find_clock(low: str, *, beside_date: bool = False) -> tuple[time, tuple[int, int], bool] | None:
    """The first clock time in the text, with AM/PM (also CJK and word markers) applied.

    ``beside_date``: the text also names a day, so a bare "11.30" is its time, not a number.
    Returns (time, span, whether seconds were written).
    """
    m = p.CLOCK.search(low)
    if m is None:
        if "." not in low:
            return None
        m = p.DOT_CLOCK_LEAD.search(low) or (p.DOT_CLOCK_BARE.search(low) if beside_date else None)
        if m is None:
            return None
        h, mi, s, ap = int(m["h"]), int(m["mi"]), 0, None
        span = m.span("h")[0], m.end()
        return _apply_day_half(low, h, mi, s, ap), span, False
    if m["h"] is not None:
        h, mi, s, ap = int(m["h"]), int(m["mi"]), int(m["s"] or 0), m["ap"]
    elif m["h2"] is not None:
        h, mi, s, ap = int(m["h2"]), 0, 0, m["ap2"]
    else:
        h, mi, s, ap = int(m["h3"]), int(m["mi3"]), 0, m["ap3"]
    return _apply_day_half(low, h, mi, s, ap), m.span(), m["s"] is not None


def _apply_day_half(low: str, h: int, mi: int, s: int, ap: str | None) -> time:
    """The 24-hour clock time, from AM/PM or a day-half word elsewhere in the text."""
    if ap is None and h <= 12:
        if p.PM_MARK.search(low):
            ap = "pm"
        elif p.AM_MARK.search(low):
            ap = "am"
    if ap is not None:
        if h == 0 or h > 12:
            if h > 12 and ap.startswith("p"):
                ap = None  # "17:30 PM": the 24-hour clock wins
            else:
                raise Invalid(f"{h} {ap}")
        if ap is not None:
            h = (h % 12) + (12 if ap.startswith("p") else 0)
    return _clock(h, mi, s)


def _year2(y: int, ctx: Ctx) -> int:
    if y >= 100:
        return y
    pivot = ctx.local_now.year % 100 + 1
    return 2000 + y if y <= pivot else 1900 + y


def _numeric(low: str, ctx: Ctx) -> tuple[int | None, int, int, tuple[int, int]] | None:
    m = p.NUMERIC_DATE.search(low)
    if m is not None:
        a, b, c = m["a"], m["b"], m["c"]
        if len(a) == 4:
            return int(a), int(b), int(c), m.span()
        if len(a) == 3 or len(c) == 3:
            return None
        x, y, year = int(a), int(b), _year2(int(c), ctx)
        day, month = (y, x) if ctx.month_first else (x, y)
        if month > 12 and day <= 12:  # the other order is the only real reading
            day, month = month, day
        return year, month, day, m.span()
    m = p.CJK_DATE.search(low)
    if m is not None:
        return (int(m["y"]) if m["y"] else None), int(m["mo"]), int(m["d"]), m.span()
    return None


def _month_name(low: str, ctx: Ctx) -> tuple[int | None, int, int | None, list] | None:
    for m in p.MONTH.finditer(low):
        word = " ".join(m["m"].split())
        month = lx.MONTHS.get(word)
        if month is None:
            month, langs = lx.MONTHS_LANG[word]
            if ctx.lang not in langs:
                continue
        spans = [m.span()]
        day = None
        before = p.DAY_BEFORE.search(low, 0, m.start())
        after = p.DAY_AFTER.search(low[m.end():])
        if before:
            day = int(before["d"])
            spans.append(before.span())
        elif after:
            day = int(after["d"])
            spans.append((m.end() + after.start(), m.end() + after.end()))
        year = None
        masked = _mask(low, spans)
        ym = p.YEAR.search(masked)
        if ym:
            year = int(ym["y"])
            spans.append(ym.span())
        if day is None and year is None:
            continue  # a bare month word ("May") is not a date
        return year, month, day, spans
    return None


def _mask(text: str, spans) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def written(text: str, low: str, ctx: Ctx) -> Hit | None:
    """A date by name or number, with optional clock time and zone; or a clock time alone."""
    precision = "day"
    found = _numeric(low, ctx)
    if found is not None:
        year, month, day, span = found
        spans = [span]
    else:
        named = _month_name(low, ctx)
        if named is not None:
            year, month, day, spans = named
            if day is None:
                precision = "month"
                day = 1
        else:
            year = month = day = None
            spans = []
    masked = _mask(low, spans) if spans else low
    clock = find_clock(masked, beside_date=month is not None)
    if month is None and clock is None:
        return None
    end = max([b for _, b in spans] + ([clock[1][1]] if clock else []))
    tz, zspan = zone_after(text if len(text) == len(low) else low.upper(), end, ctx)
    if zspan:
        spans.append(zspan)
    if clock is not None:
        spans.append(clock[1])
        precision = "second" if clock[2] else "minute"
    wall_clock = clock[0] if clock else None
    if month is None:  # clock time alone: the most recent such wall time
        return ctx.latest_wall(wall_clock, tz, MAX_SKEW), precision, spans
    if year is not None:
        if precision == "month":
            _date(year, month, 1)
        return ctx.wall(_date(year, month, day), wall_clock, tz), precision, spans
    return _latest_date(ctx, month, day, wall_clock, tz), precision, spans


def _latest_date(ctx: Ctx, month: int, day: int, clock: time | None, tz: tzinfo | None):
    """No year written: the most recent such date not after now (plus skew)."""
    if not 1 <= month <= 12 or not 1 <= day <= 31 or day > calendar.monthrange(2024, month)[1]:
        raise Invalid(f"{month}/{day}")
    year = ctx.local_today(tz).year
    for y in range(year, year - 9, -1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue  # 29 February in a common year
        utc = ctx.wall(d, clock, tz)
        if utc <= ctx.now + MAX_SKEW:
            return utc
    raise Invalid(f"{month}/{day}")


_IGNORED_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun at on um a las la às as à alle le el der den в uhr pukul jam saat de del do da "
    "г года the of في ist wib hrs h am pm a.m p.m updated published posted time".split()
)


def words_outside(low: str, spans: list[tuple[int, int]]) -> list[str]:
    """Letters-only words the grammar did not use (labels, publisher names, or a headline)."""
    return [w for w in p.WORD.findall(_mask(low, spans)) if w not in _IGNORED_WORDS]
