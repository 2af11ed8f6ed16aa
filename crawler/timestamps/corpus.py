"""The hand-written corpus of times as news pages write them (corpus.yaml), with expected instants:
the parser's examples, asserted by the test suite and timed by benchmarks/timestamps.py (it lives
here so that neither imports the other).

Expected values are hand-written: a UTC instant, or a wall time plus zone converted here with
zoneinfo (fold=0) -- never by the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

CORPUS = Path(__file__).parent / "corpus.yaml"
DEFAULT_NOW = "2025-06-16T12:00:00Z"


@dataclass(frozen=True)
class Case:
    group: str
    text: str
    now: datetime
    tz: str | None
    lang: str | None
    expect: datetime | None
    extra: str | None  # precision for a time, reason substring for a null

    @property
    def id(self) -> str:
        return f"{self.group[:24]}|{self.text[:40]!r}|{self.tz}|{self.lang}"


def _expected(value: str | None) -> datetime | None:
    if value is None:
        return None
    if " " in value:  # "2025-06-16T09:12 Asia/Kolkata": a wall time in that zone
        wall, zone = value.rsplit(" ", 1)
        return datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return datetime.fromisoformat(value).astimezone(UTC)


def load_cases(path: Path = CORPUS) -> list[Case]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for group in groups:
        g_now = group.get("now", DEFAULT_NOW)
        for raw in group["cases"]:
            if isinstance(raw, dict):
                item = raw
            else:
                item = {"text": raw[0], "expect": raw[1], "extra": raw[2] if len(raw) > 2 else None}
            cases.append(
                Case(
                    group=group["group"],
                    text=item["text"],
                    now=datetime.fromisoformat(item.get("now", g_now)),
                    tz=item.get("tz", group.get("tz")),
                    lang=item.get("lang", group.get("lang")),
                    expect=_expected(item["expect"]),
                    extra=None if item.get("extra") is None else str(item["extra"]),
                )
            )
    return cases
