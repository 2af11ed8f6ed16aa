"""The database as reading commands (`runs`, `export`, `db status`, `db replay`) open it.

They never start one: a typo in CRAWLER_DATA_DIR must not leave a new, empty FerretDB running
there and report "nothing found". They say there is no database at that path instead."""

from __future__ import annotations

import sys

from crawler import config
from crawler.redact import mongo_uri_problem

EXIT_NO_DATABASE = 1
EXIT_BAD_CONFIG = 2


def no_database_message() -> str:
    """Why there is no embedded database to read: no data directory, or none running in it."""
    from crawler.storage import embedded_db

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
    from crawler.storage import embedded_db
    from crawler.storage.store import Store

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
