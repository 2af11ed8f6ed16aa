"""A crawl from a zipped egg, as Scrapyd runs a deployed project: profiles load through
importlib.resources from inside the zip, and the stories reach the database."""

from __future__ import annotations

import subprocess
import sys

from pymongo import MongoClient

from tests.support.egg import RUNNER, build_egg


def test_a_crawl_runs_from_the_egg_outside_the_source_tree(tmp_path, crawl_env, demo_server,
                                                           mongo_uri, db_name):
    egg = build_egg(tmp_path)
    workdir = tmp_path / "scrapyd-job"  # where Scrapyd starts a job: no scrapy.cfg, no sources
    workdir.mkdir()
    env = {k: v for k, v in crawl_env.items()
           if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(egg), "crawl", "daily8",
         "-a", f"start_url={demo_server.url('/')}", "-a", "max_depth=1"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "not loaded" not in proc.stderr  # no profile failed to load from the zip
    client = MongoClient(mongo_uri)
    try:
        db = client[db_name]
        assert db.articles.count_documents({"aggregator": "daily8"}) > 0
        run = db.runs.find_one({"spider": "daily8"})
        assert run is not None and run["status"] == "ok", run
    finally:
        client.close()


def test_profiles_list_from_the_egg(tmp_path):
    egg = build_egg(tmp_path)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import crawler.sites as s; "
            "p = s.get_profile('daily8'); print(p.path, p.domains, s.broken_profiles())")
    proc = subprocess.run([sys.executable, "-c", code, str(egg)], cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "crawler/sites/daily8.yaml ('daily8.com',) ()"
