"""App-style short ages in each language and zones written out in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler import timestamps

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "lang", "back"), [
    ("35m", "en", timedelta(minutes=35)),
    ("2h", "en", timedelta(hours=2)),
    ("1d", "hi", timedelta(days=1)),
    ("22 Std.", "de", timedelta(hours=22)),
    ("4 Tg.", "de", timedelta(days=4)),
    ("vor 3 Tg.", "de", timedelta(days=3)),
    ("4 ч", "ru", timedelta(hours=4)),
    ("3 д", "ru", timedelta(days=3)),
    ("3 дн. назад", "ru", timedelta(days=3)),
    ("13 sa", "tr", timedelta(hours=13)),
    ("45 dk", "tr", timedelta(minutes=45)),
    ("15 mnt", "id", timedelta(minutes=15)),
    ("8 jam", "id", timedelta(hours=8)),
    ("2 hr", "id", timedelta(days=2)),  # Indonesian "hr" is hari
    ("2 hr", "en", timedelta(hours=2)),
    ("2 gg fa", "it", timedelta(days=2)),
    ("il y a 2 h", "fr", timedelta(hours=2)),
    ("hace 3 d", "es", timedelta(days=3)),
    ("há 19 h", "pt", timedelta(hours=19)),
])
def test_compact_ages(text, lang, back):
    got = timestamps.parse(text, NOW, lang=lang)
    assert got is not None and got.utc == NOW - back


@pytest.mark.parametrize(("text", "lang", "want"), [
    ("01/06/2025 13h26 (horário de Brasília)", "pt", datetime(2025, 6, 1, 16, 26, tzinfo=UTC)),
    ("10.06.2025 14:02 (TSİ)", "tr", datetime(2025, 6, 10, 11, 2, tzinfo=UTC)),
    ("30 de mayo de 2025, 19:52 CEST", "es", datetime(2025, 5, 30, 17, 52, tzinfo=UTC)),
    ("14 de agosto de 2024 às 05:06 GMT-3", "pt", datetime(2024, 8, 14, 8, 6, tzinfo=UTC)),
    ("3 de novembro de 2024", "pt", datetime(2024, 11, 3, tzinfo=UTC)),
    ("12 Jun 2025 05.50 GMT+7", "id", datetime(2025, 6, 11, 22, 50, tzinfo=UTC)),
])
def test_written_zones_and_months(text, lang, want):
    got = timestamps.parse(text, NOW, lang=lang)
    assert got is not None and got.utc == want
