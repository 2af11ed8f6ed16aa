"""Publication times as news pages write them -> aware UTC instants.

``parse(text, now, tz=None, lang=None)`` returns a :class:`ParsedTime` (UTC instant, precision,
raw text) or None; ``parse_with_reason`` also says why not. A fast path of precompiled grammars
(this package's private modules: ``lexicon`` words per language, ``clean`` text normalisation,
``zones`` zone table and DST rule, ``relative`` and ``absolute`` grammars, ``reject`` texts that are
not times, ``fallback`` dateparser) reads the common forms in microseconds; dateparser, imported only when
needed, reads the long tail with the same context as hints.

Context
    ``now`` is the response's Date header, else the fetch clock (naive = UTC). ``tz`` is the page
    zone (site profile, else the crawler default), ``lang`` the page language (ISO 639-1).

Conventions (tested in tests/*/test_timestamps*.py; zone table and examples in docs/timestamps.md)
  * Relative durations are elapsed time on the UTC timeline: "N hours ago" is now minus N hours,
    also across a DST change; so are seconds, minutes, days and weeks. Months and years are
    calendar arithmetic in the page zone (day clamped to the month's length, wall time kept).
    "an hour", "a day" and their equivalents mean 1 (the Arabic dual means 2). Bare "8h", "3d",
    "2w" ending a text mean ago.
  * "just now" and its equivalents are now; "a few minutes ago" is 5 minutes back ("a few" is 5
    seconds/minutes, 3 of a larger unit); "half an hour ago" is 30 minutes back.
  * A day word without a time ("yesterday", "gestern", "昨天") is the start of the previous local
    calendar day in the page zone (precision day); with a time ("yesterday at 5:30 PM") it is that
    wall time on that date with that date's UTC offset. A date without a time is that local day.
  * A zone label in the text beats the page zone. IST is India (+05:30) except on a Europe/Dublin
    page (Irish Standard Time, +01:00); CST is US Central (-06:00) except on a China page
    (+08:00); GST is Gulf (+04:00); BST is British Summer Time (+01:00); AST is Arabia (+03:00)
    except on an Atlantic page (-04:00); PST is Pacific except on a Manila page (+08:00).
    Specific labels (EST, EDT, PDT, CEST, AEDT, GMT) are their literal offsets; generic ones (ET,
    CT, MT, PT) take the offset in force on that date. "GMT+5:30", "UTC+8", "+0530" are fixed.
    Labels are recognised in capitals only.
  * A wall time without a zone is in the page zone, or UTC when the page zone is unknown.
  * "11.30" is a clock time when a day half, a zone label or a clock word follows ("11.30 BST",
    "9.05pm", "14.45 Uhr"), a lead-in word precedes ("at 9.05", "alle 13.20"), or the text
    also names a date or day ("16 June 2025, 11.30", "Today 09.15"); otherwise it is a number.
  * Numeric dates are month-first only on US pages (a US zone, English or unknown language);
    day-first everywhere else; a leading four-digit year is year-month-day. When the locale's
    reading is impossible and the other order is possible (25/12 on a US page), the other is used.
  * No year written: the most recent such date not after now (plus MAX_SKEW). A time only: the
    most recent such wall time not after now (plus MAX_SKEW).
  * DST: a wall time in a gap takes the offset in force before the change; one in an overlap is
    the first occurrence (Python's fold=0).
  * Later than now + MAX_SKEW (5 minutes) is not a publication time: null, "in the future"
    ("in 2 hours", "tomorrow", a date days ahead). Nor are counts ("8 comments"), headlines that
    contain durations, reading times ("5 min read"), a bare year or number, invalid dates,
    placeholders or labels ("Related Articles").
  * A bare 10-digit integer is Unix seconds (a decimal fraction allowed), a 13-digit one
    milliseconds; other bare integers are not times.
  * Labels, publisher names, bullets, separators, non-breaking and zero-width spaces, emoji,
    brackets and line breaks around a time are ignored, glued or not (a letter before a digit,
    or a lower-case letter before a capital: "Post8 hours ago", "5 hours agoReuters",
    "UpdatedYesterday"); a reading time beside a time is removed first. More than six other words around a time make it a headline: null.
  * Instants before 1900 are not publication times (a misread number, not an archive).
  * Texts longer than MAX_TEXT characters are only searched for an ISO 8601 timestamp.
  * Precision is one of second, minute, hour, day, week, month, year.
  * Never raises on any ``str`` (or None) text; an unknown ``tz`` gives null with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from crawler.timestamps import absolute, fallback, relative
from crawler.timestamps import patterns as p
from crawler.timestamps.clean import normalise, significant
from crawler.timestamps.context import Ctx, Hit
from crawler.timestamps.reject import MAX_LABEL_WORDS, classify

__all__ = ["MAX_SKEW", "MAX_TEXT", "ParsedTime", "locate", "parse", "parse_with_reason"]

MAX_SKEW = timedelta(minutes=5)
MAX_TEXT = 300  # longer texts are searched for an ISO timestamp only
_SCAN_LIMIT = 100_000  # how much of a huge text that search looks at

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE = "in the future"
HEADLINE = "not a time: a headline or sentence"


@dataclass(frozen=True)
class ParsedTime:
    """A publication time: the instant, how exact the page was, and the text as seen."""

    utc: datetime  # aware, UTC
    precision: str  # second | minute | hour | day | week | month | year
    raw: str


def parse(
    text: str | None, now: datetime, tz: str | None = None, lang: str | None = None
) -> ParsedTime | None:
    """The UTC instant a page's time text names, or None when it names none."""
    return parse_with_reason(text, now, tz, lang)[0]


