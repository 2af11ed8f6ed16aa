"""The database as reading commands (`runs`, `export`, `db status`, `db replay`) open it.

They never start one: a typo in CRAWLER_DATA_DIR must not leave a new, empty FerretDB running
there and report "nothing found". They say there is no database at that path instead."""

from __future__ import annotations

import sys

import pymongo
from pymongo.errors import PyMongoError

from crawler import config
from crawler.extensions.runrecord import mark_dead_runs
from crawler.storage import embedded_db
from crawler.storage.store import Store
from crawler.storage.uri_check import mongo_uri_problem

EXIT_NO_DATABASE = 1
EXIT_BAD_CONFIG = 2


def no_database_message() -> str:
    """Why there is no embedded database to read: no data directory, or none running in it."""

    data = config.data_dir()
    if not data.exists():
        return (f"no database at {data}: that data directory does not exist (CRAWLER_DATA_DIR); "
                "nothing was started")
    home = embedded_db.server_home(data)
    if not home.exists():
        return (f"no database at {data}: no embedded database was ever started there "
                "(CRAWLER_DATA_DIR; `crawler db up` starts one, or set MONGO_URI)")
    return (f"no database running at {home}: `crawler db up` starts it (or set MONGO_URI); "
            "nothing was started")


def open_for_reading(command: str):
    """(Store, 0), or (None, exit status) after one line on stderr."""

    uri = config.mongo_uri_from_env()
    if uri:
        problem = mongo_uri_problem(uri)
        if problem:
            print(f"crawler {command}: {problem}", file=sys.stderr)
            return None, EXIT_BAD_CONFIG
        return Store(uri), 0
    state = embedded_db.running()
    if state is None:
        print(f"crawler {command}: {no_database_message()}", file=sys.stderr)
        return None, EXIT_NO_DATABASE
    return Store(state.uri), 0


def last_runs_by_job(names: list[str]) -> dict[str, dict]:
    """The newest `runs` document of each scheduled job, whoever started it (the daemon or a
    crontab line), after marking runs whose process is gone; {} when no database answers (a
    listing does not start one, nor fail for want of one)."""


    uri = config.mongo_uri_from_env()
    if uri is None:
        state = embedded_db.running()
        uri = state.uri if state else None
    elif mongo_uri_problem(uri):
        uri = None
    if uri is None:
        return {}
    store = Store(uri)
    found: dict[str, dict] = {}
    try:
        with pymongo.timeout(3):
            mark_dead_runs(store)
            for name in names:
                runs = store.recent_runs(1, {"job": name})
                if runs:
                    found[name] = runs[0]
    except PyMongoError:
        return found
    finally:
        store.close()
    return found
