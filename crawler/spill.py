"""An append-only on-disk spill for items the database could not take.

When MongoDB is away, a batch is written here (one JSON line per item, flushed and fsynced per
batch) instead of being dropped; the next run, or `crawler db replay`, sends it again. Writes are
idempotent upserts, so replaying a batch that did reach the database changes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler import config
from crawler.items import Article, PageSnapshot, Teaser

KINDS: dict[str, type] = {"article": Article, "teaser": Teaser, "page": PageSnapshot}
_TIME_FIELDS = {"seen_at", "published_at", "fetched_at"}


def spill_dir() -> Path:
    return config.data_dir() / "spill"


def _encode(item: Article | Teaser | PageSnapshot) -> str:
    kind = {Article: "article", Teaser: "teaser", PageSnapshot: "page"}[type(item)]
    data: dict[str, Any] = asdict(item)
    for key in _TIME_FIELDS & data.keys():
        if isinstance(data[key], datetime):
            data[key] = data[key].isoformat()
    return json.dumps({"kind": kind, "item": data}, ensure_ascii=False)


def _decode(line: str) -> Article | Teaser | PageSnapshot:
    raw = json.loads(line)
    cls = KINDS[raw["kind"]]
    data = raw["item"]
    names = {f.name for f in fields(cls)}
    data = {k: v for k, v in data.items() if k in names}
    for key in _TIME_FIELDS & data.keys():
        if data[key]:
            data[key] = datetime.fromisoformat(data[key])
    return cls(**data)


def write(items: list, run_id: str) -> Path:
    directory = spill_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{run_id}.jsonl"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("".join(_encode(i) + "\n" for i in items))
        fh.flush()
        os.fsync(fh.fileno())
    return path


def pending() -> list[Path]:
    directory = spill_dir()
    return sorted(directory.glob("*.jsonl")) if directory.exists() else []


def read(path: Path) -> list:
    """Items of one spill file; a torn last line (a crash mid-write) is skipped."""
    items = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                items.append(_decode(line))
            except (ValueError, KeyError, TypeError):
                continue
    return items


def replay(store, batch_size: int = 500) -> int:
    """Send every pending spill to `store`; each file is removed once fully written."""
    total = 0
    for path in pending():
        items = read(path)
        sightings = [i for i in items if isinstance(i, Article | Teaser)]
        pages = [i for i in items if isinstance(i, PageSnapshot)]
        for start in range(0, len(sightings), batch_size):
            store.write_sightings(sightings[start : start + batch_size])
        store.insert_pages(pages)
        path.unlink()
        total += len(items)
    return total
