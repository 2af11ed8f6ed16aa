"""The long tail: dateparser, with the page's language, zone, clock and date order as hints.

Imported lazily: dateparser takes a noticeable time to import and most texts never need it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .context import Ctx

_PRECISION = {"time": "minute", "day": "day", "week": "week", "month": "month", "year": "year"}
_dateparser = None


def _module():
    global _dateparser
    if _dateparser is None:
        import dateparser.date  # noqa: PLC0415 - deliberate lazy import

        _dateparser = dateparser.date
    return _dateparser


def settings(ctx: Ctx) -> dict:
    """The dateparser settings that carry the same context the fast path uses."""
    return {
        "RELATIVE_BASE": ctx.local_now,
        "TIMEZONE": ctx.tz_name or "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "MDY" if ctx.month_first else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
    }


def parse(text: str, ctx: Ctx) -> tuple[datetime, str] | None:
    """dateparser's reading of ``text`` as (UTC instant, precision), or None."""
    try:
        mod = _module()
        languages = [ctx.lang] if ctx.lang else None
        try:
            ddp = mod.DateDataParser(languages=languages, settings=settings(ctx))
        except ValueError:  # a language dateparser does not know: let it detect one
            ddp = mod.DateDataParser(settings=settings(ctx))
        data = ddp.get_date_data(text)
    except Exception:  # dateparser has raised on odd input before; never let it escape
        return None
    if data is None or data.date_obj is None:
        return None
    value = data.date_obj
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value, _PRECISION.get(data.period or "day", "day")
