"""Near-duplicate clusters across publishers: a bounded MinHash LSH index kept in numpy arrays.

Syndicated wire copy reaches an aggregator from many publishers, each lightly edited (a dateline,
a changed headline, a dropped last paragraph, a different footer). Each story's body signature
(crawler.dedup.text.minhash_signature, datasketch's MinHash) is looked up in an LSH index;
candidates are verified exactly on their 3-word shingles when both sides have them (Jaccard
similarity reaching THRESHOLD, or the shorter text at least CONTAINMENT inside the longer: a
trimmed copy), else on the signatures' estimate, and a story whose best match passes joins that
match's cluster. Two updates of one story that share a background paragraph measure about 0.3-0.4
Jaccard and 0.5-0.6 containment, and stay apart. Otherwise it starts its own cluster
(cluster_id = its own fingerprint).

THRESHOLD = 0.5: lightly edited copies of one story measure 0.6-0.95 on the labelled set
(tests/fixtures/neardup/: 0.70-0.94 with 64 permutations), different stories on one topic below
0.1, so 0.5 sits in the gap with room for the estimate's error (about +-0.06).

Why not datasketch's MinHashLSH (which this replaced): its band tables are dicts of sets of keys,
about 5 kB per story (102 MB for the default 20,000 stories, measured with tracemalloc by
`benchmarks/dedup.py --index`), so a crawl's memory grew by a hundred megabytes until the index
was full. Here the banding is derived from the threshold (band_layout: the fixed 16 x 4 it
replaced made a pair at J = 0.5 a candidate only 64% of the time), the same as datasketch's
with those params, so the candidates and therefore the clusters
are the same, but a story costs one row of a uint32 signature matrix and one row of a uint64 band
matrix (512 bytes at 32 bands) plus its key, and for stories added this run its shingle hashes
(4 bytes a shingle, about 0.5 kB for a 100-word body). A lookup compares the query's band hashes with every stored
row at once (numpy), which for 20,000 stories is no slower than datasketch's dict lookups plus
its MinHash object per call; `benchmarks/dedup.py --index` prints both side by side.

Memory is bounded: the index keeps at most `max_items` stories (the least recently seen are
evicted first: copies of one story are published within days of each other), 20,000 by default
(CRAWLER_NEARDUP_MAX_ITEMS). At a run's start it is rebuilt from the signatures stored on recent
documents (Store.dedup_snapshot).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from crawler.dedup.text import NUM_PERM

THRESHOLD = 0.5
DEFAULT_MAX_ITEMS = 20_000
# A trimmed copy (the shorter text wholly inside the longer) is a copy whatever its Jaccard
# similarity: the share of the shorter text's shingles found in the longer one at or above this.
CONTAINMENT = 0.8
# A story syndicated to hundreds of sites makes hundreds of candidates of one cluster; each new
# copy is checked exactly against this many of them (its closest by signature), not all, so the
# cost of a page does not grow with the size of the cluster it joins.
EXACT_CHECKS_PER_CLUSTER = 8
# Candidates must include pairs this far below the threshold (trimmed copies), with this chance.
CANDIDATE_FLOOR = 0.7
CANDIDATE_PROBABILITY = 0.98
_MIX = np.uint64(0x9E3779B97F4A7C15)


def candidate_probability(similarity: float, rows: int, bands: int) -> float:
    """The LSH curve: the chance that two texts of this Jaccard similarity share a whole band."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def band_layout(threshold: float) -> tuple[int, int]:
    """(bands, rows) for a threshold: the most rows per band (fewest chance candidates) that still
    make a pair at CANDIDATE_FLOOR x threshold a candidate with CANDIDATE_PROBABILITY, so the
    candidates follow the threshold instead of a fixed layout (the curve per threshold is in
    docs/schema.md's near-duplicate section)."""
    floor = threshold * CANDIDATE_FLOOR
    best = (NUM_PERM, 1)
    for rows in range(1, NUM_PERM + 1):
        bands = NUM_PERM // rows
        if candidate_probability(floor, rows, bands) >= CANDIDATE_PROBABILITY:
            best = (bands, rows)
    return best


@dataclass(frozen=True)
class NearDupMatch:
    cluster_id: str
    matched: str | None  # the key of the story it was matched to; None = a new cluster
    similarity: float


def band_hashes(signature: np.ndarray, bands: int = 32, rows: int = 2) -> np.ndarray:
    """One uint64 per band of ROWS signature values. Two signatures that agree on a whole band
    get the same hash; an accidental equal hash only adds a candidate, which the Jaccard check
    then rejects."""
    values = np.ascontiguousarray(signature[: bands * rows], dtype=np.uint32).astype(np.uint64)
    table = values.reshape(bands, rows)
    mixed = table[:, 0].copy()
    for col in range(1, rows):
        mixed = (mixed * _MIX) ^ table[:, col]
    return mixed


