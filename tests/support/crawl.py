"""Running the `crawler` command as a user would: a subprocess from the project root."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from crawler.processes import pid_alive

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CRAWLER = [sys.executable, "-m", "crawler.cli"]


def run_crawler(args: list[str], env: dict, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CRAWLER, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def start_crawler(args: list[str], env: dict) -> subprocess.Popen:
    """The `crawler` command started in the background, its output discarded (a test that
    kills it reads what it left behind instead)."""
    return subprocess.Popen([*CRAWLER, *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_fetches(proc: subprocess.Popen, server, count: int, timeout: float = 90) -> None:
    """Until `server` has answered `count` requests; the crawl must still be running."""
    deadline = time.monotonic() + timeout
    while len(server.fetched_paths()) < count:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc), children first."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def alive(pids: list[int]) -> list[int]:
    """Those of `pids` still running (a zombie has ended)."""
    return [pid for pid in pids if pid_alive(pid)]
