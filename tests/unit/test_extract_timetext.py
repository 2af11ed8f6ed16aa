"""Finding a time inside page text: every shape the parser reads is found, glued or labelled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler import timestamps
from crawler.extract.timetext import find_time, is_time_text

NOW = datetime(2026, 4, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "vor 4 Std.", "vor 20 Min.", "il y a 18 h", "hace 56 min", "8 ч. назад", "15 ч", "3 sa önce",
    "14 dk önce", "1 g", "2h", "35m", "21 horas atrás",
    "5 mai 2024 à 01h59 (CEST)", "4. November 2025, 21:01 Uhr (MEZ)", "20 Apr 2026 07.41 GMT+7",
    "11.10.2026 01:43 (TRT)", "September 28, 2025 at 12:44 p.m. UTC+05:30",
    "29 de março de 2025 às 14:07 GMT-3", "28 सितंबर 2025, 12:24 (IST)",
    "Published: 9 hours ago", "Yayınlanma: 9 saat önce",
])
def test_whole_text_is_a_time(text):
    assert is_time_text(text), text


@pytest.mark.parametrize("text", [
    "Rail union agrees pay deal ending months of strikes", "Channel 4 News",
    "18 injured as bus overturns near the bypass", "Top 10 stories", "Sponsored",
])
def test_not_a_time(text):
    assert not is_time_text(text)


@pytest.mark.parametrize("text,before,span", [
    ("Deccan Ledger42 minutes ago", "Deccan Ledger", "42 minutes ago"),
    ("Günlük Pusula · 3 sa önce", "Günlük Pusula", "3 sa önce"),
    ("L’Écho du Littoral 2 h", "L’Écho du Littoral", "2 h"),
    ("Harbour Times | vor 4 Std.", "Harbour Times", "vor 4 Std"),
])
def test_glued_publisher_is_split_off(text, before, span):
    got = find_time(text)
    assert got is not None and got[0] == before and got[1] == span


def test_absolute_time_is_found_whole():
    """The date alone would lose the clock and the zone."""
    got = find_time("28 juin 2024 à 12h14 (CEST)")
    assert got is not None and "12h14" in got[1]
    parsed = timestamps.parse(got[1], NOW)
    assert parsed.utc == datetime(2024, 6, 28, 10, 14, tzinfo=UTC)


@pytest.mark.parametrize("text,want", [
    ("23/04/2026 18h14 (horário de Brasília)", datetime(2026, 4, 23, 21, 14, tzinfo=UTC)),
    ("20 Apr 2026 07.41 GMT+7", datetime(2026, 4, 20, 0, 41, tzinfo=UTC)),
    ("15 ч", datetime(2026, 4, 24, 21, 0, tzinfo=UTC)),
    ("3 sa", datetime(2026, 4, 25, 9, 0, tzinfo=UTC)),
])
def test_zone_words_dot_clocks_and_compact_abbreviations(text, want):
    assert timestamps.parse(text, NOW).utc == want


def test_byline_glued_to_its_date_splits():
    assert find_time("Mara LindNovember 15, 2019") == ("Mara Lind", "November 15, 2019", "")
