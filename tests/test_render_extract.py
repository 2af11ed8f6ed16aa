"""`crawler extract --render` in real headless Chromium: local files, URLs, refused downloads,
and a clear error per input when there is no browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.render.sample_site import SampleServer
from tests.test_render_crawl import FIXTURES, fixture_routes

ROOT = Path(__file__).resolve().parent.parent


def extract(*args: str, env: dict | None = None) -> tuple[int, list[dict], str]:
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "extract", *args], cwd=ROOT,
                          env=env or dict(os.environ), capture_output=True, text=True, timeout=120)
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()], proc.stderr


def test_render_local_files_and_urls_in_order():
    with SampleServer(fixture_routes()) as site:
        code, out, err = extract(
            "--render", "--url", "http://wire.example/s/1",
            str(FIXTURES / "shell.html"), site.url("/injected.html"), site.url("/report.pdf"),
            str(FIXTURES / "missing.html"))
    assert code == 1, err[-2000:]  # the refused download and the missing file are errors
    shell, injected, download, missing = out
    # A local file is served on 127.0.0.1 from its folder, so its script and JSON load.
    assert shell["lead"]["headline"].startswith("Harbour city opens floating solar farm")
    assert [r["url"] for r in shell["related"]][0] == "http://wire.example/story/tidal-turbines-seaweed"
    assert len(injected["related"]) == 5
    # The browser accepts no downloads: an attachment is an error, never a file.
    assert "error" in download and download["file"].endswith("/report.pdf")
    assert "render failed" in download["error"] and "accept_downloads" in download["error"]
    assert missing["error"].startswith("cannot read")


def test_render_without_a_browser_says_so_for_each_input():
    env = {**os.environ, "CRAWLER_CHROMIUM": "/nonexistent"}
    code, out, _err = extract("--render", str(FIXTURES / "shell.html"),
                              str(FIXTURES / "static.html"), env=env)
    assert code == 1
    assert len(out) == 2
    for obj in out:
        assert "no browser at /nonexistent" in obj["error"] and "CRAWLER_CHROMIUM" in obj["error"]
