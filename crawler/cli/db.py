"""`crawler db up|down|status|replay|migrate`: the database the crawler uses."""

from __future__ import annotations

import argparse
import sys
import textwrap

from crawler import config
from crawler.redact import mask_uri
from crawler.storage import embedded_db, spill

NAME = "db"
HELP = "start, stop or inspect the database (the embedded FerretDB unless MONGO_URI is set)"


VERBS = {
    "up": "start the embedded FerretDB in the data directory (bound to 127.0.0.1) if it is not "
          "running; it stays up between crawls until `down`. Nothing to do when MONGO_URI is set",
    "down": "stop the embedded FerretDB (its data stays on disk for the next `up`)",
    "status": "print the connection URI in use (password masked) first, then whether the server "
              "answers, the data directory and why it is that one, the database name, the "
              "article count and pending spill files; exit 0 only when the server answers",
    "replay": "store items that were spilled to disk while the database was away (idempotent: "
              "replaying what is already stored changes nothing); exit 0 when nothing is left",
    "migrate": "bring stored documents up to the current schema (e.g. re-key stories under "
               "the current URL folding); idempotent, prints what each step did",
}


def register(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "actions:\n" + "\n".join(
        textwrap.fill(text, width=96, initial_indent=f"  {name:<8}", subsequent_indent=" " * 10)
        for name, text in VERBS.items())
    parser.add_argument("action", choices=list(VERBS), help="what to do (see below)")


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli._database import EXIT_BAD_CONFIG
    from crawler.storage.uri_check import mongo_uri_problem

    external = config.mongo_uri_from_env()
    try:
        if args.action == "up":
            if external:
                print(f"MONGO_URI is set ({mask_uri(external)}): nothing to start")
                return 0
            state = embedded_db.up()
            print(f"embedded database up at {state.uri} (pid {state.pid}, data in {config.data_dir()})")
            return 0
        if args.action == "down":
            if external:
                print(f"MONGO_URI is set ({mask_uri(external)}): nothing to stop")
                return 0
            try:
                stopped = embedded_db.down()
            except embedded_db.NotOurs as exc:
                print(f"embedded database was not running: {exc}")
                return 0
            print("embedded database stopped" if stopped else "embedded database was not running")
            return 0
        if args.action == "status":
            if external and mongo_uri_problem(external):
                print(f"crawler db status: {mongo_uri_problem(external)}", file=sys.stderr)
                return EXIT_BAD_CONFIG
            return _status(external)
        if args.action == "migrate":
            return _migrate()
        return _replay()
    except embedded_db.PortTaken as exc:
        print(f"crawler db {args.action}: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    except embedded_db.EmbeddedDBError as exc:
        print(f"crawler db {args.action}: {exc}", file=sys.stderr)
        return 1


def _status(external: str | None) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli._database import no_database_message

    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.storage.store import Store, StoreUnavailable

    if external:
        uri, kind = external, "MONGO_URI"
    else:
        state = embedded_db.running()
        if state is None:
            print("uri: (embedded database not running)")
            print("answers: no")
            print(f"data dir: {config.data_dir()} ({config.data_dir_origin()})")
            print(f"crawler db status: {no_database_message()}", file=sys.stderr)
            return 1
        uri, kind = state.uri, f"embedded FerretDB, pid {state.pid}"
    print(f"uri: {mask_uri(uri)} ({kind})")
    print(f"data dir: {config.data_dir()} ({config.data_dir_origin()})")
    store = Store(uri)
    try:
        store.ping()
        print("answers: yes")
        print(f"database: {store.db.name}")
        print(f"articles: {store.count_articles()}")
        print(f"pending spill files: {len(spill.pending())}")
        return 0
    except StoreUnavailable as exc:
        print("answers: no")
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.close()


def _replay() -> int:
    """Store what outages and killed crawls left on disk (spills, and journals whose crawler is
    gone), say exactly what was stored and what could not be, and bring the records of the runs
    they belong to up to date. Idempotent: replaying what is already stored changes nothing."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from pymongo.errors import PyMongoError

    # loaded on use, as above
    from crawler.extensions.runrecord import record_replay
    from crawler.redact import public_name
    from crawler.storage.store import Store, StoreUnavailable

    files = spill.pending()
    if not files:
        print(f"nothing to replay in {spill.spill_dir()}")
        return 0
    # A writing command: it starts the embedded database when it is not running.
    from crawler.cli._database import EXIT_BAD_CONFIG  # loaded on use, as above
    from crawler.storage.uri_check import mongo_uri_problem  # loaded on use, as above

    problem = mongo_uri_problem(config.mongo_uri_from_env() or "mongodb://127.0.0.1/")
    if problem:
        print(f"crawler db replay: {problem}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    store = Store()
    report = None
    try:
        store.ping()
        print(f"uri: {store.masked_uri}")
        print(f"pending spill files: {len(files)}")
        report = spill.replay_report(store)
    except StoreUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except PyMongoError as exc:
        report = getattr(exc, "partial", None)
        print(f"replay stopped: the database failed ({public_name(exc)}); the rest stays in "
              f"{spill.spill_dir()} for the next try", file=sys.stderr)
    finally:
        if report is not None:
            left = spill.pending()
            print(f"stored {report.stored} items from {report.files_done} files; could not store "
                  f"{report.unreadable} (unreadable lines, skipped); {len(left)} spill files left")
            try:
                record_replay(store, report, bool(left))
            except PyMongoError:
                pass
        store.close()
    return 0 if report is not None and not spill.pending() and not report.unreadable else 1


def _migrate() -> int:
    """Bring stored documents to the current schema (crawler.storage.migrations); idempotent."""
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from pymongo.errors import PyMongoError

    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.storage import migrations
    from crawler.storage.store import Store, StoreUnavailable

    store = Store()
    try:
        store.ping()
        print(f"uri: {store.masked_uri}")
        print(f"database: {store.db.name}")
        store.ensure_indexes()
        for step, counts in migrations.migrate(store):
            done = ", ".join(f"{k}={v}" for k, v in counts.items())
            print(f"{step.name} (schema {step.version}): {step.summary}: {done}")
        return 0
    except StoreUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except PyMongoError as exc:
        print(f"crawler db migrate: stopped, the database failed ({type(exc).__name__}); run it "
              "again to finish (every step is idempotent)", file=sys.stderr)
        return 1
    finally:
        store.close()
