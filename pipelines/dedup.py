"""Second stage: one story, one key; count what folds together within a run.

Every sighting keeps going to the store (each page's sighting is recorded on the story), but a
story already seen in this run is counted as folded, and its content hash is computed once here
so the store can tell a changed story from a re-seen one.
"""

from __future__ import annotations

from crawler.items import Article, Teaser
from crawler.store import content_hash


class DedupPipeline:
    def __init__(self, stats=None):
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        if isinstance(item, Article | Teaser):
            item.content_hash = content_hash(item)
            if item.fingerprint in self.seen:
                if self.stats:
                    self.stats.inc_value("dedup/folded")
            else:
                self.seen.add(item.fingerprint)
                if self.stats:
                    self.stats.inc_value("dedup/distinct")
        return item
