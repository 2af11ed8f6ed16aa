"""The database hangs in the middle of a crawl (FerretDB stopped with SIGSTOP: its port still
accepts connections, nothing answers) and wakes up again (SIGCONT): the crawl does not hang with
it, and every item is stored exactly once."""

from __future__ import annotations

import os
import re
import select
import time

from pymongo import MongoClient

from tests.integration.test_faults_outage import (  # noqa: F401
    SECRET,
    _env,
    _on_disk,
    _start_crawl,
    _stats,
    _wait_pages,
    own_db,
    slow_demo,
)
from tests.support.fault_checks import check_stored_exactly_once
from tests.support.fault_table import record


def test_database_hung_mid_crawl_then_back_loses_nothing(demo_site, slow_demo, own_db, tmp_path):  # noqa: F811
    env = _env(tmp_path, own_db.port)
    proc = _start_crawl(slow_demo, env)
    try:
        _wait_pages(slow_demo, proc, 10)
        own_db.pause()
        # Keep it hung until the crawl has noticed (it says so), or for at most 30 s.
        deadline = time.monotonic() + 30
        seen = ""
        while "database unreachable" not in seen and time.monotonic() < deadline:
            if select.select([proc.stderr], [], [], 0.1)[0]:
                chunk = os.read(proc.stderr.fileno(), 65536)
                if not chunk:
                    break  # the crawl ended
                seen += chunk.decode(errors="replace")
        noticed = "database unreachable" in seen
        own_db.resume()
        out, err = proc.communicate(timeout=180)
        err = seen + err
    finally:
        if proc.poll() is None:
            own_db.resume()
            proc.kill()
            proc.wait()
    stats = _stats(err)
    assert noticed, err[-3000:]
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err and SECRET not in out + err
    assert stats["store/outages"] >= 1 and stats["store/unstored"] == 0
    assert len(slow_demo.fetched_paths()) >= len(demo_site.expected)  # the crawl went on
    db = MongoClient(own_db.uri, tz_aware=True)["outage"]
    numbers = check_stored_exactly_once(db, demo_site, slow_demo)
    assert numbers == {"lost": 0, "twice": 0}
    assert _on_disk(tmp_path) == []
    assert db.runs.find_one()["status"] == "ok"
    line = next(x for x in err.splitlines() if "database unreachable" in x)
    line = re.sub(r"unreachable \(\w+\)", "unreachable (<driver error>)", line)  # which one: timing
    record("database hung mid-crawl (SIGSTOP), then answering again (SIGCONT)", numbers,
           proc.returncode, line.split("] ")[-1].split(": ", 1)[-1])
