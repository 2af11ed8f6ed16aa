"""The merge rules' extra update operations (docs/schema.md, "Merge rules").

crawler.storage.store builds the A/B/C operations of every story; this module adds what deduplication
and discovery need, each operation self-sufficient and idempotent so a batch gives the same
document in any order and a replayed batch changes nothing:
  summary   a teaser's snippet replaces the stored summary only when it ranks higher: a full
            page's own summary (set by B) always outranks teaser snippets; among snippets the
            longer wins, ties broken by the text's hash. (summary_rank holds the rank.)
  modified  B (a full page's content) applies only when the page's modified time is not older
            than the stored one: a republished story with a newer modified time replaces the
            text, an older copy seen later (a replay, a stale mirror) does not. A document that is
            still a teaser always takes its page (B), whatever date a feed gave the teaser and
            whether or not the teaser's text hashes like the page's, and B replaces the feed's
            date with the page's own (null when it has none): which of the two was stored
            first must not decide whether the story's text can change later.
  cluster   a document still alone in its own cluster joins the near-duplicate cluster found
            for it; a document already in a cluster is never moved.
  aliases   URLs of the same site that showed the same text are added to `aliases`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import numpy as np
from bson.binary import Binary

from crawler.urls import fingerprint

FULL_TIER = "2"
TEASER_TIER = "1"


def summary_rank(summary: str, full: bool) -> str:
    digest = hashlib.sha1(summary.encode("utf-8")).hexdigest()[:12]
    return f"{FULL_TIER if full else TEASER_TIER}:{len(summary):06d}:{digest}"


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, str):  # an item replayed from the spill keeps times as text
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def insert_fields(item: Any) -> dict[str, Any]:
    """Fields the first sighting of a story sets on insert, beyond the story fields."""
    out: dict[str, Any] = {}
    if item.summary:
        out["summary_rank"] = summary_rank(item.summary, item.completeness == "full")
    if item.completeness != "full":  # a feed's or sitemap's date, until the page says its own
        modified = _as_datetime(getattr(item, "modified_at", None))
        if modified is not None:
            out["modified_at"] = modified
            out["modified_raw"] = getattr(item, "modified_raw", None)
    # Unknown times are left out of a new document (FerretDB drops a null in $setOnInsert, and
    # the planner's insert must store what the upsert would); B sets them to null instead.
    out.update({k: v for k, v in content_fields(item).items() if v is not None})
    return out


def content_fields(item: Any) -> dict[str, Any]:
    """Fields that change with a full page's content (set by B together with the body)."""
    if item.completeness != "full":
        return {}
    # Always both, null included: a feed's date stored on the teaser is not the page's.
    out: dict[str, Any] = {"modified_at": _as_datetime(getattr(item, "modified_at", None)),
                           "modified_raw": getattr(item, "modified_raw", None) or None}
    if getattr(item, "text_hash", None):
        out["text_hash"] = item.text_hash
    if getattr(item, "minhash", None) is not None:
        out["minhash"] = Binary(np.asarray(item.minhash, dtype=np.uint32).tobytes())
    if item.summary:
        out["summary_rank"] = summary_rank(item.summary, True)
    return out


def content_filter(item: Any) -> dict[str, Any]:
    """B's condition beyond the story's _id: the text changed, and it does not replace a newer
    version's text with an older one's. A teaser has no text to protect: neither the date a
    feed or sitemap gave it nor a snippet that hashes like the page (a page without body text)
    keeps its page out. `{"modified_at": None}` matches a missing field and a null alike."""
    modified = _as_datetime(getattr(item, "modified_at", None))
    teaser = {"completeness": "teaser"}
    changed = [{"content_hash": {"$ne": item.content_hash}}, teaser]
    open_doc = [{"modified_at": None}, teaser]
    not_older = open_doc if modified is None else [*open_doc, {"modified_at": {"$lte": modified}}]
    return {"$and": [{"$or": changed}, {"$or": not_older}]}


def extra_ops(_id: str, items: list[Any], stored_rank: Any = None) -> list[tuple[dict, dict, bool]]:
    """Summary, cluster and alias operations, as (filter, update, upsert), for the sightings of
    ONE story. `stored_rank`: the summary_rank the story is known to have; the summary
    operation is left out when that rank already beats every snippet (a rank never falls, so
    the operation could not apply)."""
    ops: list[tuple[dict, dict, bool]] = []
    snippets = [i for i in items if i.completeness != "full" and i.summary]
    if snippets and isinstance(stored_rank, str) and stored_rank[:1] == FULL_TIER:
        snippets = []  # a full page's summary: no snippet's rank (TEASER_TIER) reaches it
    if snippets:
        # Each rank hashed once; among equal ranks the first sighting gives updated_at.
        rank, best = max(((summary_rank(i.summary, False), i) for i in snippets), key=lambda r: r[0])
    if snippets and not (isinstance(stored_rank, str) and stored_rank >= rank):
        ops.append((
            {"_id": _id, "$or": [{"summary_rank": {"$exists": False}}, {"summary_rank": {"$lt": rank}}]},
            {"$set": {"summary": best.summary, "summary_rank": rank},
             "$max": {"updated_at": best.seen_at}},
            False,
        ))
    for item in items:
        cluster = getattr(item, "cluster_id", None)
        if item.completeness == "full" and cluster and cluster != _id:
            ops.append(({"_id": _id, "cluster_id": _id},
                        {"$set": {"cluster_id": cluster}, "$max": {"updated_at": item.seen_at}}, False))
            break
    aliases = sorted({a for i in items for a in (getattr(i, "aliases", None) or [])})
    if aliases:
        ops.append(({"_id": _id}, {"$addToSet": {"aliases": {"$each": aliases}}}, False))
    return ops


def alias_ids(items: list[Any]) -> dict[str, list[str]]:
    """story id -> fingerprints of its alias URLs (documents that may need folding into it)."""

    out: dict[str, list[str]] = {}
    for item in items:
        for alias in getattr(item, "aliases", None) or []:
            fp = fingerprint(alias)
            if fp != item.fingerprint:
                out.setdefault(item.fingerprint, []).append(fp)
    return out
