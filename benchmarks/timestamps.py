"""Benchmark: `crawler timestamps` vs plain dateparser.parse, same corpus, same hints, one run.

The mixed corpus is the hand-written test corpus (crawler/timestamps/corpus.yaml:
relative phrases in 23 languages, glued labels and publisher names, dot-separated clock times, zone labels, DST edges, ISO/RFC/epoch, non-times, a long
tail outside the tables). The project is measured through the command's batch path
(crawler.cli.timestamps.convert_lines: JSON Lines in, JSON Lines out); the baseline is
dateparser.parse(text, languages=[lang], settings={RELATIVE_BASE, TIMEZONE, TO_TIMEZONE,
RETURN_AS_TIMEZONE_AWARE}). Accuracy: a null where null is expected, or the expected instant to
the second. Both sides get one untimed warm-up pass, then are timed in alternating slices (a
project pass, then the next 25 baseline cases) so a change in machine load hits both alike.
The last line is the machine-readable summary.

    .venv/bin/python benchmarks/timestamps.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.cli.timestamps import convert_lines  # noqa: E402
from crawler.timestamps.corpus import load_cases  # noqa: E402

ENGLISH_COMMON = [
    "8 hours ago", "an hour ago", "42 minutes ago", "time42 minutes ago", "timean hour ago",
    "First Post8 hours ago", "5 mins ago", "2 hrs ago", "8h", "3d ago", "just now", "yesterday",
    "yesterday at 5:30 PM", "Updated: Jun 16, 2025 09:12 AM IST", "2025-06-16T09:12:00+05:30",
    "Mon, 16 Jun 2025 09:12:00 +0000", "1750065120", "a few minutes ago", "Related Articles",
    "Top 10 stories",
]
NOW = "2025-06-16T12:00:00+00:00"


def _floor(d: datetime | None) -> datetime | None:
    return None if d is None else d.astimezone(UTC).replace(microsecond=0)


def _interleaved_rates(project, baseline, seconds: float, whole) -> tuple[float, float]:
    """Items per second of both sides, timed in alternating short slices.

    Timing one side after the other lets a change in machine load between the two runs move the
    ratio (on a shared 2-core machine it did, by half); alternating slices of a fraction of a
    second put both sides under the same load. Each callable runs one slice, returns its items;
    timing stops only when ``whole()`` says both have covered the corpus a whole number of times.
    """
    spent = [0.0, 0.0]
    done = [0, 0]
    while min(spent) < seconds or not whole():
        for side, fn in enumerate((project, baseline)):
            start = time.perf_counter()
            done[side] += fn()
            spent[side] += time.perf_counter() - start
    return done[0] / spent[0], done[1] / spent[1]


def _rate(fn, seconds: float) -> tuple[float, int]:
    """Items per second over at least ``seconds`` of repeated full passes."""
    done = 0
    start = time.perf_counter()
    while True:
        done += fn()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timing per side")
    args = ap.parse_args()

    import dateparser

    cases = load_cases()
    lines = [json.dumps({"text": c.text, "now": c.now.isoformat(), "tz": c.tz, "lang": c.lang})
             for c in cases]
    default_now = datetime.fromisoformat(NOW)

    def project_pass() -> int:
        convert_lines(lines, default_now)
        return len(lines)

    def dp_settings(c):
        local = c.now.astimezone(ZoneInfo(c.tz)) if c.tz else c.now.astimezone(UTC)
        return {"RELATIVE_BASE": local.replace(tzinfo=None), "TIMEZONE": c.tz or "UTC",
                "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True}

    prepared = [(c.text, [c.lang] if c.lang else None, dp_settings(c)) for c in cases]

    def dateparser_one(text, langs, settings):
        try:
            return dateparser.parse(text, languages=langs, settings=dict(settings))
        except Exception:  # the baseline may raise on odd input; count it as no answer
            return None

    chunk = 25
    cursor = [0]

    def baseline_slice() -> int:
        """The next `chunk` cases (cycling): a slice about as long as one project pass."""
        start = cursor[0]
        part = prepared[start:start + chunk]
        cursor[0] = 0 if start + chunk >= len(prepared) else start + chunk
        for text, langs, settings in part:
            dateparser_one(text, langs, settings)
        return len(part)

    # accuracy (also the warm-up pass for both sides)
    project_out = [json.loads(x) for x in convert_lines(lines, default_now)]
    project_ok = dp_ok = 0
    for case, out, (text, langs, settings) in zip(cases, project_out, prepared, strict=True):
        expect = _floor(case.expect)
        got = _floor(datetime.fromisoformat(out["utc"])) if out["utc"] else None
        project_ok += got == expect
        dp_ok += _floor(dateparser_one(text, langs, settings)) == expect

    english_lines = [json.dumps({"text": t, "now": NOW, "tz": "Asia/Kolkata", "lang": "en"})
                     for t in ENGLISH_COMMON]

    def english_pass() -> int:
        convert_lines(english_lines, default_now)
        return len(english_lines)

    project_rate, dp_rate = _interleaved_rates(project_pass, baseline_slice, args.seconds,
                                               lambda: cursor[0] == 0)
    english_rate, _ = _rate(english_pass, args.seconds)

    n = len(cases)
    print(f"corpus: {n} strings ({sum(c.expect is None for c in cases)} non-times)")
    print(f"crawler timestamps : {project_rate:10.0f} strings/s  accuracy {project_ok}/{n}")
    print(f"dateparser.parse   : {dp_rate:10.0f} strings/s  accuracy {dp_ok}/{n}")
    print(f"common English forms through the command path: {english_rate:.0f} strings/s")
    print(
        "bench timestamps "
        f"strings={n} project_per_s={project_rate:.0f} dateparser_per_s={dp_rate:.0f} "
        f"english_per_s={english_rate:.0f} project_accuracy={project_ok / n:.3f} "
        f"dateparser_accuracy={dp_ok / n:.3f} ratio={project_rate / dp_rate:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
