"""The embedded database's lifecycle, run records and secrets, through the real `crawler`
command: a restarted database comes back where running crawls look for it, `db up/down/status`
act only on this data directory's FerretDB, reading commands never start one, runs whose process
is gone are marked failed, and no password is printed or stored anywhere."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from pymongo import MongoClient

from crawler.storage import embedded_db
from tests.integration.test_faults_outage import _start_crawl, _wait_pages, _wait_spilled, slow_demo  # noqa: F401
from tests.support.crawl import run_crawler
from tests.support.fault_checks import check_stored_exactly_once
from tests.support.fault_table import record

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PASSWORD = "p@ss:w/rd%25x"  # every character a URI mask has tripped on


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _embedded_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "CRAWLER_DB_PORT")}
    env.update({"CRAWLER_DATA_DIR": str(tmp_path / "data"), "MONGO_DB": "life", **extra})
    return env


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -- the database restarted: same port, the running crawl reconnects -------------------------
def test_db_up_after_a_kill_reuses_the_port_and_the_running_crawl_reconnects(
    demo_site, slow_demo, tmp_path  # noqa: F811
):
    env = _embedded_env(tmp_path)
    up = run_crawler(["db", "up"], env)
    assert up.returncode == 0, up.stderr
    home = tmp_path / "data" / "ferretdb"
    first = json.loads((home / "server.json").read_text())
    proc = _start_crawl(slow_demo, env)
    try:
        _wait_pages(slow_demo, proc, 10)
        os.kill(first["pid"], signal.SIGKILL)  # the database dies under the crawl
        _wait_spilled(tmp_path, proc)
        again = run_crawler(["db", "up"], env)  # the operator starts it again
        assert again.returncode == 0, again.stderr
        assert f"127.0.0.1:{first['port']}/" in again.stdout  # where the crawl looks for it
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with_pid = json.loads((home / "server.json").read_text())
        client = MongoClient(f"mongodb://127.0.0.1:{with_pid['port']}/", tz_aware=True)
    try:
        assert proc.returncode == 0, err[-3000:]
        assert "database is back: replayed" in err
        numbers = check_stored_exactly_once(client["life"], demo_site, slow_demo)
        assert numbers == {"lost": 0, "twice": 0}
    finally:
        client.close()
        run_crawler(["db", "down"], env)
    line = next(x for x in err.splitlines() if "database is back" in x)
    record("database killed mid-crawl, restarted by `crawler db up` (same port)", numbers,
           proc.returncode, line.split("WARNING: ")[-1])


def test_db_up_keeps_the_last_port_after_db_down(tmp_path):
    env = _embedded_env(tmp_path)
    first = run_crawler(["db", "up"], env)
    try:
        port = json.loads((tmp_path / "data" / "ferretdb" / "server.json").read_text())["port"]
        assert run_crawler(["db", "down"], env).returncode == 0
        second = run_crawler(["db", "up"], env)
        assert second.returncode == 0 and f"127.0.0.1:{port}/" in second.stdout, first.stdout
    finally:
        run_crawler(["db", "down"], env)


def test_db_up_refuses_a_port_another_program_holds(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_crawler(["db", "up"], _embedded_env(tmp_path, CRAWLER_DB_PORT=str(port)))
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(_lines(done.stderr)) == 1 and f"port {port}" in done.stderr
    assert "in use by another program" in done.stderr and done.stdout == ""
    assert not (tmp_path / "data" / "ferretdb" / "server.json").exists()


def test_db_down_and_status_leave_a_process_that_is_not_our_ferretdb_alone(tmp_path):
    """After a reboot the recorded pid may be any program's: it is never signalled."""
    other = subprocess.Popen(["sleep", "60"])
    try:
        home = tmp_path / "data" / "ferretdb"
        home.mkdir(parents=True)
        (home / "server.json").write_text(json.dumps({"pid": other.pid, "port": _free_port()}))
        env = _embedded_env(tmp_path)
        status = run_crawler(["db", "status"], env)
        assert status.returncode == 1 and "answers: no" in status.stdout
        down = run_crawler(["db", "down"], env)
        assert down.returncode == 0, down.stderr
        assert f"pid {other.pid} is not this data directory's FerretDB" in down.stdout
        assert "sleep 60" in down.stdout
        time.sleep(0.3)
        assert other.poll() is None  # still running: not ours to stop
        assert not embedded_db.is_our_server(other.pid, home)
    finally:
        other.kill()
        other.wait()


# -- reading commands never start a database -------------------------------------------------
@pytest.mark.parametrize("argv", [["runs"], ["export", "--since", "2026-01-01"], ["db", "status"]])
def test_reading_commands_never_start_a_database(tmp_path, argv):
    env = _embedded_env(tmp_path, CRAWLER_DATA_DIR=str(tmp_path / "typo"))
    done = run_crawler(argv, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(_lines(done.stderr)) == 1 and "Traceback" not in done.stderr
    assert f"no database at {tmp_path / 'typo'}" in done.stderr
    assert "does not exist" in done.stderr
    assert not (tmp_path / "typo").exists()  # nothing created, nothing started


# -- run records -------------------------------------------------------------------------------
def test_a_run_whose_process_is_gone_is_marked_failed_when_runs_are_read(
    mongo_uri, db_name, tmp_path
):
    dead = subprocess.Popen(["true"])
    dead.wait()
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    db.runs.insert_one({"_id": "killed-by-timeout", "spider": "daily8", "status": "running",
                        "started_at": datetime.now(UTC), "finished_at": None,
                        "host": socket.gethostname(), "pid": dead.pid, "job": "hourly"})
    db.pages.insert_one({"_id": "p1", "url": "http://x/", "run_id": "killed-by-timeout"})
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
               CRAWLER_DATA_DIR=str(tmp_path / "data"))
    done = run_crawler(["runs", "--json"], env)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout.splitlines()[0])
    assert run["status"] == "failed" and run["finish_reason"] == "process_gone"
    assert f"pid {dead.pid}" in run["error"] and run["counts"]["pages_stored"] == 1
    db.client.drop_database(db_name)


