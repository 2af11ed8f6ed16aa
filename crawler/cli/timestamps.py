"""`crawler timestamps`: the normaliser as a command, for tools that are not Python.

JSON Lines in (``{"text", "now", "tz", "lang"}``), one ``{"utc", "error"}`` line out per input
line, in order. Input is read in chunks as it arrives and each chunk's answers are written and
flushed before the next read blocks: a pipeline gets one flush per chunk (fast), a co-process that
writes one line and waits gets its answer (no deadlock). A bad line gets an error line; the run
goes on. ``crawler timestamps TEXT --now ...`` does one text and prints the same JSON shape.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import BinaryIO, TextIO

from crawler.timestamps import parse_with_reason

NAME = "timestamps"
HELP = "normalise publication-time texts to UTC (JSON Lines on stdin, or one TEXT)"

_CHUNK = 1 << 16
_NULL_LINE = '{"utc": null, "error": %s}'


def register(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments to its (already created) subparser."""
    parser.add_argument("text", nargs="?", help="one time text; omit to read JSON Lines on stdin")
    parser.add_argument("--now", help="ISO-8601 clock relative times count back from "
                        "(default: the current clock); per-line \"now\" wins")
    parser.add_argument("--tz", help="IANA zone of the page (default for lines without \"tz\")")
    parser.add_argument("--lang", help="ISO 639-1 language of the page")


@lru_cache(maxsize=64)
def _parse_now(value: str) -> datetime:
    now = datetime.fromisoformat(value.strip())
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


def _utc_text(d: datetime) -> str:
    d = d.astimezone(UTC)
    return (f"{d.year:04d}-{d.month:02d}-{d.day:02d}T"
            f"{d.hour:02d}:{d.minute:02d}:{d.second:02d}Z")


def answer(text: object, now: datetime, tz: str | None, lang: str | None) -> str:
    """One output line (without newline) for one text."""
    if text is not None and not isinstance(text, str):
        return _NULL_LINE % '"text must be a string or null"'
    found, reason = parse_with_reason(text, now, tz, lang)
    if found is None:
        return _NULL_LINE % json.dumps(reason)
    return f'{{"utc": "{_utc_text(found.utc)}", "error": null}}'


def convert_line(line: str, now: datetime, tz: str | None, lang: str | None) -> str:
    """One JSON Lines input line -> one output line; defaults fill absent fields."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return _NULL_LINE % json.dumps(f"malformed JSON: {exc.msg}")
    if not isinstance(obj, dict):
        return _NULL_LINE % '"each line must be a JSON object"'
    line_now = obj.get("now")
    if line_now is not None:
        if not isinstance(line_now, str):
            return _NULL_LINE % '"now must be an ISO-8601 string"'
        try:
            now = _parse_now(line_now)
        except ValueError:
            return _NULL_LINE % json.dumps(f"bad now: {line_now[:60]!r}")
    line_tz = obj.get("tz", tz)
    line_lang = obj.get("lang", lang)
    if line_tz is not None and not isinstance(line_tz, str):
        return _NULL_LINE % '"tz must be a string or null"'
    if line_lang is not None and not isinstance(line_lang, str):
        return _NULL_LINE % '"lang must be a string or null"'
    return answer(obj.get("text"), now, line_tz or None, line_lang or None)


def convert_lines(
    lines: Iterable[str], now: datetime, tz: str | None = None, lang: str | None = None
) -> list[str]:
    """The batch path: many input lines -> their output lines (the benchmark measures this)."""
    out = []
    for line in lines:
        if not line.strip():
            out.append(_NULL_LINE % '"empty line"')
        else:
            out.append(convert_line(line, now, tz, lang))
    return out


def stream(src: BinaryIO, dst: TextIO, now: datetime, tz: str | None, lang: str | None) -> None:
    """Answer lines as they arrive: read what is available, answer it, flush, repeat."""
    fd = src.fileno() if hasattr(src, "fileno") else None
    pending = b""
    while True:
        chunk = os.read(fd, _CHUNK) if fd is not None else src.read(_CHUNK)
        if not chunk:
            break
        pending += chunk
        *complete, pending = pending.split(b"\n")
        if complete:
            texts = [c.decode("utf-8", "replace") for c in complete]
            dst.write("\n".join(convert_lines(texts, now, tz, lang)) + "\n")
            dst.flush()
    if pending.strip():
        dst.write(convert_lines([pending.decode("utf-8", "replace")], now, tz, lang)[0] + "\n")
    dst.flush()


def run(args: argparse.Namespace) -> int:
    """Exit 0 unless the arguments themselves are bad (2)."""
    try:
        now = _parse_now(args.now) if args.now else datetime.now(UTC)
    except ValueError:
        print(f"crawler timestamps: --now is not ISO-8601: {args.now!r}", file=sys.stderr)
        return 2
    if args.tz:
        # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
        from crawler.timestamps.zones import zone

        try:
            zone(args.tz)
        except KeyError:
            print(f"crawler timestamps: unknown --tz zone: {args.tz!r}", file=sys.stderr)
            return 2
    if args.text is not None:
        sys.stdout.write(answer(args.text, now, args.tz, args.lang) + "\n")
        sys.stdout.flush()
        return 0
    try:
        src = sys.stdin.buffer
        src.fileno()
    except (AttributeError, OSError, ValueError):  # e.g. a StringIO stdin under test
        for line in sys.stdin:
            sys.stdout.write(convert_lines([line], now, args.tz, args.lang)[0] + "\n")
        sys.stdout.flush()
        return 0
    stream(src, sys.stdout, now, args.tz, args.lang)
    return 0
