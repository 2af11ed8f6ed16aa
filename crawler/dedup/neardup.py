"""Near-duplicate clusters across publishers: a bounded MinHash LSH index kept in numpy arrays.

Syndicated wire copy reaches an aggregator from many publishers, each lightly edited (a dateline,
a changed headline, a dropped last paragraph, a different footer). Each story's body signature
(crawler.dedup.text.minhash_signature, datasketch's MinHash) is looked up in an LSH index;
candidates are verified on their estimated Jaccard similarity of 3-word shingles, and a story
whose best match reaches THRESHOLD joins that match's cluster. Otherwise it starts its own cluster
(cluster_id = its own fingerprint).

THRESHOLD = 0.5: lightly edited copies of one story measure 0.6-0.95 on the labelled set
(tests/fixtures/neardup/: 0.70-0.94 with 64 permutations), different stories on one topic below
0.1, so 0.5 sits in the gap with room for the estimate's error (about +-0.06).

Why not datasketch's MinHashLSH (which this replaced): its band tables are dicts of sets of keys,
about 5 kB per story (102 MB for the default 20,000 stories, measured with tracemalloc by
`benchmarks/dedup.py --index`), so a crawl's memory grew by a hundred megabytes until the index
was full. Here the banding is the same (16 bands of 4 rows: what datasketch picks for the LSH
threshold used, THRESHOLD - 0.1, at 64 permutations), so the candidates and therefore the clusters
are the same, but a story costs one row of a uint32 signature matrix and one row of a uint64 band
matrix (384 bytes) plus its key. A lookup compares the query's 16 band hashes with every stored
row at once (numpy), which for 20,000 stories is no slower than datasketch's dict lookups plus
its MinHash object per call; `benchmarks/dedup.py --index` prints both side by side.

Memory is bounded: the index keeps at most `max_items` stories (the least recently seen are
evicted first: copies of one story are published within days of each other), 20,000 by default
(CRAWLER_NEARDUP_MAX_ITEMS). At a run's start it is rebuilt from the signatures stored on recent
documents (Store.dedup_snapshot).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from crawler.dedup.text import NUM_PERM

THRESHOLD = 0.5
DEFAULT_MAX_ITEMS = 20_000
BANDS = 16
ROWS = NUM_PERM // BANDS
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class NearDupMatch:
    cluster_id: str
    matched: str | None  # the key of the story it was matched to; None = a new cluster
    similarity: float


def band_hashes(signature: np.ndarray) -> np.ndarray:
    """One uint64 per band of ROWS signature values. Two signatures that agree on a whole band
    get the same hash; an accidental equal hash only adds a candidate, which the Jaccard check
    then rejects."""
    pairs = np.ascontiguousarray(signature, dtype=np.uint32).view(np.uint64).reshape(BANDS, -1)
    mixed = pairs[:, 0].copy()
    for col in range(1, pairs.shape[1]):
        mixed = (mixed * _MIX) ^ pairs[:, col]
    return mixed


class NearDupIndex:
    """Assigns cluster ids; holds at most max_items signatures."""

    def __init__(self, threshold: float = THRESHOLD, max_items: int = DEFAULT_MAX_ITEMS):
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.max_items = max(1, max_items)
        capacity = min(self.max_items, 1024)
        self._sigs = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        self._bands = np.zeros((capacity, BANDS), dtype=np.uint64)
        self._keys: list[str] = []  # by slot
        self._clusters: list[str] = []  # by slot
        self._slots: OrderedDict[str, int] = OrderedDict()  # key -> slot, least recent first

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, key: str) -> bool:
        return key in self._slots

    def cluster_of(self, key: str) -> str | None:
        slot = self._slots.get(key)
        return None if slot is None else self._clusters[slot]

    def load(self, key: str, signature: np.ndarray, cluster_id: str) -> None:
        """Put a stored story back (rebuild at a run's start): no lookup, its cluster is known."""
        if key in self._slots or signature is None or len(signature) != NUM_PERM:
            return
        self._insert(key, signature, band_hashes(signature), cluster_id)

    def add(self, key: str, signature: np.ndarray) -> NearDupMatch:
        """The cluster of the story `key`: its known cluster, its best verified match's, or new."""
        slot = self._slots.get(key)
        if slot is not None:
            self._slots.move_to_end(key)
            return NearDupMatch(self._clusters[slot], None, 1.0)
        bands = band_hashes(signature)
        candidates = self._candidate_slots(bands)
        best: tuple[float, str, str] | None = None
        if len(candidates):
            agree = np.count_nonzero(self._sigs[candidates] == signature, axis=1)
            for index, equal in zip(candidates.tolist(), agree.tolist(), strict=True):
                score = equal / NUM_PERM
                if score < self.threshold:
                    continue
                other, cluster = self._keys[index], self._clusters[index]
                # Highest similarity wins; ties go to the smaller cluster id, then the smaller
                # key, so the answer does not depend on insertion order.
                if best is None or (-score, cluster, other) < (-best[0], best[1], best[2]):
                    best = (score, cluster, other)
        cluster = best[1] if best else key
        self._insert(key, signature, bands, cluster)
        return NearDupMatch(cluster, best[2] if best else None, best[0] if best else 0.0)

    def candidates(self, signature: np.ndarray) -> set[str]:
        """The stored stories sharing at least one whole band with `signature` (LSH candidates,
        before the Jaccard check)."""
        return {self._keys[i] for i in self._candidate_slots(band_hashes(signature)).tolist()}

    def _candidate_slots(self, bands: np.ndarray) -> np.ndarray:
        # Rows sharing at least one band hash (flat positions // BANDS), ascending.
        used = len(self._keys)
        return np.unique(np.flatnonzero(self._bands[:used] == bands) // BANDS)

    def _insert(self, key: str, signature: np.ndarray, bands: np.ndarray, cluster_id: str) -> None:
        if len(self._slots) >= self.max_items:  # full: the least recently seen story's slot
            old, slot = self._slots.popitem(last=False)
            self._keys[slot], self._clusters[slot] = key, cluster_id
        else:
            slot = len(self._keys)
            if slot == len(self._sigs):
                self._grow()
            self._keys.append(key)
            self._clusters.append(cluster_id)
        self._sigs[slot] = signature
        self._bands[slot] = bands
        self._slots[key] = slot

    def _grow(self) -> None:
        capacity = min(self.max_items, 2 * len(self._sigs))
        sigs = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        bands = np.zeros((capacity, BANDS), dtype=np.uint64)
        sigs[: len(self._sigs)] = self._sigs
        bands[: len(self._bands)] = self._bands
        self._sigs, self._bands = sigs, bands
