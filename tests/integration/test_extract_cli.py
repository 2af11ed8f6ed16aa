"""`crawler extract` per design.md: JSON Lines, one object per input in order, errors inline."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.cli import main
from tests.support.crawl import FIXTURES

LAYOUTS = FIXTURES / "layouts"
LEAD_KEYS = {"headline", "body", "authors", "published_at", "published_raw", "source", "image", "lang"}
TEASER_KEYS = {"headline", "url", "source", "published_at", "published_raw", "summary"}


def lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_many_files_in_order_with_errors_inline(tmp_path, capsys):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((LAYOUTS / "agg08_spanish.html").read_bytes()))
    bad = tmp_path / "broken.html.gz"
    bad.write_bytes(b"\x1f\x8bnot really gzip")
    status = main(["extract", "--url", "https://resumendiario.example/nota/x",
                   "--fetched-at", "2025-06-15T12:00:00Z", "--tz", "Europe/Madrid",
                   str(LAYOUTS / "agg01_semantic.html"), str(tmp_path / "missing.html"), str(gz), str(bad)])
    out = lines(capsys)
    assert [o["file"] for o in out] == [str(LAYOUTS / "agg01_semantic.html"), str(tmp_path / "missing.html"),
                                        str(gz), str(bad)]
    assert status == 1  # documented: non-zero when any input failed
    assert set(out[0]) == {"file", "lead", "related"}
    assert set(out[0]["lead"]) == LEAD_KEYS
    assert all(set(t) == TEASER_KEYS for t in out[0]["related"])
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["lead"]["headline"].startswith("El puerto amplía")
    assert out[2]["lead"]["published_at"] == "2025-06-15T09:00:00Z"


def test_render_flag_without_a_browser_gives_error_per_input():
    # --render itself is tested in tests/test_render_extract.py (a subprocess: Scrapy's reactor
    # must not start inside pytest); here, the contract's shape when no browser is available.
    import os
    import subprocess
    import sys

    env = {**os.environ, "CRAWLER_CHROMIUM": "/nonexistent"}
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "extract", "--render",
                           str(LAYOUTS / "agg01_semantic.html"), str(LAYOUTS / "agg02_hashed.html")],
                          env=env, capture_output=True, text=True, timeout=60)
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1
    assert len(out) == 2 and all("no browser at /nonexistent" in o["error"] for o in out)


def test_bad_arguments_exit_2():
    with pytest.raises(SystemExit) as exc:
        main(["extract", "--fetched-at", "yesterday-ish", "x.html"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["extract", "--tz", "Mars/Base", "x.html"])


@pytest.fixture
def server():
    page = (LAYOUTS / "agg09_table_glued.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path.startswith("/page"):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=windows-1252")
                self.end_headers()
                self.wfile.write(page)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_inputs_are_fetched(server, capsys):
    status = main(["extract", "--fetched-at", "2025-06-15T12:00:00+00:00", f"{server}/page", f"{server}/gone"])
    out = lines(capsys)
    assert out[0]["lead"]["source"] == "Hindustan Herald"
    assert out[0]["related"][0]["url"] == f"{server}/go/power-demand-hits-record"
    assert "error" in out[1] and status == 1
