"""`crawler crawl` builds no record for a message below LOG_LEVEL, and shows every message at
LOG_LEVEL=DEBUG, in its output and in LOG_FILE."""

from __future__ import annotations

import subprocess
import sys

from tests.support.crawl import ROOT

# `crawler crawl` as the console script runs it, counting the "Crawled (200) ..." records made
# (Scrapy's per-response DEBUG line) through the record factory; the count is the last line on
# stdout.
COUNTING = """
import atexit, logging, sys
made = [0]
factory = logging.getLogRecordFactory()
def counting(*args, **kwargs):
    record = factory(*args, **kwargs)
    if str(record.msg).startswith("Crawled ("):
        made[0] += 1
    return record
logging.setLogRecordFactory(counting)
atexit.register(lambda: print("records", made[0], flush=True))
from crawler.cli import main
sys.exit(main())
"""


def _crawl(server, env, level, tmp_path):
    log_file = tmp_path / f"{level}.log"
    proc = subprocess.run(
        [sys.executable, "-c", COUNTING, "crawl", "daily8", "-a", f"start_url={server.url('/')}",
         "-a", "max_depth=1", "-s", f"LOG_LEVEL={level}", "-s", f"LOG_FILE={log_file}"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = int(proc.stdout.strip().splitlines()[-1].split()[1])
    return records, log_file.read_text(encoding="utf-8")


def test_debug_lines_not_built_at_info_and_shown_at_debug(demo_server, crawl_env, tmp_path):
    records, log = _crawl(demo_server, crawl_env, "INFO", tmp_path)
    assert records == 0
    assert "Crawled (200)" not in log
    assert "Spider opened" in log and "Dumping Scrapy stats" in log

    records, log = _crawl(demo_server, crawl_env, "DEBUG", tmp_path)
    fetched = log.count("Crawled (200)")
    assert fetched > 1 and records >= fetched
    assert "Scraped from <200" in log and "Spider opened" in log
