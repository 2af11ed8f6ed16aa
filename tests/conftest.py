"""Real parts for the tests: a MongoDB-wire server (the embedded FerretDB, or TEST_MONGO_URI) and
fixture sites served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from crawler.demo_site import DemoSite, FixtureServer
from crawler.politeness import OWN_SITE_SETTINGS
from tests.support.news_site import ConditionalServer, NewsSite

# Every site the suite crawls is a fixture it serves itself on 127.0.0.1, so it raises the polite
# defaults for them explicitly, as a user may for a site they own (environment values are applied
# like -s, and crawler subprocesses inherit them). tests/integration/test_politeness.py drops
# these to test the defaults.
for _name, _value in OWN_SITE_SETTINGS.items():
    os.environ.setdefault(f"CRAWLER_{_name}", json.dumps(_value))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests under tests/integration start real parts (database, browser, Redis, crawls): marked
    so `pytest -m "not integration"` leaves them out."""
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


def pytest_sessionfinish(session, exitstatus):
    """The fault tests measured their rows: docs/operations.md's fault table must say the same
    (or is rewritten with FAULT_TABLE_WRITE=1)."""
    from tests.support import fault_table

    if os.environ.get(fault_table.WRITE_ENV) == "1":
        if fault_table.write_docs():
            print(f"\n{fault_table.DOC} fault table updated from this run")
        return
    diff = fault_table.stale_diff()
    if diff:
        print(f"\nFAILED: the fault table in {fault_table.DOC} is not what this run measured "
              f"(regenerate with `make fault-table` or {fault_table.WRITE_ENV}=1):\n{diff}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


@pytest.fixture
def news_server():
    """The conditional-GET news site (tests/support/news_site.py), served for one test."""
    server = ConditionalServer(NewsSite())
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
