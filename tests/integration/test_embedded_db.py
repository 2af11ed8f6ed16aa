"""The embedded FerretDB: start, reuse, stop, and clear messages when it cannot run."""

from __future__ import annotations

import socket

import pytest
from pymongo import MongoClient

from crawler.processes import pid_alive
from crawler.storage import embedded_db
from tests.support.crawl import run_crawler


def test_up_reuses_running_server_and_down_stops_it(tmp_path):
    state = embedded_db.up(tmp_path)
    try:
        assert embedded_db.up(tmp_path) == state
        assert MongoClient(state.uri, serverSelectionTimeoutMS=3000).admin.command("ping")["ok"] == 1
        assert (tmp_path / "ferretdb" / "sqlite").is_dir()
    finally:
        assert embedded_db.down(tmp_path) is True
    assert embedded_db.running(tmp_path) is None
    assert embedded_db.down(tmp_path) is False


def test_down_stops_the_server_after_ferretdb_wrote_its_own_state(tmp_path):
    import time

    state = embedded_db.up(tmp_path)
    deadline = time.monotonic() + 10
    while not (tmp_path / "ferretdb" / "state" / "state.json").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert embedded_db.running(tmp_path) == state
    assert embedded_db.down(tmp_path) is True
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not pid_alive(state.pid):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"FerretDB pid {state.pid} still running after down()")


def test_port_in_use_is_one_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(embedded_db.EmbeddedDBError, match=f"port {port} .* in use"):
            embedded_db.up(tmp_path, port=port)


def test_missing_binary_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_TOOLS_DIR", str(tmp_path / "no-tools"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CRAWLER_FERRETDB", raising=False)
    with pytest.raises(embedded_db.EmbeddedDBError, match="make setup.*MONGO_URI"):
        embedded_db.ferretdb_binary()


def test_db_commands_start_report_and_stop(tmp_path):
    import os

    env = dict(os.environ, CRAWLER_DATA_DIR=str(tmp_path))
    env.pop("MONGO_URI", None)
    up = run_crawler(["db", "up"], env, timeout=60)
    assert up.returncode == 0, up.stderr
    try:
        status = run_crawler(["db", "status"], env, timeout=60)
        assert status.returncode == 0, status.stderr
        first = status.stdout.splitlines()[0]
        assert first.startswith("uri: mongodb://127.0.0.1:")
        assert "answers: yes" in status.stdout
    finally:
        down = run_crawler(["db", "down"], env, timeout=60)
    assert down.returncode == 0 and "stopped" in down.stdout
    status = run_crawler(["db", "status"], env, timeout=60)
    assert status.returncode == 1 and "answers: no" in status.stdout


def test_status_masks_password(tmp_path):
    import os

    env = dict(os.environ, CRAWLER_DATA_DIR=str(tmp_path),
               MONGO_URI="mongodb://admin:hunter2@127.0.0.1:9/?serverSelectionTimeoutMS=300")
    status = run_crawler(["db", "status"], env, timeout=60)
    out = status.stdout + status.stderr
    assert status.stdout.splitlines()[0].startswith("uri: mongodb://admin:***@127.0.0.1:9/")
    assert "hunter2" not in out and "answers: no" in out


def test_a_server_left_running_from_an_older_build_is_reported(tmp_path, caplog):
    import json
    import logging

    first = embedded_db.up(tmp_path)
    try:
        record = tmp_path / "ferretdb" / embedded_db.SERVER_FILE
        with caplog.at_level(logging.WARNING, logger="crawler.storage.embedded_db"):
            assert embedded_db.up(tmp_path) == first
        assert "older FerretDB build" not in caplog.text
        data = json.loads(record.read_text())
        record.write_text(json.dumps({**data, "binary": "/old/ferretdb:1:1"}))
        with caplog.at_level(logging.WARNING, logger="crawler.storage.embedded_db"):
            assert embedded_db.up(tmp_path) == first  # still served: never restarted under a crawl
        assert "older FerretDB build" in caplog.text and "crawler db down" in caplog.text
    finally:
        embedded_db.down(tmp_path)
