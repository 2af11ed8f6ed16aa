"""Near-duplicate clusters across publishers: a bounded MinHash LSH index (datasketch).

Syndicated wire copy reaches an aggregator from many publishers, each lightly edited (a dateline,
a changed headline, a dropped last paragraph, a different footer). Each story's body signature
(crawler.dedup.text.minhash_signature) is looked up in an LSH index; candidates are verified on
their estimated Jaccard similarity of 3-word shingles, and a story whose best match reaches
THRESHOLD joins that match's cluster. Otherwise it starts its own cluster (cluster_id = its own
fingerprint).

THRESHOLD = 0.5: lightly edited copies of one story measure 0.6-0.95 on the labelled set
(tests/fixtures/neardup/: 0.70-0.94 with 64 permutations), different stories on one topic below
0.1, so 0.5 sits in the gap with room for the estimate's error (about +-0.06).

Memory is bounded: the index keeps at most `max_items` stories (oldest evicted first: copies of
one story are published within days of each other), about 6 kB each, mostly datasketch's band
tables: 20,000 by default (CRAWLER_NEARDUP_MAX_ITEMS), about 120 MB. At a run's start it is
rebuilt from the signatures stored on recent documents (Store.dedup_snapshot).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from crawler.dedup.text import NUM_PERM, jaccard, to_minhash

THRESHOLD = 0.5
DEFAULT_MAX_ITEMS = 20_000


@dataclass(frozen=True)
class NearDupMatch:
    cluster_id: str
    matched: str | None  # the key of the story it was matched to; None = a new cluster
    similarity: float


class NearDupIndex:
    """Assigns cluster ids; holds at most max_items signatures."""

    def __init__(self, threshold: float = THRESHOLD, max_items: int = DEFAULT_MAX_ITEMS):
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.max_items = max(1, max_items)
        # The LSH is tuned a little below the verification threshold so borderline pairs become
        # candidates; the Jaccard estimate then decides.
        self.lsh = MinHashLSH(threshold=max(0.05, threshold - 0.1), num_perm=NUM_PERM)
        self.items: OrderedDict[str, tuple[np.ndarray, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def cluster_of(self, key: str) -> str | None:
        entry = self.items.get(key)
        return entry[1] if entry else None

    def load(self, key: str, signature: np.ndarray, cluster_id: str) -> None:
        """Put a stored story back (rebuild at a run's start): no lookup, its cluster is known."""
        if key in self.items or signature is None or len(signature) != NUM_PERM:
            return
        self._insert(key, signature, cluster_id)

    def add(self, key: str, signature: np.ndarray) -> NearDupMatch:
        """The cluster of the story `key`: its known cluster, its best verified match's, or new."""
        known = self.items.get(key)
        if known is not None:
            self.items.move_to_end(key)
            return NearDupMatch(known[1], None, 1.0)
        best: tuple[float, str, str] | None = None
        minhash = to_minhash(signature)  # built once: the query and the insert share it
        for other in self.lsh.query(minhash):
            other_sig, other_cluster = self.items[other]
            score = jaccard(signature, other_sig)
            if score < self.threshold:
                continue
            # Highest similarity wins; ties go to the smaller cluster id (deterministic).
            if best is None or score > best[0] or (score == best[0] and other_cluster < best[1]):
                best = (score, other_cluster, other)
        cluster = best[1] if best else key
        self._insert(key, signature, cluster, minhash)
        return NearDupMatch(cluster, best[2] if best else None, best[0] if best else 0.0)

    def _insert(self, key: str, signature: np.ndarray, cluster_id: str, minhash=None) -> None:
        self.lsh.insert(key, minhash or to_minhash(signature), check_duplication=False)
        self.items[key] = (signature, cluster_id)
        while len(self.items) > self.max_items:
            old, _ = self.items.popitem(last=False)
            self.lsh.remove(old)
