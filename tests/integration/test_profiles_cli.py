"""Profiles outside the package, as a user meets them: `crawler profile check`, and a broken
profile in CRAWLER_PROFILES stopping only the spider that uses it, in one line."""

from __future__ import annotations

import yaml

from tests.support.crawl import run_crawler


def test_profile_check_one_line_per_file(tmp_path, crawl_env):
    good = tmp_path / "good.yaml"
    good.write_text("name: good\ndomains: [good.example]\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndomains: [bad.example]\nrender: sometimes\n", encoding="utf-8")
    proc = run_crawler(["profile", "check", str(good), str(bad)], crawl_env, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == f"{good}: ok: profile 'good' (good.example)\n"
    assert proc.stderr == f"{bad}:3: render: must be one of never, always, auto, not 'sometimes'\n"
    assert run_crawler(["profile", "check", str(good)], crawl_env, timeout=60).returncode == 0


def test_a_broken_profile_stops_only_its_spider(tmp_path, crawl_env, demo_server):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "daily8.yaml").write_text("name: daily8\ndomains: [daily8.com]\nmax_depth: deep\n",
                                        encoding="utf-8")
    data_dir = tmp_path / "no-db-here"
    env = {k: v for k, v in crawl_env.items() if k != "MONGO_URI"}
    env.update(CRAWLER_PROFILES=str(folder), CRAWLER_DATA_DIR=str(data_dir))
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={demo_server.url('/')}"], env)
    assert proc.returncode == 2
    assert proc.stderr == (f"crawl not started: {folder / 'daily8.yaml'}:3: max_depth: must be a "
                           "whole number >= 0\n")
    assert not data_dir.exists()  # no database was started for it
    assert demo_server.fetched_paths() == []

    listing = run_crawler(["profile", "list"], env, timeout=60)
    assert listing.returncode == 0 and "daily8  BROKEN" in listing.stdout

    schedules = tmp_path / "schedules.yaml"
    schedules.write_text(yaml.safe_dump({"jobs": {
        "d8": {"cron": "7 * * * *", "spider": "daily8"},
        "other": {"cron": "7 * * * *", "spider": "aggregator",
                  "args": {"start_url": demo_server.url("/")}},
    }}), encoding="utf-8")
    sched = run_crawler(["schedule", "list", "--file", str(schedules)], env, timeout=60)
    assert sched.returncode == 0, sched.stderr
    assert "d8" in sched.stdout and "other" in sched.stdout
    assert sched.stderr.splitlines() == [
        f"crawler schedule list: job d8: spider daily8 will not run: {folder / 'daily8.yaml'}:3: "
        "max_depth: must be a whole number >= 0"]

    # An unrelated spider crawls as usual.
    env["MONGO_URI"] = crawl_env["MONGO_URI"]
    other = run_crawler(["crawl", "aggregator", "-a", f"start_url={demo_server.url('/')}",
                         "-a", "max_depth=0"], env)
    assert other.returncode == 0, other.stderr[-2000:]
    assert demo_server.fetched_paths()
