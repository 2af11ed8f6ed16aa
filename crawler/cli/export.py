"""`crawler export --since ISO [--until ISO] [--source NAME] [--format jsonl|csv]`: stored
articles changed in a window, oldest change first, streamed from a cursor.

The window is on updated_at (indexed): `--since` inclusive, `--until` exclusive. Times in and
out are ISO-8601; a time without an offset is read as UTC; output times are UTC with
milliseconds and a Z ("2026-11-28T09:15:02.120Z"), the database's own precision, so the last
updated_at a consumer saw can be passed back as the next --since (inclusive: the boundary
article comes again; key on `id`).

JSON Lines (default): one article per line, the stored document as docs/schema.json describes
it (`_id` is the story's key), without the internal fields INTERNAL_FIELDS. CSV: the fixed
columns CSV_COLUMNS (`id` = `_id`), lists joined with "; ", `seen_on_count` the story's records
in `sightings` (counted for 500 articles at a time).
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

NAME = "export"
HELP = "stream stored articles changed since a time (updated_at order) as JSON Lines or CSV"

CSV_COLUMNS = [
    "id", "updated_at", "canonical_url", "url", "headline", "source", "aggregator", "authors",
    "published_at", "published_raw", "published_precision", "first_seen_at", "last_seen_at",
    "completeness", "cluster_id", "content_hash", "lang", "image", "summary", "body",
    "seen_on_count", "schema_version",
]
# Merge-time state, not part of what consumers read.
INTERNAL_FIELDS = ("seen_on_pages", "minhash", "summary_rank")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", required=True, type=parse_time,
                        help="ISO-8601 time, inclusive (e.g. 2026-11-28T06:00:00Z; no offset = UTC)")
    parser.add_argument("--until", type=parse_time, default=None,
                        help="ISO-8601 time, exclusive (default: no upper bound)")
    parser.add_argument("--source", help="only articles from this publisher (exact name)")
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl",
                        help="jsonl (default) or csv")


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 time: {text!r} (e.g. 2026-11-28T06:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def jsonable(value: Any, drop: tuple[str, ...] = INTERNAL_FIELDS) -> Any:
    """A stored document as JSON: times ISO-8601 UTC, binary as base64, fields in `drop` out."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {key: jsonable(item, drop) for key, item in value.items() if key not in drop}
    if isinstance(value, list | tuple):
        return [jsonable(v, drop) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def csv_row(doc: dict, sightings: int = 0) -> list[str]:
    data = jsonable(doc)
    data["id"] = data.get("_id")
    data["seen_on_count"] = sightings + len(doc.get("seen_on") or [])  # + a not yet migrated array
    row = []
    for column in CSV_COLUMNS:
        value = data.get(column)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        row.append("" if value is None else str(value))
    return row


def _write_rows(writer, store, docs: list[dict]) -> int:
    counts = store.sighting_counts([d["_id"] for d in docs]) if docs else {}
    for doc in docs:
        writer.writerow(csv_row(doc, counts.get(doc["_id"], 0)))
    return len(docs)


def run(args: argparse.Namespace) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from pymongo.errors import PyMongoError

    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.cli._database import open_for_reading
    from crawler.redact import mask_uri, public_name
    from crawler.storage.store import StoreUnavailable

    if args.until is not None and args.until <= args.since:
        print("crawler export: --until must be later than --since", file=sys.stderr)
        return 2
    store, code = open_for_reading("export")
    if store is None:
        return code
    out = sys.stdout
    count = 0
    try:
        store.ping()
        cursor = store.articles_updated(args.since, args.until, args.source)
        if args.format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            chunk: list[dict] = []
            for doc in cursor:
                chunk.append(doc)
                if len(chunk) >= 500:
                    count += _write_rows(writer, store, chunk)
                    chunk = []
            count += _write_rows(writer, store, chunk)
        else:
            for doc in cursor:
                out.write(json.dumps(jsonable(doc), ensure_ascii=False) + "\n")
                count += 1
        out.flush()
    except StoreUnavailable as exc:
        print(f"crawler export: {exc}", file=sys.stderr)
        return 1
    except PyMongoError as exc:
        print(f"crawler export: database error after {count} articles: {public_name(exc)}: "
              f"{mask_uri(str(exc))[:200]}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (e.g. `head`) stopped reading: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        store.close()
    return 0
