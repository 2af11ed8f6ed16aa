"""Contract, robustness and command tests for crawler.timestamps (the corpus is separate)."""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler import cli
from crawler.timestamps import MAX_SKEW, ParsedTime, parse, parse_with_reason

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 6, 16, 12, 0, tzinfo=UTC)


def test_public_contract():
    assert MAX_SKEW == timedelta(minutes=5)
    found = parse("8 hours ago", NOW)
    assert isinstance(found, ParsedTime)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.utc = NOW  # type: ignore[misc]
    assert found == ParsedTime(datetime(2025, 6, 16, 4, 0, tzinfo=UTC), "hour", "8 hours ago")
    assert parse(None, NOW) is None
    assert parse_with_reason(None, NOW) == (None, "empty")


def test_naive_now_is_utc_and_aware_now_any_zone():
    from zoneinfo import ZoneInfo

    naive = datetime(2025, 6, 16, 12, 0)
    kolkata = datetime(2025, 6, 16, 17, 30, tzinfo=ZoneInfo("Asia/Kolkata"))
    expected = datetime(2025, 6, 16, 11, 18, tzinfo=UTC)
    assert parse("42 minutes ago", naive).utc == expected
    assert parse("42 minutes ago", kolkata).utc == expected


def test_skew_boundary():
    assert parse("2025-06-16T12:05:00Z", NOW).utc == datetime(2025, 6, 16, 12, 5, tzinfo=UTC)
    assert parse_with_reason("2025-06-16T12:05:01Z", NOW) == (None, "in the future")


def test_unknown_zone_is_a_reason_not_an_exception():
    found, reason = parse_with_reason("8 hours ago", NOW, tz="Mars/Olympus_Mons")
    assert found is None and "unknown time zone" in reason


def test_raw_text_is_kept_exactly():
    raw = "  First Post\u00a0·\u200b 8 hours ago \n"
    assert parse(raw, NOW).raw == raw


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02 8 hours ago \x7f",
        "\ud800\udfff",
        "8 hours ago\ud83d",
        "\u200b" * 500,
        "9" * 10_000,
        "x" * 10_000,
        "8 hours ago " * 1000,
        "::::////----....",
        "\U0001F525" * 50,
        "12:99",
        "99/99/9999",
        "0000-00-00T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "1e400",
        "Jun 31, 2025",
        "99999999999999999999999 hours ago",
    ],
)
def test_never_raises_on_odd_text(text):
    found, reason = parse_with_reason(text, NOW, "Asia/Kolkata", "en")
    assert (found is None) != (reason is None)


def test_huge_text_is_scanned_for_iso_only():
    text = "lorem ipsum " * 800 + " 2025-06-16T09:12:00Z " + "dolor " * 100
    assert parse(text, NOW).utc == datetime(2025, 6, 16, 9, 12, tzinfo=UTC)
    assert parse_with_reason("8 hours ago " + "a" * 400, NOW) == (None, "too long to be a time")


def test_random_strings_never_raise():
    rng = random.Random(1234)
    alphabet = "0123456789 :/.-+,hmsdwyagoAPMISTZT年月日前時间전의ago hace vor منذ \u00a0\u200b"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        found, reason = parse_with_reason(text, NOW, rng.choice([None, "Asia/Kolkata"]),
                                          rng.choice([None, "en", "zh", "ar"]))
        assert (found is None) != (reason is None)
        if found is not None:
            assert found.utc <= NOW + MAX_SKEW


