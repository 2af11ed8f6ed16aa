"""Hostile and broken pages against a real crawl process: each gets a clear message, the crawl
goes on, and the run says it was partial.

One crawl (a real `crawler crawl daily8` subprocess writing to FerretDB) visits every hostile
route of a FaultServer on 127.0.0.1 plus a good page; each test checks one input's outcome.
"""

from __future__ import annotations

import os
import re
import uuid
from types import SimpleNamespace

import pytest
from pymongo import MongoClient

from tests.support.crawl import run_crawler
from tests.support.fault_server import (
    FaultServer,
    hang,
    page,
    redirect,
    send,
    status,
    streamed,
    truncated,
)
from tests.support.hostile_pages import article, nested

MB = 1024 * 1024
GOOD = article("Ferry timetable change approved for Harbourside").encode()
CP1252_TITLE = "Café owners in Zürich protest rent rises"
SJIS_TITLE = "東京で新しい駅が開業"
LIAR_TITLE = "Crème brûlée festival returns to Lyon"


def _chain(handler) -> None:
    """/chain.html?n=N redirects to n=N+1 forever: only REDIRECT_MAX_TIMES stops it."""
    n = int(handler.path.split("=")[-1]) + 1 if "=" in handler.path else 1
    send(handler, b"", status=302, headers={"Location": f"/chain.html?n={n}"})


