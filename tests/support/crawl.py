"""Running the `crawler` command as a user would: a subprocess from the project root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CRAWLER = [sys.executable, "-m", "crawler.cli"]


def run_crawler(args: list[str], env: dict, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CRAWLER, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
