"""`crawler runs [--limit N] [--spider S] [--job J] [--status S] [--json]`: recent runs, newest
first, as a table (what happened overnight at a glance) or as JSON Lines."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from crawler.redact import mask_settings, mask_uri

NAME = "runs"
HELP = ("show recent crawl runs (newest first): status, pages, new/updated/unchanged, policy "
        "counts (gone, refused, robots, fresh...) apart from real problems")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", "-n", type=int, default=20, help="how many runs (default 20)")
    parser.add_argument("--spider", help="only runs of this spider")
    parser.add_argument("--job", help="only runs of this scheduled job")
    parser.add_argument("--status", choices=["ok", "partial", "failed", "running"],
                        help="only runs with this status")
    parser.add_argument("--json", action="store_true", help="JSON Lines instead of a table")


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else "-"


def _took(run: dict) -> str:
    start, end = run.get("started_at"), run.get("finished_at")
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return "-"
    seconds = (end - start).total_seconds()
    return f"{seconds:.0f}s" if seconds < 600 else f"{seconds / 60:.0f}m"


def _masked(run: dict) -> dict:
    settings = run.get("settings")
    if isinstance(settings, dict):
        run = {**run, "settings": mask_settings(settings)}
    return run


def _problem(run: dict) -> str:
    """Real failures only; policy outcomes have their own column."""
    if run.get("error"):
        return mask_uri(str(run["error"]))[:80]
    errors = run.get("errors") or {}
    return _pairs(errors) if run.get("policy") is not None else _legacy_problems(errors)


def _pairs(counts: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()) if v)[:80]


# Kinds that runs recorded before policy had its own field listed among their errors.
_LEGACY_POLICY = ("SkippedByPolicy", "NotModified", "IgnoreRequest", "http_404", "http_410",
                  "http_401", "http_403", "http_451")


def _legacy_problems(errors: dict) -> str:
    return _pairs({k: v for k, v in errors.items() if k not in _LEGACY_POLICY})


def row(run: dict) -> dict[str, str]:
    counts = run.get("counts") or {}
    return {
        "STARTED (UTC)": _time(run.get("started_at")),
        "SPIDER": str(run.get("spider", "-")),
        "JOB": str(run.get("job") or "-"),
        "STATUS": str(run.get("status", "-")),
        "TOOK": _took(run),
        "PAGES": str(counts.get("pages", "-")),
        "NEW": str(counts.get("new", "-")),
        "UPDATED": str(counts.get("updated", "-")),
        "UNCHANGED": str(counts.get("unchanged", "-")),
        "FOLDED": str(counts.get("duplicates_folded", "-")),
        "RENDERS": str(counts.get("renders", "-")),
        "FINISH": str(run.get("finish_reason") or "-"),
        "POLICY": _pairs(run.get("policy") or {}) or "-",
        "PROBLEMS": _problem(run) or "-",
    }


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli._database import open_for_reading
    from crawler.cli.export import jsonable
    from crawler.cli.schedule import print_table
    from crawler.extensions.runrecord import mark_dead_runs
    from crawler.storage.store import StoreUnavailable

    query = {k: v for k, v in {"spider": args.spider, "job": args.job,
                               "status": args.status}.items() if v}
    store, code = open_for_reading("runs")
    if store is None:
        return code
    try:
        store.ping()
        mark_dead_runs(store)
        runs = store.recent_runs(max(1, args.limit), query)
    except StoreUnavailable as exc:
        print(f"crawler runs: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if args.json:
        for r in runs:
            # Records written before secrets were masked at the source are masked here too.
            print(mask_uri(json.dumps(jsonable(_masked(r)), ensure_ascii=False)))
        return 0
    if not runs:
        print("no runs recorded yet" + (f" matching {query}" if query else ""))
        return 0
    print_table([row(r) for r in runs])
    return 0