ROUTES = {
    "/good.html": page(GOOD),
    "/trunc-html.html": page(GOOD[: len(GOOD) * 2 // 3]),
    "/trunc-wire.html": truncated(GOOD[:600], len(GOOD)),
    "/huge-streamed.html": streamed(50 * MB),
    "/huge-declared.html": streamed(50 * MB, declare=True),
    "/binary.html": page(os.urandom(30_000)),
    "/cp1252.html": page(article(CP1252_TITLE, charset=None).encode("cp1252"), ctype="text/html"),
    "/sjis.html": page(article(SJIS_TITLE, charset=None).encode("shift_jis"),
                       ctype="text/html; charset=Shift_JIS"),
    "/liar.html": page(article(LIAR_TITLE, charset="utf-8").encode("cp1252"), ctype="text/html"),
    "/deep.html": page(article("Deep page keeps its story", extra_body=nested(10_000)).encode()),
    "/control.html": page(article("Stray control character beside a script", extra_body=(
        "<div>Share\x1f<script>track()</script> this &#31;<style>p{}</style>.</div>")).encode()),
    "/e500.html": status(500),
    "/e503.html": status(503),
    "/hang.html": hang,
    "/loop-a.html": redirect("/loop-b.html"),
    "/loop-b.html": redirect("/loop-a.html"),
    "/chain.html": _chain,
    "/private/secret.html": page(GOOD),
}
START = [p for p in ROUTES if p != "/loop-b.html"]  # loop-b is reached only by the redirect


@pytest.fixture(scope="module")
def hostile(mongo_uri, tmp_path_factory):
    db_name = f"test_{uuid.uuid4().hex[:12]}"
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
               CRAWLER_DATA_DIR=str(tmp_path_factory.mktemp("hostile") / "data"))
    client = MongoClient(mongo_uri, tz_aware=True)
    with FaultServer(ROUTES, robots="User-agent: *\nDisallow: /private/\n") as server:
        urls = ",".join(server.url(p) for p in START)
        proc = run_crawler(["crawl", "daily8", "-a", f"start_url={urls}", "-a", "max_depth=0",
                            "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1"], env, timeout=120)
        db = client[db_name]
        yield SimpleNamespace(proc=proc, log=proc.stderr + proc.stdout, server=server, db=db,
                              run=db.runs.find_one())
    client.drop_database(db_name)
    client.close()


def _page(hostile, path):
    return hostile.db.pages.find_one({"url": hostile.server.url(path)})


def _headline(hostile, path):
    doc = hostile.db.articles.find_one({"url": hostile.server.url(path)})
    return doc and doc.get("headline")


def _failed_line(hostile, path) -> str:
    url = re.escape(hostile.server.url(path))
    match = re.search(rf"page failed: {url}\S*: (.+)", hostile.log)
    assert match, f"no failure reported for {path}:\n{hostile.log[-3000:]}"
    return match.group(1)


def test_the_good_page_is_stored_and_the_run_is_partial_not_failed(hostile):
    assert _headline(hostile, "/good.html") == "Ferry timetable change approved for Harbourside"
    assert hostile.proc.returncode == 1  # partial: cron hears about it
    assert hostile.run["status"] == "partial"
    assert hostile.run["counts"]["pages_failed"] == 9  # wire-truncated, 2 huge, binary, 500, 503, hang, 2 loops
    assert "Traceback" not in hostile.log


def test_truncated_html_keeps_what_arrived(hostile):
    assert _headline(hostile, "/trunc-html.html") == "Ferry timetable change approved for Harbourside"


def test_body_cut_short_on_the_wire_is_retried_then_reported(hostile):
    assert "closed the connection before the whole body arrived" in _failed_line(hostile, "/trunc-wire.html")
    assert hostile.server.hits("/trunc-wire.html") == 2
    assert hostile.run["errors"]["truncated"] == 1


def test_50mb_pages_are_cut_at_download_maxsize(hostile):
    for path in ("/huge-streamed.html", "/huge-declared.html"):
        assert "larger than DOWNLOAD_MAXSIZE (16777216 bytes)" in _failed_line(hostile, path)
    assert hostile.run["errors"]["too_large"] == 2
    # The streamed one was read only until the limit, not to its 50 MB end.
    assert max(hostile.server.streamed_bytes) < 30 * MB


def test_binary_data_served_as_html_is_reported_not_parsed(hostile):
    assert "binary data served as text/html" in _failed_line(hostile, "/binary.html")
    assert _page(hostile, "/binary.html")["problems"] == ["binary_body"]
    assert hostile.db.articles.count_documents({"url": hostile.server.url("/binary.html")}) == 0


def test_windows_1252_without_any_charset_is_read_right(hostile):
    assert _headline(hostile, "/cp1252.html") == CP1252_TITLE
    assert "charset_missing: read as cp1252" in _page(hostile, "/cp1252.html")["problems"]


def test_shift_jis_declared_in_the_header_is_read_right(hostile):
    assert _headline(hostile, "/sjis.html") == SJIS_TITLE


def test_a_page_lying_in_its_meta_tag_is_read_right_and_noted(hostile):
    assert _headline(hostile, "/liar.html") == LIAR_TITLE
    problems = _page(hostile, "/liar.html")["problems"]
    assert "charset_mismatch: declared utf-8, read as cp1252" in problems
    assert "charset_mismatch: declared utf-8, read as cp1252" in hostile.log


def test_a_dom_nested_10000_deep_does_not_stop_the_page(hostile):
    assert _headline(hostile, "/deep.html") == "Deep page keeps its story"


def test_a_stray_control_character_beside_a_script_does_not_lose_the_page(hostile):
    assert _headline(hostile, "/control.html") == "Stray control character beside a script"


@pytest.mark.parametrize("code", [500, 503])
def test_server_errors_are_retried_then_reported(hostile, code):
    path = f"/e{code}.html"
    assert _failed_line(hostile, path) == f"HTTP {code} from the server (after 1 retry)"
    assert hostile.server.hits(path) == 2
    assert hostile.run["errors"][f"http_{code}"] == 1


def test_a_server_that_never_answers_times_out(hostile):
    assert _failed_line(hostile, "/hang.html") == (
        "no complete answer within DOWNLOAD_TIMEOUT=2s (after 1 retry)")
    assert hostile.run["errors"]["timeout"] == 1


def test_redirect_loops_are_reported(hostile):
    assert _failed_line(hostile, "/loop-b.html").startswith("redirect loop: ")
    assert "REDIRECT_MAX_TIMES=10" in _failed_line(hostile, "/chain.html")
    assert hostile.server.hits("/chain.html") == 11
    assert hostile.run["errors"]["redirect_loop"] == 2


def test_robots_txt_disallow_is_obeyed_and_said(hostile):
    assert hostile.server.hits("/private/secret.html") == 0
    assert "disallowed by the site's robots.txt" in hostile.log
    assert hostile.run["policy"]["robots"] == 1
