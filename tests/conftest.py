"""Real parts for the tests: a MongoDB-wire server (the embedded FerretDB, or TEST_MONGO_URI) and
fixture sites served on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from crawler.demo_site import DemoSite, FixtureServer

ROOT = Path(__file__).resolve().parent.parent
CRAWLER = [sys.executable, "-m", "crawler.cli"]


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    """A real server for the whole session; each test gets its own database on it."""
    external = os.environ.get("TEST_MONGO_URI")
    if external:
        yield external
        return
    from crawler.storage import embedded_db

    data_dir = tmp_path_factory.mktemp("ferretdb")
    state = embedded_db.up(data_dir)
    yield state.uri
    embedded_db.down(data_dir)


@pytest.fixture
def db_name():
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def store(mongo_uri, db_name):
    from crawler.storage.store import Store

    s = Store(mongo_uri, db_name)
    s.ensure_indexes()
    yield s
    s.client.drop_database(db_name)
    s.close()


@pytest.fixture
def crawl_env(mongo_uri, db_name, tmp_path):
    """Environment for a crawler subprocess that writes into this test's database."""
    env = dict(os.environ)
    env.update(MONGO_URI=mongo_uri, MONGO_DB=db_name, CRAWLER_DATA_DIR=str(tmp_path / "data"))
    return env


@pytest.fixture(scope="session")
def demo_site():
    return DemoSite()


@pytest.fixture
def demo_server(demo_site):
    with FixtureServer(demo_site.render) as server:
        yield server


def run_crawler(args: list[str], env: dict, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CRAWLER, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
