"""Template filters: times in UTC, ages, durations, shares. Pure functions."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(value, seconds: bool = False) -> str:
    if not isinstance(value, datetime):
        return "–"
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def age(value, now: datetime | None = None) -> str:
    """'5 min ago', '3 h ago', '2 d ago'."""
    if not isinstance(value, datetime):
        return "never"
    now = now or datetime.now(UTC)
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    seconds = (now - value).total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} d ago"


def duration(seconds) -> str:
    if not isinstance(seconds, int | float):
        return "–"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def minutes(value) -> str:
    if not isinstance(value, int | float):
        return "–"
    return duration(value * 60)


def share(value) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def run_duration(run: dict) -> float | None:
    if isinstance(run.get("duration_s"), int | float):
        return float(run["duration_s"])
    start, end = run.get("started_at"), run.get("finished_at")
    if isinstance(start, datetime) and isinstance(end, datetime):
        return (end - start).total_seconds()
    return None


def pages_per_minute(run: dict) -> float | None:
    took = run_duration(run)
    pages = (run.get("counts") or {}).get("pages")
    if not took or not isinstance(pages, int | float):
        return None
    return pages / (took / 60)


def failures(run: dict) -> list[tuple[str, int]]:
    """Failures by kind, largest first (run errors; a crash's error counts as 'crashed')."""
    kinds = [(str(k), int(v)) for k, v in (run.get("errors") or {}).items()
             if isinstance(v, int | float) and v]
    if run.get("error") and not kinds:
        kinds.append(("crashed", 1))
    return sorted(kinds, key=lambda kv: (-kv[1], kv[0]))