# -- secrets -----------------------------------------------------------------------------------
def test_a_mongo_uri_pymongo_rejects_is_one_line_and_exit_2(tmp_path):
    env = _embedded_env(tmp_path, MONGO_URI="mongodb://crawler:p@ss/w@127.0.0.1:1/")
    for argv in (["crawl", "daily8"], ["runs"], ["db", "status"], ["db", "replay"]):
        done = run_crawler(argv, env)
        if argv == ["db", "replay"] and "nothing to replay" in done.stdout:
            continue
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert len(_lines(done.stderr)) == 1 and "Traceback" not in done.stderr, done.stderr
        assert "p@ss" not in done.stdout + done.stderr and "crawler:***@" in done.stderr


def test_a_redis_that_does_not_answer_is_one_line_and_exit_2(tmp_path, mongo_uri, db_name):
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
               CRAWLER_DATA_DIR=str(tmp_path / "data"))
    url = f"redis://:{quote(PASSWORD, safe='')}@127.0.0.1:{_free_port()}/0"
    done = run_crawler(["crawl", "daily8", "-s", f"REDIS_URL={url}"], env)
    assert done.returncode == 2, done.stderr
    assert len(_lines(done.stderr)) == 1 and "does not answer" in done.stderr, done.stderr
    assert quote(PASSWORD, safe="") not in done.stderr and ":***@127.0.0.1" in done.stderr


@pytest.mark.skipif(not os.path.exists(REDIS_SERVER), reason="redis-server is not installed")
def test_no_password_in_any_output_or_stored_document_of_a_crawl(
    demo_server, mongo_uri, db_name, tmp_path
):
    port = _free_port()
    redis = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
         "--save", "", "--appendonly", "no", "--requirepass", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not embedded_db._port_answers(port, 0.2):
            assert time.monotonic() < deadline
        encoded = quote(PASSWORD, safe="")
        url = f"redis://:{encoded}@127.0.0.1:{port}/0"
        env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
                   CRAWLER_DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="DEBUG")
        crawl = run_crawler(["crawl", "daily8", "-a", f"start_url={demo_server.url('/')}",
                             "-s", f"REDIS_URL={url}", "-s", "LOG_LEVEL=DEBUG",
                             "-s", f"PROXY_URL=http://me:{encoded}@127.0.0.1:9/"], env)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        runs_json = run_crawler(["runs", "--json"], env)
        runs_table = run_crawler(["runs"], env)
        schedules = tmp_path / "schedules.yaml"
        schedules.write_text(
            "jobs:\n  hourly:\n    cron: '0 * * * *'\n    spider: daily8\n"
            f"    settings: {{REDIS_URL: '{url}'}}\n")
        crontab = run_crawler(["schedule", "crontab", "--file", str(schedules)], env)
        outputs = {"crawl": crawl.stdout + crawl.stderr, "runs --json": runs_json.stdout,
                   "runs": runs_table.stdout, "crontab": crontab.stdout + crontab.stderr}
        db = MongoClient(mongo_uri, tz_aware=True)[db_name]
        for name in db.list_collection_names():
            outputs[f"db.{name}"] = "\n".join(json.dumps(d, default=str) for d in db[name].find())
        for path in (tmp_path / "data").rglob("*"):
            if path.is_file():
                outputs[str(path)] = path.read_text(errors="replace")
        forms = {PASSWORD, encoded, quote(PASSWORD), "p@ss:w/rd"}
        leaks = {where for where, text in outputs.items() for form in forms if form in text}
        assert leaks == set(), leaks
        assert runs_json.returncode == 0 and "redis://:***@127.0.0.1" in runs_json.stdout
        assert crontab.returncode == 0, crontab.stderr
        assert "CRAWLER_SECRET_HOURLY_REDIS_URL" in crontab.stdout
        assert '"REDIS_URL=$CRAWLER_SECRET_HOURLY_REDIS_URL"' in crontab.stdout
        db.client.drop_database(db_name)
    finally:
        redis.terminate()
        redis.wait(10)


def test_schedule_list_shows_the_last_run_from_the_runs_collection(mongo_uri, db_name, tmp_path):
    """A cron-run crawl (not the daemon's) killed by `timeout -k`: `schedule list` shows it,
    failed, instead of `-`."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    started = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    db.runs.insert_one({"_id": "cron-run", "spider": "daily8", "status": "running", "job": "hourly",
                        "started_at": started, "finished_at": None,
                        "host": socket.gethostname(), "pid": dead.pid})
    schedules = tmp_path / "schedules.yaml"
    schedules.write_text("jobs:\n  hourly:\n    cron: '0 * * * *'\n    spider: daily8\n")
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
               CRAWLER_DATA_DIR=str(tmp_path / "data"))
    done = run_crawler(["schedule", "list", "--file", str(schedules)], env)
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("hourly"))
    assert row.rstrip().endswith("failed 2026-03-01T06:00:00"), done.stdout
    db.client.drop_database(db_name)
