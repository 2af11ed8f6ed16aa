"""`crawler extract --render` in real headless Chromium: local files, URLs, refused downloads,
and a clear error per input when there is no browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.render.sample_site import SampleServer
from tests.support.render_site import RENDER_FIXTURES as FIXTURES
from tests.support.render_site import fixture_routes

ROOT = Path(__file__).resolve().parents[2]


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


def test_render_reads_an_undeclared_utf8_file_as_utf8(tmp_path):
    """A saved page with no charset declaration is UTF-8 to `extract` with or without --render
    (a browser alone would guess windows-1252 and turn Devanagari into mojibake)."""
    headline = "नदी पर नई फेरी सेवा अगले महीने से शुरू होगी"
    body = "".join(f"<p>पैराग्राफ {i}: नगर परिषद ने फेरी के समय में बदलाव किया है और निवासियों ने "
                   f"सुबह की सेवाओं पर चिंता जताई है।</p>" for i in range(4))
    page = tmp_path / "undeclared.html"
    page.write_bytes(f"<html><head><title>{headline}</title></head><body><article><h1>{headline}"
                     f"</h1>{body}</article></body></html>".encode())
    code, (plain,), err = extract(str(page))
    assert code == 0, err[-2000:]
    code, (rendered,), err = extract("--render", str(page))
    assert code == 0, err[-2000:]
    assert plain["lead"]["headline"] == rendered["lead"]["headline"] == headline
