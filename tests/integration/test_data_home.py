"""One data home: every command finds the same database whatever directory it is typed in."""

from __future__ import annotations

import os
import subprocess

from crawler.storage import embedded_db
from tests.support.crawl import CRAWLER, ROOT


def _crawler(args: list[str], cwd, env) -> subprocess.CompletedProcess:
    return subprocess.run([*CRAWLER, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_db_status_from_two_directories_shows_the_same_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "CRAWLER_DATA_DIR")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    one, two = tmp_path / "one", tmp_path / "two" / "deeper"
    one.mkdir()
    two.mkdir(parents=True)
    home = ROOT / "var"
    was_running = embedded_db.running(home) is not None
    up = _crawler(["db", "up"], one, env)
    try:
        assert up.returncode == 0, up.stderr
        first = _crawler(["db", "status"], one, env)
        second = _crawler(["db", "status"], two, env)
        assert first.returncode == second.returncode == 0, first.stderr + second.stderr
        assert first.stdout.splitlines()[:3] == second.stdout.splitlines()[:3]
        assert f"data dir: {home} (the project checkout)" in first.stdout
        assert "answers: yes" in second.stdout
        assert not (one / "var").exists() and not (two / "var").exists()
    finally:
        if not was_running:
            _crawler(["db", "down"], one, env)


def test_crawler_data_dir_still_wins(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MONGO_URI"}
    env["CRAWLER_DATA_DIR"] = str(tmp_path / "elsewhere")
    status = _crawler(["db", "status"], tmp_path, env)
    assert f"data dir: {tmp_path / 'elsewhere'} (CRAWLER_DATA_DIR)" in status.stdout
