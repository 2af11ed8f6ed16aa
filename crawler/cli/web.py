"""`crawler web [--host 127.0.0.1] [--port 8080]`: the read-only status pages and /metrics over
the crawler's database (the embedded one, or MONGO_URI)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crawler.redact import mask_uri

NAME = "web"
HELP = "serve read-only status pages (runs, sources, stories, schedules) and /metrics"

EPILOG = """\
Binding anywhere but 127.0.0.1/localhost needs CRAWLER_WEB_TOKEN (at least 16 characters; open
the page once as /?token=TOKEN, or send 'Authorization: Bearer TOKEN') or --insecure-no-auth.
A token, when set, is required on loopback too. Nothing is written to the database.
"""


def register(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free)")
    parser.add_argument("--insecure-no-auth", action="store_true",
                        help="serve on a non-loopback address without a token")
    parser.add_argument("--refresh", type=float, default=30.0,
                        help="seconds between story-index reloads (default 30; never more often "
                             "than twice the time a load takes)")
    parser.add_argument("--schedules", type=Path, default=None,
                        help="schedules file (default: $CRAWLER_SCHEDULES, else ./schedules.yaml)")


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.web.access import TOKEN_ENV, bind_problem

    token = os.environ.get(TOKEN_ENV) or None
    problem = bind_problem(args.host, token, args.insecure_no_auth)
    if problem:
        print(f"crawler web: {problem}", file=sys.stderr)
        return 2
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    import socket

    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    import uvicorn

    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler import config
    from crawler.web.app import WebConfig, create_app
    from crawler.web.metrics import redis_settings
    from crawler.web.queries import open_database, story_docs
    from crawler.web.storyindex import StoryIndex

    try:
        handle, db = open_database()
        db.command("ping")
    except Exception as exc:  # embedded database could not start, or the server is away
        print(f"crawler web: database unavailable: {mask_uri(str(exc))[:300]}",
              file=sys.stderr)
        return 1
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
        sock.listen(128)  # connections wait in the backlog until the server accepts: none refused
    except OSError as exc:
        print(f"crawler web: cannot listen on {args.host}:{args.port}: {exc.strerror}",
              file=sys.stderr)
        return 1
    index = StoryIndex(lambda: story_docs(db), refresh=max(1.0, args.refresh))
    print(f"crawler web: reading the story index from {mask_uri(getattr(handle, 'uri', ''))}"
          f" / {db.name} ...", flush=True)
    snap = index.reload()
    if snap is not None:
        print(f"crawler web: {len(snap.stories):,} stories indexed in {snap.load_seconds:.1f} s",
              flush=True)
    index.start()
    redis_url, prefix = redis_settings()
    app = create_app(WebConfig(db=db, index=index, data_dir=config.data_dir(),
                               schedules_file=args.schedules, token=token,
                               redis_url=redis_url, redis_prefix=prefix))
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    hint = "?token=$CRAWLER_WEB_TOKEN" if token else ""
    print(f"crawler web: serving on http://{shown}:{port}/{hint} (Ctrl-C stops)", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    finally:
        index.stop()
        handle.close()
    return 0