def exact_similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard similarity, containment of the smaller in the larger) of two sorted, distinct
    shingle-hash arrays."""
    # Both arrays are sorted: a stable sort of the two runs side by side is a merge, and equal
    # neighbours are the common values. np.intersect1d sorts from scratch and copies more; this
    # runs once per near-duplicate candidate, hundreds of times per page in a large cluster.
    joined = np.concatenate((a, b))
    joined.sort(kind="stable")
    common = int(np.count_nonzero(joined[1:] == joined[:-1]))
    union = len(a) + len(b) - common
    return (common / union if union else 0.0), (common / min(len(a), len(b)) if len(a) and len(b) else 0.0)


class NearDupIndex:
    """Assigns cluster ids; holds at most max_items signatures."""

    def __init__(self, threshold: float = THRESHOLD, max_items: int = DEFAULT_MAX_ITEMS):
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.bands, self.rows = band_layout(threshold)
        self.max_items = max(1, max_items)
        capacity = min(self.max_items, 1024)
        self._sigs = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        self._bands = np.zeros((capacity, self.bands), dtype=np.uint64)
        self._shingles: list[np.ndarray | None] = []  # by slot: exact shingle hashes, if known
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
        self._insert(key, signature, self._band(signature), cluster_id, None)

    def _band(self, signature: np.ndarray) -> np.ndarray:
        return band_hashes(signature, self.bands, self.rows)

    def add(self, key: str, signature: np.ndarray, shingles: np.ndarray | None = None) -> NearDupMatch:
        """The cluster of the story `key`: its known cluster, its best verified match's, or new.
        With `shingles` (the body's sorted shingle hashes) candidates that have theirs too are
        checked exactly: Jaccard similarity at or above the threshold, or the shorter text at
        least CONTAINMENT inside the longer (a trimmed copy). Otherwise the signatures'
        estimate of Jaccard similarity decides."""
        slot = self._slots.get(key)
        if slot is not None:
            self._slots.move_to_end(key)
            return NearDupMatch(self._clusters[slot], None, 1.0)
        bands = self._band(signature)
        candidates = self._candidate_slots(bands)
        best: tuple[float, str, str] | None = None
        if len(candidates):
            agree = np.count_nonzero(self._sigs[candidates] == signature, axis=1)
            # Most similar by signature first, so a large cluster's exact checks go to the
            # members most likely to match and stop after EXACT_CHECKS_PER_CLUSTER of them.
            order = np.argsort(-agree, kind="stable")
            checked: Counter[str] = Counter()
            for index, equal in zip(candidates[order].tolist(), agree[order].tolist(), strict=True):
                score = equal / NUM_PERM
                theirs = self._shingles[index]
                if shingles is not None and theirs is not None:
                    if checked[self._clusters[index]] >= EXACT_CHECKS_PER_CLUSTER:
                        continue
                    checked[self._clusters[index]] += 1
                    score, contained = exact_similarity(shingles, theirs)
                    if score < self.threshold and contained >= CONTAINMENT:
                        score = max(score, self.threshold)  # a trimmed copy
                if score < self.threshold:
                    continue
                other, cluster = self._keys[index], self._clusters[index]
                # Highest similarity wins; ties go to the smaller cluster id, then the smaller
                # key, so the answer does not depend on insertion order.
                if best is None or (-score, cluster, other) < (-best[0], best[1], best[2]):
                    best = (score, cluster, other)
        cluster = best[1] if best else key
        self._insert(key, signature, bands, cluster, shingles)
        return NearDupMatch(cluster, best[2] if best else None, best[0] if best else 0.0)

    def candidates(self, signature: np.ndarray) -> set[str]:
        """The stored stories sharing at least one whole band with `signature` (LSH candidates,
        before the Jaccard check)."""
        return {self._keys[i] for i in self._candidate_slots(self._band(signature)).tolist()}

    def _candidate_slots(self, bands: np.ndarray) -> np.ndarray:
        # Rows sharing at least one band hash (flat positions // BANDS), ascending.
        used = len(self._keys)
        return np.unique(np.flatnonzero(self._bands[:used] == bands) // self.bands)

    def _insert(self, key: str, signature: np.ndarray, bands: np.ndarray, cluster_id: str,
                shingles: np.ndarray | None) -> None:
        if len(self._slots) >= self.max_items:  # full: the least recently seen story's slot
            old, slot = self._slots.popitem(last=False)
            self._keys[slot], self._clusters[slot] = key, cluster_id
            self._shingles[slot] = shingles
        else:
            slot = len(self._keys)
            if slot == len(self._sigs):
                self._grow()
            self._keys.append(key)
            self._clusters.append(cluster_id)
            self._shingles.append(shingles)
        self._sigs[slot] = signature
        self._bands[slot] = bands
        self._slots[key] = slot

    def _grow(self) -> None:
        capacity = min(self.max_items, 2 * len(self._sigs))
        sigs = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        bands = np.zeros((capacity, self.bands), dtype=np.uint64)
        sigs[: len(self._sigs)] = self._sigs
        bands[: len(self._bands)] = self._bands
        self._sigs, self._bands = sigs, bands
