"""Zones: the abbreviation table, the page context that disambiguates it, and the DST rule.

Abbreviations are not zones: IST is India, Ireland or Israel depending on who writes it. A label
is resolved with the page zone as context (see ``CONTEXT``), then from ``ABBREVIATIONS``.
docs/timestamps.md prints the same table for humans; keep them in step.

A *specific* label (EST, EDT, CEST, GMT ...) is its literal offset, whatever the date: a page that
writes "EST" in July means -05:00. A *generic* label (ET, PT ...) is the offset the named region
has in force on that date, so it is a zone name here.

DST rule: a wall time is attached to its zone with ``fold=0``. For a time that does not exist
(spring-forward gap) Python's zoneinfo then uses the offset in force before the change; for a time
that exists twice (fall-back overlap) it picks the first occurrence. Both are deliberate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo


def _fixed(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


# label -> fixed offset (specific labels) or IANA zone name (generic labels)
ABBREVIATIONS: dict[str, timezone | str] = {
    "UTC": UTC, "GMT": UTC, "Z": UTC, "UT": UTC, "WET": _fixed(0),
    "BST": _fixed(1), "IST": _fixed(5, 30), "WEST": _fixed(1), "CET": _fixed(1),
    "CEST": _fixed(2), "MEZ": _fixed(1), "MESZ": _fixed(2), "EET": _fixed(2), "EEST": _fixed(3),
    "MSK": _fixed(3), "TRT": _fixed(3), "AST": _fixed(3), "GST": _fixed(4), "PKT": _fixed(5),
    "NPT": _fixed(5, 45), "BDT": _fixed(6), "ICT": _fixed(7), "WIB": _fixed(7),
    "WITA": _fixed(8), "WIT": _fixed(9), "SGT": _fixed(8), "MYT": _fixed(8), "HKT": _fixed(8),
    "PHT": _fixed(8), "AWST": _fixed(8), "JST": _fixed(9), "KST": _fixed(9),
    "ACST": _fixed(9, 30), "ACDT": _fixed(10, 30), "AEST": _fixed(10), "AEDT": _fixed(11),
    "NZST": _fixed(12), "NZDT": _fixed(13), "IDT": _fixed(3), "SAST": _fixed(2),
    "CAT": _fixed(2), "EAT": _fixed(3), "WAT": _fixed(1), "BRT": _fixed(-3), "ART": _fixed(-3),
    "EST": _fixed(-5), "EDT": _fixed(-4), "CST": _fixed(-6), "CDT": _fixed(-5),
    "MST": _fixed(-7), "MDT": _fixed(-6), "PST": _fixed(-8), "PDT": _fixed(-7),
    "AKST": _fixed(-9), "AKDT": _fixed(-8), "HST": _fixed(-10),
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles", "AET": "Australia/Sydney",
    "TSİ": _fixed(3), "TSI": _fixed(3),  # Türkiye saati
}

# Zones written out in words (matched in lower case): "13h26 (horário de Brasília)".
ZONE_NAMES: dict[str, str] = {
    "horário de brasília": "America/Sao_Paulo", "horario de brasilia": "America/Sao_Paulo",
    "hora de brasília": "America/Sao_Paulo", "hora de brasilia": "America/Sao_Paulo",
    "horário de lisboa": "Europe/Lisbon", "hora peninsular": "Europe/Madrid",
    "heure de paris": "Europe/Paris", "moscow time": "Europe/Moscow", "мск": "Europe/Moscow",
    "по московскому времени": "Europe/Moscow", "türkiye saati": "Europe/Istanbul",
}

# (label, page zones) -> offset: the page says which of several meanings is meant.
_CHINA = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "Asia/Urumqi",
          "Asia/Macau", "Asia/Taipei", "PRC", "ROC")
_ATLANTIC = ("America/Halifax", "America/Puerto_Rico", "America/Santo_Domingo",
             "Atlantic/Bermuda", "America/Barbados", "America/Martinique")
CONTEXT: dict[str, tuple[tuple[tuple[str, ...], timezone], ...]] = {
    "IST": ((("Europe/Dublin", "Eire"), _fixed(1)),),
    "CST": ((_CHINA, _fixed(8)),),
    "AST": ((_ATLANTIC, _fixed(-4)),),
    "PST": ((("Asia/Manila",), _fixed(8)),),
}

US_ZONES = frozenset({
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Phoenix", "America/Anchorage", "America/Adak", "America/Boise", "America/Detroit",
    "America/Juneau", "America/Sitka", "America/Nome", "America/Yakutat", "America/Metlakatla",
    "America/Menominee", "Pacific/Honolulu", "US/Eastern", "US/Central", "US/Mountain",
    "US/Pacific", "US/Alaska", "US/Hawaii", "US/Arizona", "US/Michigan", "EST5EDT", "CST6CDT",
    "MST7MDT", "PST8PDT",
})


@lru_cache(maxsize=512)
def zone(name: str | None) -> tzinfo | None:
    """The tzinfo for an IANA name, cached; None for None. Raises KeyError for unknown names."""
    if name is None or name == "":
        return None
    if name in ("UTC", "Etc/UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError on odd paths
        raise KeyError(name) from exc


def is_us_page(tz_name: str | None, lang: str | None) -> bool:
    """Month-first numeric dates are read only on US pages: a US zone, English or unknown lang."""
    if tz_name is None or lang not in (None, "en"):
        return False
    return tz_name in US_ZONES or tz_name.startswith(("America/Indiana/", "America/Kentucky/",
                                                      "America/North_Dakota/"))


def resolve_label(label: str, page_zone: str | None) -> tzinfo | None:
    """The tzinfo a zone label in the text means on a page in ``page_zone``; None if unknown."""
    for zones, offset in CONTEXT.get(label, ()):
        if page_zone in zones:
            return offset
    found = ABBREVIATIONS.get(label)
    if found is None:
        return None
    if isinstance(found, str):
        return zone(found)
    return found


def fixed_offset(sign: str, hours: int, minutes: int) -> timezone | None:
    """A "+05:30"-style offset; None when out of the real-world range."""
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if sign in "-−" else delta)


def wall_to_utc(wall: datetime, tz: tzinfo | None) -> datetime:
    """A naive wall time in ``tz`` (UTC when None) as an aware UTC instant (fold=0 rule)."""
    return wall.replace(tzinfo=tz or UTC, fold=0).astimezone(UTC)
