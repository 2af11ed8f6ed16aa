"""Migration step: re-key stored stories whose canonical URL folds differently now.

Article keys are the fingerprint of the canonical URL (crawler.urls). When canonicalisation
learns a new fold (www. hosts, /amp/ path prefixes), stories stored under the old spelling would
never meet their new sightings. This step recomputes each story's canonical URL from the one
stored, with its profile's URL rules (so a profile's opt-out is respected), and:
- moves a story whose new key is free to that key (same document, new _id and canonical_url,
  the old URL kept in `aliases`);
- folds a story whose new key is already taken into that story (Store.fold_aliases: sightings
  and first/last seen merged, the old document deleted);
- rewrites what points at the old key: `pages.lead` / `pages.related`, `cluster_id`.
Idempotent: a second run finds every canonical URL already canonical and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from crawler.sites import get_profile
from crawler.urls import UrlRules, canonical_url, key_of

log = logging.getLogger(__name__)

NAME = "fold_url_keys"
DESCRIPTION = "re-key stories under the current URL folding (www. hosts, /amp/ path prefixes)"


@dataclass
class Result:
    examined: int = 0
    moved: int = 0
    merged: int = 0
    pages_rewritten: int = 0

    def __str__(self) -> str:
        return (f"{self.examined} stories examined, {self.moved} re-keyed, {self.merged} merged "
                f"into an existing story, {self.pages_rewritten} pages rewritten")


def profile_rules(aggregator: str | None) -> UrlRules | None:
    """The URL rules of the profile that stored a story (None: defaults)."""
    if not aggregator:
        return None
    try:
        return getattr(get_profile(aggregator), "url_rules", None)
    except Exception:  # a generic-spider host name, or a profile that no longer loads
        return None


def plan(docs, rules_for: Callable[[str | None], UrlRules | None] = profile_rules) -> dict[str, str]:
    """old _id -> new canonical URL, for stored stories whose key changes. Pure."""
    moves: dict[str, str] = {}
    for doc in docs:
        stored = doc.get("canonical_url")
        if not stored:
            continue
        new = canonical_url(stored, rules_for(doc.get("aggregator")))
        # Only a URL that folds differently moves: a key that is not the fingerprint of its own
        # unchanged URL was given by someone else (an import, a test) and is theirs to keep.
        if new != stored:
            moves[doc["_id"]] = new
    return moves


def migrate(store) -> Result:
    """Apply the step to the database `store` (crawler.storage.store.Store) talks to."""
    result = Result()
    articles = store.articles
    docs = list(articles.find({}, {"_id": 1, "canonical_url": 1, "aggregator": 1}))
    result.examined = len(docs)
    moves = plan(docs)
    renamed: dict[str, str] = {}
    for old_id, new_url in moves.items():
        new_id = key_of(new_url)
        if new_id == old_id:
            articles.update_one({"_id": old_id}, {"$set": {"canonical_url": new_url}})
            continue
        renamed[old_id] = new_id
        if articles.find_one({"_id": new_id}, {"_id": 1}) is not None:
            store.fold_aliases({new_id: [old_id]})
            old_url = next(d["canonical_url"] for d in docs if d["_id"] == old_id)
            articles.update_one({"_id": new_id}, {"$addToSet": {"aliases": old_url}})
            result.merged += 1
            continue
        doc = articles.find_one({"_id": old_id})
        if doc is None:
            continue
        aliases = list(doc.get("aliases") or [])
        if doc["canonical_url"] not in aliases:
            aliases.append(doc["canonical_url"])
        doc.update({"_id": new_id, "canonical_url": new_url, "aliases": aliases})
        if doc.get("cluster_id") == old_id:
            doc["cluster_id"] = new_id
        # The new copy first (its canonical_url differs from the old one's, so the unique index
        # allows both): a crash in between leaves a duplicate the next run merges, never a loss.
        articles.insert_one(doc)
        store.sightings.update_many({"story_id": old_id}, {"$set": {"story_id": new_id}})
        articles.delete_one({"_id": old_id})
        cache = getattr(store, "cache", None)
        if cache is not None:
            cache.drop(old_id)
        result.moved += 1
    if renamed:
        for old_id, new_id in renamed.items():
            articles.update_many({"cluster_id": old_id}, {"$set": {"cluster_id": new_id}})
        result.pages_rewritten = _rewrite_pages(store.pages, renamed)
    return result


def _rewrite_pages(pages, renamed: dict[str, str]) -> int:
    rewritten = 0
    ids = list(renamed)
    query = {"$or": [{"lead": {"$in": ids}}, {"related": {"$in": ids}}]}
    for page in pages.find(query, {"lead": 1, "related": 1}):
        lead = renamed.get(page.get("lead"), page.get("lead"))
        related = [renamed.get(r, r) for r in page.get("related") or []]
        pages.update_one({"_id": page["_id"]}, {"$set": {"lead": lead, "related": related}})
        rewritten += 1
    return rewritten
