"""Property tests: crawler.timestamps.parse / parse_with_reason on random and mutated texts
never raise and keep their types: an aware UTC instant within [1900, now + MAX_SKEW], a known
precision and the raw text, or None with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.timestamps import EARLIEST, MAX_SKEW, ParsedTime, parse, parse_with_reason

FUZZ = settings(max_examples=150, deadline=None, database=None)
PRECISIONS = {"second", "minute", "hour", "day", "week", "month", "year"}
SEEDS = ["8 hours ago", "42 minutes ago", "yesterday at 5:30 PM", "2026-03-01T12:00:00Z",
         "Mar 1, 2026 10:15 IST", "vor 3 Stunden", "hace 2 días", "3 घंटे पहले", "昨天 18:30",
         "1740830400", "1740830400123", "just now", "a few minutes ago", "25/12/2025", "8h",
         "First Post · 8 hours ago", "Updated: 01.03.2026, 14:05 CET", "in 2 hours", "5 min read"]
ZONES = [None, "UTC", "Asia/Kolkata", "America/New_York", "Europe/Dublin", "Australia/Lord_Howe",
         "Not/AZone", ""]
LANGS = [None, "en", "de", "es", "hi", "zh", "ar", "xx", ""]


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 2))
        if op == 0:
            text = text[:at] + draw(st.text(max_size=6)) + text[at:]
        elif op == 1:
            text = text[:at] + text[at + draw(st.integers(1, 4)):]
        else:
            text = text[:at] + str(draw(st.integers(-10**12, 10**13))) + text[at:]
    return text


nows = st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                 timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                                            timezone(timedelta(hours=-11))])),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),  # naive = UTC
)
texts = st.one_of(st.text(max_size=80), mutated(), st.text(min_size=300, max_size=2000),
                  st.none())


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo else now.replace(tzinfo=UTC)


@FUZZ
@given(text=texts, now=nows, tz=st.sampled_from(ZONES), lang=st.sampled_from(LANGS))
def test_parse_with_reason_never_raises_and_keeps_types(text, now, tz, lang):
    parsed, reason = parse_with_reason(text, now, tz=tz, lang=lang)
    if parsed is None:
        assert isinstance(reason, str) and reason
        return
    assert reason is None
    assert isinstance(parsed, ParsedTime)
    assert parsed.utc.utcoffset() == timedelta(0)
    assert parsed.precision in PRECISIONS
    assert isinstance(parsed.raw, str)
    assert EARLIEST <= parsed.utc <= _aware(now) + MAX_SKEW


@FUZZ
@given(text=texts, now=nows, tz=st.sampled_from(ZONES), lang=st.sampled_from(LANGS))
def test_parse_agrees_with_parse_with_reason(text, now, tz, lang):
    assert parse(text, now, tz=tz, lang=lang) == parse_with_reason(text, now, tz=tz, lang=lang)[0]