def test_fast_path_does_not_import_dateparser():
    code = (
        "import sys; from datetime import datetime, timezone;"
        "from crawler.timestamps import parse;"
        "now = datetime(2025, 6, 16, 12, tzinfo=timezone.utc);"
        "assert parse('time42 minutes ago', now) and parse('Top 10 stories', now) is None;"
        "assert parse('Jun 16, 2025 09:12 AM IST', now);"
        "print('dateparser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_indian_languages_stay_in_the_fast_path():
    # Every corpus case in the Indian languages is read without importing dateparser.
    code = (
        "import sys;"
        "from crawler.timestamps import parse_with_reason;"
        "from crawler.timestamps.corpus import load_cases;"
        "langs = {'ta', 'bn', 'mr', 'te', 'kn', 'ml', 'gu', 'pa', 'ur'};"
        "cases = [c for c in load_cases() if c.lang in langs];"
        "assert len(cases) > 150, len(cases);"
        "got = [parse_with_reason(c.text, c.now, c.tz, c.lang)[0] for c in cases];"
        "bad = [c.text for c, g in zip(cases, got) if (g.utc if g else None) != c.expect];"
        "assert not bad, bad;"
        "print('dateparser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_long_tail_goes_to_dateparser():
    # Dutch is not in the fast path's tables; dateparser reads it with the page's hints.
    found = parse("16 juni 2025", NOW, "Europe/Amsterdam", "nl")
    assert found is not None
    assert found.utc == datetime(2025, 6, 15, 22, 0, tzinfo=UTC)


# --- the command ---------------------------------------------------------------------------

def _run_cli(argv, stdin_text, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    status = cli.main(argv)
    return status, capsys.readouterr()


def test_command_single_text(capsys):
    status = cli.main(["timestamps", "time42 minutes ago", "--now", "2025-06-16T12:00:00+00:00"])
    out = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert json.loads(out[0]) == {"utc": "2025-06-16T11:18:00Z", "error": None}


def test_command_single_text_with_zone_and_lang(capsys):
    status = cli.main(["timestamps", "ayer a las 17:30", "--now", "2025-06-16T12:00:00Z",
                       "--tz", "Europe/Madrid", "--lang", "es"])
    assert status == 0
    assert json.loads(capsys.readouterr().out) == {"utc": "2025-06-15T15:30:00Z", "error": None}


def test_command_bad_arguments(capsys):
    assert cli.main(["timestamps", "x", "--now", "yesterday-ish"]) == 2
    assert cli.main(["timestamps", "x", "--tz", "Nowhere/Land"]) == 2


def test_command_json_lines(monkeypatch, capsys):
    lines = [
        {"text": "8 hours ago", "now": "2025-06-16T12:00:00+00:00", "tz": None, "lang": None},
        "this is not json",
        {"text": "Updated: Jun 16, 2025 09:12 AM IST", "now": "2025-06-16T12:00:00Z",
         "tz": "Asia/Kolkata", "lang": "en"},
        {"text": "Top 10 stories", "now": "2025-06-16T12:00:00Z", "tz": None, "lang": None},
        {"text": 42, "now": "2025-06-16T12:00:00Z"},
        {"text": "8 hours ago", "now": "not a date"},
        {"text": "8 hours ago", "now": "2025-06-16T12:00:00Z", "tz": "Nowhere/Land"},
        [1, 2],
        {"text": "hace 8 horas", "now": "2025-06-16T14:00:00+02:00", "tz": "Europe/Madrid",
         "lang": "es"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    status, captured = _run_cli(["timestamps"], stdin, monkeypatch, capsys)
    assert status == 0
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert len(out) == len(lines)
    assert out[0] == {"utc": "2025-06-16T04:00:00Z", "error": None}
    assert out[1]["utc"] is None and "malformed JSON" in out[1]["error"]
    assert out[2] == {"utc": "2025-06-16T03:42:00Z", "error": None}
    assert out[3] == {"utc": None, "error": "not a time: a count"}
    assert out[4]["utc"] is None and "string" in out[4]["error"]
    assert out[5]["utc"] is None and "now" in out[5]["error"]
    assert out[6]["utc"] is None and "zone" in out[6]["error"]
    assert out[7]["utc"] is None and out[7]["error"]
    assert out[8] == {"utc": "2025-06-16T04:00:00Z", "error": None}


def test_command_defaults_apply_to_lines_without_fields(monkeypatch, capsys):
    stdin = json.dumps({"text": "yesterday"}) + "\n"
    status, captured = _run_cli(
        ["timestamps", "--now", "2025-06-16T12:00:00Z", "--tz", "Asia/Kolkata"], stdin,
        monkeypatch, capsys)
    assert status == 0
    assert json.loads(captured.out) == {"utc": "2025-06-14T18:30:00Z", "error": None}


def test_command_streams_before_stdin_closes():
    """A co-process writes one line and gets its answer while stdin is still open."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from crawler.cli import main; sys.exit(main())",
         "timestamps"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        for text, expected in (("8 hours ago", "2025-06-16T04:00:00Z"),
                               ("an hour ago", "2025-06-16T11:00:00Z")):
            line = json.dumps({"text": text, "now": "2025-06-16T12:00:00Z"})
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline()) == {"utc": expected, "error": None}
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
