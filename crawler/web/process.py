"""`crawler web` as a child process, for the tests, the benchmark and the screenshot script:
started on a free port of 127.0.0.1, the address read from its own start-up line, stopped at
the end."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVING = re.compile(r"serving on (http://\S+?:\d+)/")


class WebServer:
    def __init__(self, env: dict, *args: str, timeout: float = 180):
        self.env, self.args, self.timeout = env, args, timeout
        self.proc: subprocess.Popen | None = None
        self.base_url = ""
        self.output: list[str] = []

    def __enter__(self) -> WebServer:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "web", "--port", "0", *self.args],
            env=self.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + self.timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = SERVING.search(line)
            if m:
                self.base_url = m.group(1)
                return self
        self.proc.kill()
        raise AssertionError("crawler web did not start:\n" + "".join(self.output))

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def url(self, path: str) -> str:
        return self.base_url + path


def http(url: str, method: str = "GET", headers: dict | None = None,
         data: bytes | None = None) -> tuple[int, dict, str]:
    """(status, headers, body) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, _lower(resp.headers), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, _lower(err.headers), err.read().decode("utf-8", "replace")


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