def parse_with_reason(
    text: str | None, now: datetime, tz: str | None = None, lang: str | None = None
) -> tuple[ParsedTime | None, str | None]:
    """Like :func:`parse`, but with a short human reason when there is no time."""
    if text is None:
        return None, "empty"
    if not isinstance(text, str):
        return None, "not text"
    try:
        ctx = Ctx.make(now, tz, lang)
    except KeyError:
        return None, f"unknown time zone: {tz!r}"
    try:
        found = _read(text, ctx)
    except absolute.Invalid:
        return None, absolute.INVALID
    except (ValueError, OverflowError, IndexError):
        return None, "not a time: out of range"
    if isinstance(found, str):
        return None, found
    utc, precision = found
    if utc > ctx.now + MAX_SKEW:
        return None, FUTURE
    if utc < EARLIEST:
        return None, "not a time: before 1900"
    return ParsedTime(utc, precision, text), None


def _read(text: str, ctx: Ctx) -> tuple[datetime, str] | str:
    """The (instant, precision) the text names, or the reason it names none."""
    if len(text) > MAX_TEXT:
        m = p.ISO.search(text, 0, _SCAN_LIMIT)
        if m is None:
            return "too long to be a time"
        hit = absolute.iso(m.group(0), ctx)
        return (hit[0], hit[1]) if hit else "too long to be a time"
    s = normalise(text)
    if not s:
        return "empty"
    low = s.lower()
    if low.isdigit() or (low[:10].isdigit() and p.EPOCH.fullmatch(low)):
        hit = absolute.epoch(low)
        if hit:
            return hit[0], hit[1]
        return classify(low, ctx.lang)[0] or "not a time"
    if p.READING_HINT.search(low) and p.READING_TIME.search(s):
        s = p.READING_TIME.sub(" ", s).strip(" ,.:-/")
        if not s:
            return "not a time: a reading time"
        low = s.lower()

    hit = relative.just_now(low, ctx) or relative.relative(low, ctx) or relative.compact(low, ctx)
    if hit:
        return _checked(low, hit, edge=True)
    if relative.future(low):
        return FUTURE
    clock = absolute.find_clock(low) if any(c.isdigit() for c in low) else None
    hit = relative.day_word(s, low, ctx, clock)
    if hit:
        return _checked(low, hit, edge=False)
    hit = absolute.iso(s, ctx) or absolute.written(s, low, ctx)
    if hit:
        return _checked(low, hit, edge=False)

    reason, may_fallback = classify(low, ctx.lang)
    if not may_fallback:
        return reason or "not a time"
    found = fallback.parse(s, ctx)
    return found if found else (reason if reason != "not a time" else "not a time")


# Finding where a time sits needs no real clock: a date far ahead makes no written time "future".
_FIND_NOW = datetime(2100, 1, 1, tzinfo=UTC)


def locate(text: str | None, lang: str | None = None) -> tuple[str, str, str] | None:
    """(before, time, after) for the time the fast grammars read in a short text, else None.

    Pages print times in more shapes than any span pattern lists ("vor 4 Std.", "5 mai 2024 à
    01h59 (CEST)", "20 Apr 2026 07.41 GMT+7"); the grammars that turn them into instants also
    say where they are, so the finder and the parser never disagree. `before` and `after` are
    cut from the text as given (a publisher glued to the time keeps its spelling).
    """
    if not text or len(text) > MAX_TEXT:
        return None
    s = normalise(text)
    if not s:
        return None
    # Lower-cased letter by letter so places in `low` are places in `s` ("İ" lowers to two).
    low = s.lower() if s.isascii() else "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
    try:
        ctx = Ctx.make(_FIND_NOW, None, lang)
        if low.isdigit():
            return None
        clock = absolute.find_clock(low) if any(c.isdigit() for c in low) else None
        hit = (relative.just_now(low, ctx) or relative.relative(low, ctx)
               or relative.compact(low, ctx) or relative.day_word(s, low, ctx, clock)
               or absolute.iso(s, ctx) or absolute.written(s, low, ctx))
    except (absolute.Invalid, ValueError, OverflowError, IndexError):
        return None
    if not hit or not hit[2]:
        return None
    start = min(a for a, _ in hit[2])
    end = max(b for _, b in hit[2])
    a, b = _original_index(text, s, start, True), _original_index(text, s, end, False)
    return text[:a].strip(), text[a:b].strip(), text[b:].strip()


def _original_index(text: str, s: str, i: int, start: bool) -> int:
    """The place in `text` matching place `i` of its normalised form `s`: both have the same
    significant characters once noise and spaces are skipped."""
    k = sum(1 for ch in s[:i] if _significant(ch))
    seen = 0
    for j, ch in enumerate(text):
        if not _significant(ch):
            continue
        if start and seen == k:
            return j
        seen += 1
        if not start and seen == k:
            return j + 1
    return len(text) if start or k else 0


@lru_cache(maxsize=4096)
def _significant(ch: str) -> bool:
    return significant(ch)


def _checked(low: str, hit: Hit, *, edge: bool) -> tuple[datetime, str] | str:
    """Reject a hit buried in a headline: too many other words, or words on both sides."""
    utc, precision, spans = hit
    others = absolute.words_outside(low, spans)
    if len(others) > MAX_LABEL_WORDS:
        return HEADLINE
    if edge and others:
        start = min(a for a, _ in spans)
        end = max(b for _, b in spans)
        before = p.WORD.findall(low[:start])
        after = p.WORD.findall(low[end:])
        if before and len(after) >= 2:
            return HEADLINE
    return utc, precision
