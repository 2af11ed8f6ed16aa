"""`crawler extract`: read pages from files or URLs, print one JSON object per input (JSON Lines).

    crawler extract [--url URL] [--fetched-at ISO8601] [--tz ZONE] [--render] FILE|URL ...

Inputs are processed in order; each yields exactly one line, either
{"file", "lead", "related"} or {"file", "error"}, and the run goes on after a bad input, so a
caller can zip its inputs with our output lines. Exit status: 0 when every input was read, 1 when
at least one input produced an error object (cron and shell scripts can notice), 2 for bad
arguments (argparse's convention).

--render renders every input in headless Chromium first, the way a crawl renders a page that
needs JavaScript (crawler.render.oneshot): one browser for the whole call; a local file is
served from its own directory on 127.0.0.1 for the duration of the call.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.extract.parse import decode

NAME = "extract"
HELP = "Split pages (files, .html.gz or URLs) into lead story and related teasers, as JSON Lines."
FETCH_TIMEOUT = 20.0
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "news-aggregator-crawler/0.1 (+extract)"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="FILE|URL",
                        help=".html or .html.gz files, or http(s) URLs fetched with a plain GET")
    parser.add_argument("--url", help="the page's own URL for files (resolves links, picks a profile)")
    parser.add_argument("--fetched-at", type=_iso_time, default=None,
                        help="when the page was fetched, ISO 8601 (relative times count from it)")
    parser.add_argument("--tz", type=_zone, default=None,
                        help="IANA zone the page writes times in (default: the profile's, else UTC)")
    parser.add_argument("--render", action="store_true",
                        help="render in headless Chromium first, as a crawl does for pages that "
                             "need JavaScript (local files are served on 127.0.0.1 for the call)")


def _iso_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"unknown IANA zone: {text!r}") from None
    return text


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _fetch(url: str) -> tuple[str, str]:
    """GET a page; returns (decoded html, final url)."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"})
    with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT) as resp:  # noqa: S310 (http/https only)
        body = resp.read(MAX_BYTES + 1)[:MAX_BYTES]
        if resp.headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        return decode(body, resp.headers.get("Content-Type")), resp.geturl()


def _read_file(name: str) -> str:
    data = Path(name).read_bytes()
    if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return decode(data)


def _profile_for(url: str | None):
    if not url:
        return None
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.sites import profile_for_url

    return profile_for_url(url)


def extract_one(item: str, args: argparse.Namespace, rendered=None) -> dict:
    """One input -> one output object; never raises. `rendered` is the input's render result
    (crawler.render.oneshot.Rendered) when --render was given."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.extract import extract
    from crawler.extract.model import lead_to_json, teaser_to_json

    try:
        if rendered is not None:
            if rendered.error:
                return {"file": item, "error": rendered.error}
            html = rendered.html
            page_url = args.url or (rendered.url if _is_url(item) else None)
        elif _is_url(item):
            html, final_url = _fetch(item)
            page_url = args.url or final_url
        else:
            html, page_url = _read_file(item), args.url
    except (OSError, EOFError, gzip.BadGzipFile, urllib.error.URLError, ValueError) as exc:
        return {"file": item, "error": f"cannot read: {exc}"}
    try:
        profile = _profile_for(page_url)
    except Exception as exc:  # a broken profile is reported, the input still processed
        return {"file": item, "error": f"site profile: {exc}"}
    result = extract(html, url=page_url, fetched_at=args.fetched_at, tz=args.tz, profile=profile)
    if result.lead is None and "empty_document" in result.problems:
        return {"file": item, "error": "not an HTML document: " + ", ".join(result.problems)}
    out = {"file": item, "lead": lead_to_json(result.lead),
           "related": [teaser_to_json(t) for t in result.related]}
    if result.lead is None:
        out["problems"] = result.problems
    return out


def _render_all(items: list[str]) -> list:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.render.oneshot import render_inputs

    def profile_for(url: str):
        try:
            return _profile_for(url)
        except Exception:  # a broken profile is reported by extract_one; render generically
            return None

    return render_inputs(items, profile_for)


def run(args: argparse.Namespace) -> int:
    failed = False
    rendered = _render_all(args.inputs) if args.render else [None] * len(args.inputs)
    for item, page in zip(args.inputs, rendered, strict=True):
        obj = extract_one(item, args, page)
        failed = failed or "error" in obj
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if failed else 0
