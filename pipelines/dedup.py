"""Second stage: one story, one key; syndicated copies share a cluster.

For every sighting: its content hash (so the store can tell a changed story from a re-seen one),
and a story already seen in this run is counted as folded. For a full page, also:
- exact aliases: the same headline and body under another URL of the same site already stored
  (or seen this run) re-keys the page onto that story and records the URL as an alias; teasers
  and page snapshots naming the alias are re-keyed too;
- near-duplicates: the body's MinHash signature is looked up in a bounded LSH index and the story
  joins the cluster of its best match at or above CRAWLER_NEARDUP_THRESHOLD;
- the page's modified time (modified_raw) is read as UTC for the republish rule.
Both indexes are rebuilt at open from the most recently updated stories in the database
(CRAWLER_DEDUP_REBUILD_LIMIT of them), so memory stays bounded by CRAWLER_NEARDUP_MAX_ITEMS.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import numpy as np

from crawler.dedup import NearDupIndex, content_tokens, minhash_signature, text_hash
from crawler.dedup.aliases import AliasIndex
from crawler.dedup.neardup import DEFAULT_MAX_ITEMS, THRESHOLD
from crawler.dedup.text import MIN_CONTENT_WORDS, shingle_hashes
from crawler.frontier.seen import U64Map, key64
from crawler.items import Article, PageSnapshot, Teaser, stored_items
from crawler.redact import public_name
from crawler.storage import for_crawler
from crawler.storage.store import content_hash
from crawler.urls import fingerprint, site_of

log = logging.getLogger(__name__)


class DedupPipeline:
    def __init__(self, stats=None, threshold: float = THRESHOLD, max_items: int = DEFAULT_MAX_ITEMS,
                 rebuild_limit: int | None = None, crawler=None):
        self.stats = stats
        # Stories seen this run, for the folded / distinct counts: every story of a run, so
        # kept as 64-bit keys (crawler.frontier.seen), not strings.
        self.seen = U64Map()
        self.index = NearDupIndex(threshold=threshold, max_items=max_items)
        self.aliases = AliasIndex(max_items=max_items)
        self.canonical_of: dict[str, str] = {}
        self.rebuild_limit = max_items if rebuild_limit is None else rebuild_limit
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        max_items = s.getint("CRAWLER_NEARDUP_MAX_ITEMS", DEFAULT_MAX_ITEMS)
        return cls(crawler.stats, threshold=s.getfloat("CRAWLER_NEARDUP_THRESHOLD", THRESHOLD),
                   max_items=max_items,
                   rebuild_limit=s.getint("CRAWLER_DEDUP_REBUILD_LIMIT", max_items),
                   crawler=crawler)

    def open_spider(self, spider=None):
        if self.rebuild_limit <= 0 or self.crawler is None:
            return
        try:
            self.rebuild()
        except Exception as exc:  # the store pipeline reports an unreachable database itself
            log.warning("dedup index not rebuilt from the database (%s); starting empty",
                        public_name(exc))

    def rebuild(self) -> int:
        """Load the recent stories' keys; returns how many were loaded."""
        docs = list(for_crawler(self.crawler).dedup_snapshot(self.rebuild_limit))
        loaded = 0
        for doc in reversed(docs):  # oldest first, so the newest stay when the index is full
            _id, canonical = doc["_id"], doc.get("canonical_url") or ""
            if doc.get("text_hash"):
                self.aliases.remember_text(site_of(canonical), doc["text_hash"], _id, canonical)
            for alias in doc.get("aliases") or []:
                self.aliases.remember_alias(fingerprint(alias), _id)
                self.canonical_of[_id] = canonical
            raw = doc.get("minhash")
            if raw:
                signature = np.frombuffer(bytes(raw), dtype=np.uint32)
                self.index.load(_id, signature, doc.get("cluster_id") or _id)
            loaded += 1
        if self.stats:
            self.stats.set_value("dedup/rebuilt", loaded)
        return loaded

    def process_item(self, item, spider=None):
        for one in stored_items(item):
            self._dedup(one)
        return item

    def _dedup(self, item) -> None:
        if isinstance(item, PageSnapshot):
            item.lead = self.aliases.resolve(item.lead)
            item.related = [self.aliases.resolve(f) for f in item.related]
            return
        if not isinstance(item, Article | Teaser):
            return
        if isinstance(item, Article):
            self._read_modified(item)
            tokens = content_tokens(item.body)
            self._fold_alias(item, tokens)
            self._cluster(item, tokens)
        else:
            story = self.aliases.resolve(item.fingerprint)
            if story != item.fingerprint:
                item.fingerprint = story
                item.canonical_url = self.canonical_of.get(story, item.canonical_url)
        item.content_hash = content_hash(item)
        if self.seen.add(key64(item.fingerprint)):
            self._inc("dedup/distinct")
        else:
            self._inc("dedup/folded")

    def _fold_alias(self, item: Article, tokens: list[str]) -> None:
        item.text_hash = text_hash(item.headline, item.body, tokens)
        for alias in item.aliases:  # the page URL, when rel=canonical named another on this site
            self.aliases.remember_alias(fingerprint(alias), item.fingerprint)
            self.canonical_of[item.fingerprint] = item.canonical_url
        known = self.aliases.resolve(item.fingerprint)
        if known != item.fingerprint:  # a URL already known as an alias
            item.aliases = [*item.aliases, item.canonical_url]
            item.fingerprint, item.canonical_url = known, self.canonical_of.get(known, item.canonical_url)
            return
        if item.text_hash is None:
            return
        site = site_of(item.canonical_url or item.url)
        story = self.aliases.story_for_text(site, item.text_hash)
        if story is None:
            self.aliases.remember_text(site, item.text_hash, item.fingerprint, item.canonical_url)
            return
        story_fp, story_url = story
        if story_fp != item.fingerprint:
            self._inc("dedup/aliases")
            item.aliases = [*item.aliases, item.canonical_url]
            self.aliases.remember_alias(item.fingerprint, story_fp)
            self.canonical_of[story_fp] = story_url
            item.fingerprint, item.canonical_url = story_fp, story_url

    def _cluster(self, item: Article, tokens: list[str]) -> None:
        if len(tokens) < MIN_CONTENT_WORDS:
            return
        shingles = shingle_hashes(tokens)  # for the signature and the exact check of candidates
        signature = minhash_signature(item.body, tokens, shingles)
        match = self.index.add(item.fingerprint, signature, shingles)
        item.minhash = signature.tolist()
        item.cluster_id = match.cluster_id
        if match.matched is not None:
            self._inc("dedup/near_duplicates")

    @staticmethod
    def _read_modified(item: Article) -> None:
        """The page's own modified time, or the feed's / sitemap's date for it (set by the
        spider) when that is later: both say when the page last changed."""
        if not item.modified_raw:
            return
        try:
            value = datetime.fromisoformat(item.modified_raw.strip().replace("Z", "+00:00"))
        except ValueError:
            log.info("unreadable modified time %r on %s (kept as text)", item.modified_raw, item.url)
            return
        own = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        item.modified_at = own if item.modified_at is None else max(own, item.modified_at)

    def _inc(self, key: str) -> None:
        if self.stats:
            self.stats.inc_value(key)
