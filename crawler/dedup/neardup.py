"""Near-duplicate clusters across publishers: a bounded MinHash LSH index kept in numpy arrays.

Syndicated wire copy reaches an aggregator from many publishers, each lightly edited (a dateline,
a changed headline, a dropped last paragraph, a different footer). Each story's body signature
(crawler.dedup.text.minhash_signature: datasketch's MinHash values) is looked up in an LSH index;
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
are the same, but a story costs one column of a uint32 signature matrix and one of a uint64 band
matrix (512 bytes at 32 bands) plus its key, and for stories added this run its shingle hashes
(4 bytes a shingle, about 0.5 kB for a 100-word body). A lookup compares the query's band hashes with every stored
row at once (numpy), which for 20,000 stories is no slower than datasketch's dict lookups plus
its MinHash object per call; `benchmarks/dedup.py --index` prints both side by side.

The cost of a lookup is bounded too: on a site whose stories share vocabulary every stored story
can be a candidate, so the exact checks (NearDupIndex._best_checked) skip candidates whose
signature agreement rules out a pass, stop once no later candidate can beat the best match, and
never exceed MAX_EXACT_CHECKS; the rest of a lookup is a few numpy passes over the index. Both
matrices are stored a row per signature value or band and a column per story, so each pass runs
along a row; an exact check looks the candidate's shingles up in a table of the query's (Members)
rather than searching a sorted array. `benchmarks/dedup.py --per-story` measures a lookup with
the rest of the dedup work per story against the code before these, and
tests/unit/test_dedup_reference.py checks that both give the same answers.

Memory is bounded: the index keeps at most `max_items` stories (the least recently seen are
evicted first: copies of one story are published within days of each other), 20,000 here and
5,000 in a crawl (CRAWLER_NEARDUP_MAX_ITEMS, chosen so a crawl's memory is flat from its first
few thousand pages on; docs/operations.md). At a run's start it is rebuilt from the signatures stored on recent
documents (Store.dedup_snapshot).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

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
# Many stories on one topic (one council, one vocabulary) make many clusters of candidates at
# once: the exact checks of one lookup, over all clusters, stop at this many (the closest by
# signature first). Eight clusters' worth: a real copy agrees with its original on most of the
# signature and comes first; further down, candidates pass at best narrowly, and checking them
# would only change which of several near-equal matches a story joins.
MAX_EXACT_CHECKS = 8 * EXACT_CHECKS_PER_CLUSTER
# The chance, per candidate, that the signature estimate hides a pair that would have passed (or
# would have beaten the best match found): the error allowed when skipping exact checks.
ESTIMATE_RISK = 1e-4
# Up to this many exact checks per lookup, candidates are kept per cluster by counting in a dict
# (fewer Python steps than numpy calls); more (checking every candidate), by ranking in numpy.
_COUNTED_CHECKS = 256
# Exact checks are made in batches (one batch, one set of numpy calls): this many first, then
# each batch BATCH_GROWTH times the last. A lookup that ends early (a close copy found first)
# computes few checks past its end; one that goes on (many narrow passes on one topic) takes
# few batches.
CHECK_BATCH = 16
BATCH_GROWTH = 3
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


@lru_cache(maxsize=4)
def similarity_reach(num_perm: int = NUM_PERM, risk: float = ESTIMATE_RISK) -> np.ndarray:
    """By number of equal signature values a (0..num_perm): the highest Jaccard similarity two
    texts can have and still show a or fewer equal values with probability `risk` (the one-sided
    Clopper-Pearson bound: equal values follow Binomial(num_perm, J)). A candidate whose reach is
    below what passing needs, or below the best exact match already found, is not checked. The
    bound is wide (an estimate of NUM_PERM values errs by a few hundredths either way), so a
    skipped candidate is one that almost surely fails or loses."""
    ways = [math.comb(num_perm, k) for k in range(num_perm + 1)]

    def at_most(a: int, p: float) -> float:  # P(Binomial(num_perm, p) <= a), term by term
        return sum(ways[k] * p**k * (1.0 - p) ** (num_perm - k) for k in range(a + 1))

    reach = np.ones(num_perm + 1)
    for a in range(num_perm if risk > 0 else 0):  # no risk allowed: every candidate can reach 1
        low, high = a / num_perm, 1.0
        for _ in range(40):
            mid = (low + high) / 2
            low, high = (mid, high) if at_most(a, mid) >= risk else (low, mid)
        reach[a] = low
    reach.setflags(write=False)
    return reach


@lru_cache(maxsize=4)
def _reach_list(num_perm: int, risk: float) -> list[float]:
    """similarity_reach as a list: read one value at a time, where a list index is cheaper."""
    return similarity_reach(num_perm, risk).tolist()


def passing_similarity(size: int, sizes: np.ndarray, threshold: float) -> np.ndarray:
    """The lowest Jaccard similarity at which a text of `size` shingles passes against texts of
    `sizes`: the threshold, or lower where CONTAINMENT of the shorter in the longer is reachable
    first. Both measures grow with the common shingles c: J = c / (n1 + n2 - c), containment =
    c / min(n1, n2), so containment CONTAINMENT means J = C m / (n1 + n2 - C m), m the shorter.
    Only a much shorter copy passes below the threshold this way."""
    shorter = np.minimum(sizes, size) * CONTAINMENT
    with np.errstate(divide="ignore", invalid="ignore"):
        trimmed = np.where(shorter > 0, shorter / (sizes + size - shorter), 1.0)
    return np.minimum(trimmed, threshold)


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
    jaccard, contained = exact_similarities(a, [b])
    return float(jaccard[0]), float(contained[0])


def exact_similarities(query: np.ndarray, others: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """exact_similarity of `query` with each of `others`, in one pass over the others' values
    (no per-pair sort or concatenation): a few numpy calls per batch instead of per pair."""
    return _similarities(Members(query), others)


# Slots per shingle of the query in a Members table, as a power of two: the more, the fewer
# shingles share a slot (each collision costs another table and another pass over the values).
_SLOTS_PER_VALUE_BITS = 6
_MAX_SLOT_BITS = 22


class Members:
    """Which values belong to a sorted, distinct array of 32-bit shingle hashes, answered for
    many values at once. A direct-address table indexed by the top bits of a value holds the
    member with those bits; an empty slot holds a value whose top bits differ, so no value
    matches it. Members that share a slot go to a second table (and so on), so the answer is
    exact: a value belongs iff some table holds it in its slot. One gather and one comparison per
    value and table, several times cheaper than a binary search of the array (which is what
    arrays of another dtype still get)."""

    def __init__(self, values: np.ndarray):
        self.values = values
        self.size = len(values)
        self.tables: list[np.ndarray] = []
        if values.dtype != np.uint32 or not self.size:
            return
        bits = min(_MAX_SLOT_BITS, max(8, self.size.bit_length() + _SLOTS_PER_VALUE_BITS))
        self.shift = np.uint32(32 - bits)
        rest = values
        while len(rest):
            slots = rest >> self.shift
            table = _empty_table(bits).copy()
            table[slots] = rest
            placed = table[slots] == rest
            self.tables.append(table)
            rest = rest[~placed]

    def contains(self, candidates: np.ndarray) -> np.ndarray:
        """For each of `candidates`, whether it is one of the values."""
        if not self.size:
            return np.zeros(len(candidates), dtype=bool)
        if not self.tables or candidates.dtype != np.uint32:
            at = np.searchsorted(self.values, candidates)
            np.minimum(at, self.size - 1, out=at)
            return self.values[at] == candidates
        slots = candidates >> self.shift
        found = np.take(self.tables[0], slots) == candidates
        for table in self.tables[1:]:
            found |= np.take(table, slots) == candidates
        return found


@lru_cache(maxsize=_MAX_SLOT_BITS + 1)
def _empty_table(bits: int) -> np.ndarray:
    """A Members table with no member: slot s holds a value whose top bits are s ^ 1."""
    table = (np.arange(1 << bits, dtype=np.uint32) ^ np.uint32(1)) << np.uint32(32 - bits)
    table.setflags(write=False)
    return table


def _similarities(query: Members, others: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    jaccard, contained = _similarity_lists(query, others)
    return np.array(jaccard, dtype=float), np.array(contained, dtype=float)


def _similarity_lists(query: Members, others: list[np.ndarray]) -> tuple[list[float], list[float]]:
    """exact_similarities as lists: what the lookup reads, one value at a time. The per-pair
    arithmetic is done on Python numbers (a batch is a few dozen pairs, fewer than it takes for
    numpy's per-call cost to pay off); the quotients are the same as numpy's, both being the
    correctly rounded division of two exactly represented integers."""
    sizes = [len(other) for other in others]
    size = query.size
    if not size or not any(sizes):
        return [0.0] * len(others), [0.0] * len(others)
    # Where the others' values were found; how many of those lie before each one's end.
    found = np.flatnonzero(query.contains(np.concatenate(others)))
    before = np.searchsorted(found, list(accumulate(sizes))).tolist()
    jaccard, contained = [], []
    previous = 0
    for other, found_before in zip(sizes, before, strict=True):
        common, previous = found_before - previous, found_before
        union, shorter = size + other - common, min(other, size)
        jaccard.append(common / union if union > 0 else 0.0)
        contained.append(common / shorter if shorter > 0 else 0.0)
    return jaccard, contained


class NearDupIndex:
    """Assigns cluster ids; holds at most max_items signatures.

    A lookup costs at most `max_checks` exact checks whatever the index holds: candidates are
    taken in order of signature agreement, those whose agreement could not come from a passing
    pair (similarity_reach below passing_similarity) are never checked, each cluster gets at most
    EXACT_CHECKS_PER_CLUSTER, and the checks stop once no later candidate could beat the best
    match found. `max_checks=None, risk=0` checks every candidate (the reference behaviour the
    benchmark compares with)."""

    def __init__(self, threshold: float = THRESHOLD, max_items: int = DEFAULT_MAX_ITEMS,
                 max_checks: int | None = MAX_EXACT_CHECKS, risk: float = ESTIMATE_RISK):
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.bands, self.rows = band_layout(threshold)
        self.max_items = max(1, max_items)
        self.max_checks = max_checks
        self.risk = risk
        self.exact_checks = 0  # exact checks made so far (a count for benchmarks and tests)
        capacity = min(self.max_items, 1024)
        # Permutation-major (a row per signature value, a column per story), like the bands: the
        # agreement of a query with every story is one pass along each row (see _agreement).
        self._sigs = np.zeros((NUM_PERM, capacity), dtype=np.uint32)
        # Band-major (a row per band, a column per story): a lookup compares each band with all
        # stories in one contiguous pass.
        self._bands = np.zeros((self.bands, capacity), dtype=np.uint64)
        self._sizes = np.zeros(capacity, dtype=np.int64)  # by slot: shingle count, -1 unknown
        # By slot: hash() of the cluster id, to count checks per cluster without a Python loop
        # (two clusters sharing a 64-bit hash would only share their EXACT_CHECKS_PER_CLUSTER).
        self._cluster_codes = np.zeros(capacity, dtype=np.int64)
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
            agree = _column_agreement(self._sigs, candidates, signature)
            exact = self._sizes[candidates] >= 0 if shingles is not None else np.zeros(len(candidates), bool)
            best = self._best_estimated(candidates[~exact], agree[~exact])
            if exact.any():
                best = self._best_checked(candidates[exact], agree[exact], shingles, best)
        cluster = best[1] if best else key
        self._insert(key, signature, bands, cluster, shingles)
        return NearDupMatch(cluster, best[2] if best else None, best[0] if best else 0.0)

    def _better(self, best: tuple[float, str, str] | None, score: float, index: int
                ) -> tuple[float, str, str] | None:
        # Highest similarity wins; ties go to the smaller cluster id, then the smaller key, so
        # the answer does not depend on insertion order.
        other, cluster = self._keys[index], self._clusters[index]
        if best is None or (-score, cluster, other) < (-best[0], best[1], best[2]):
            return (score, cluster, other)
        return best

    def _best_estimated(self, candidates: np.ndarray, agree: np.ndarray) -> tuple[float, str, str] | None:
        """The best candidate without shingles (reloaded stories): the estimate is its score."""
        passing = agree / NUM_PERM >= self.threshold
        if not passing.any():
            return None
        top = int(agree[passing].max())
        best = None
        for index in candidates[agree == top].tolist():
            best = self._better(best, top / NUM_PERM, index)
        return best

    def _best_checked(self, candidates: np.ndarray, agree: np.ndarray, shingles: np.ndarray,
                      best: tuple[float, str, str] | None) -> tuple[float, str, str] | None:
        """The best of `best` and the candidates that pass an exact check, making at most
        max_checks of them (see the class docstring for which)."""
        members = Members(shingles)
        # Most similar by signature first (stable: equal agreement keeps slot order; a small
        # integer key sorts by radix, in one pass). Sorting before or after dropping the
        # implausible candidates gives the same order of those left.
        order = np.argsort((NUM_PERM - agree).astype(np.uint8), kind="stable")
        candidates, agree = self._to_check(candidates[order], agree[order], len(shingles))
        reach_of = _reach_list(NUM_PERM, self.risk)
        done, size = 0, CHECK_BATCH
        while done < len(candidates):
            batch = candidates[done : done + size].tolist()
            scores, contained = _similarity_lists(members, [self._shingles[i] for i in batch])
            self.exact_checks += len(batch)
            for index, equal, score, inside in zip(batch, agree[done : done + size].tolist(),
                                                   scores, contained, strict=True):
                if best is not None and reach_of[equal] < best[0]:
                    return best  # this and every later candidate are almost surely less similar
                if score < self.threshold and inside >= CONTAINMENT:
                    score = self.threshold  # a trimmed copy
                if score >= self.threshold:
                    best = self._better(best, score, index)
            done, size = done + size, size * BATCH_GROWTH
        return best

    def _to_check(self, candidates: np.ndarray, agree: np.ndarray, size: int
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Of the ordered candidates, those whose signature agreement could come from a passing
        pair (similarity_reach at least passing_similarity): the first max_checks, each
        cluster's first EXACT_CHECKS_PER_CLUSTER only."""
        limit = len(candidates) if self.max_checks is None else self.max_checks
        if limit <= _COUNTED_CHECKS:
            return self._to_check_counted(candidates, agree, size, limit)
        plausible = self._plausible(candidates, agree, size)
        return self._per_cluster(candidates[plausible], agree[plausible], limit)

    def _plausible(self, candidates: np.ndarray, agree: np.ndarray, size: int) -> np.ndarray:
        reach = similarity_reach(NUM_PERM, self.risk)
        return reach[agree] >= passing_similarity(size, self._sizes[candidates], self.threshold)

    def _per_cluster(self, candidates: np.ndarray, agree: np.ndarray, limit: int
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The first `limit` of the ordered candidates, each cluster's first
        EXACT_CHECKS_PER_CLUSTER only. Ranks within clusters are computed over a prefix that
        grows until it holds enough (a rank depends only on earlier positions), so a long list
        of candidates is not grouped in full."""
        prefix = 2 * limit
        while True:
            head = candidates[:prefix]
            keep = _rank_within(self._cluster_codes[head]) < EXACT_CHECKS_PER_CLUSTER
            if prefix >= len(candidates) or np.count_nonzero(keep) >= limit:
                return head[keep][:limit], agree[:prefix][keep][:limit]
            prefix *= 2

    def _to_check_counted(self, candidates: np.ndarray, agree: np.ndarray, size: int, limit: int
                          ) -> tuple[np.ndarray, np.ndarray]:
        """_to_check for a small limit: the candidates are walked in order, in chunks that grow,
        plausibility is computed for a chunk at a time and clusters counted in a dict, and the
        walk stops once `limit` are kept (a few dozen steps, where ranking in numpy would take a
        dozen calls and plausibility would be computed for every candidate)."""
        kept: list[int] = []
        counts: dict[int, int] = {}
        start, chunk = 0, 2 * limit
        while start < len(candidates) and len(kept) < limit:
            part = candidates[start : start + chunk]
            plausible = self._plausible(part, agree[start : start + chunk], size).tolist()
            codes = self._cluster_codes[part].tolist()
            for position, code, fine in zip(range(start, start + len(part)), codes, plausible,
                                            strict=True):
                if not fine:
                    continue
                seen = counts.get(code, 0)
                if seen < EXACT_CHECKS_PER_CLUSTER:
                    counts[code] = seen + 1
                    kept.append(position)
                    if len(kept) == limit:
                        break
            start, chunk = start + chunk, 2 * chunk
        positions = np.array(kept, dtype=np.int64)
        return candidates[positions], agree[positions]

    def candidates(self, signature: np.ndarray) -> set[str]:
        """The stored stories sharing at least one whole band with `signature` (LSH candidates,
        before the Jaccard check)."""
        return {self._keys[i] for i in self._candidate_slots(self._band(signature)).tolist()}

    def _candidate_slots(self, bands: np.ndarray) -> np.ndarray:
        """Slots sharing at least one band hash, ascending: one comparison of the whole band
        matrix and one reduction over its bands."""
        used = len(self._keys)
        hit = np.equal(self._bands[:, :used], bands[:, None])
        return np.flatnonzero(np.logical_or.reduce(hit, axis=0))

    def _insert(self, key: str, signature: np.ndarray, bands: np.ndarray, cluster_id: str,
                shingles: np.ndarray | None) -> None:
        if len(self._slots) >= self.max_items:  # full: the least recently seen story's slot
            old, slot = self._slots.popitem(last=False)
            self._keys[slot], self._clusters[slot] = key, cluster_id
            self._shingles[slot] = shingles
        else:
            slot = len(self._keys)
            if slot == self._sigs.shape[1]:
                self._grow()
            self._keys.append(key)
            self._clusters.append(cluster_id)
            self._shingles.append(shingles)
        self._sigs[:, slot] = signature
        self._bands[:, slot] = bands
        self._sizes[slot] = -1 if shingles is None else len(shingles)
        self._cluster_codes[slot] = hash(cluster_id)
        self._slots[key] = slot

    def _grow(self) -> None:
        used = self._sigs.shape[1]
        capacity = min(self.max_items, 2 * used)
        sigs = np.zeros((NUM_PERM, capacity), dtype=np.uint32)
        bands = np.zeros((self.bands, capacity), dtype=np.uint64)
        sizes = np.zeros(capacity, dtype=np.int64)
        codes = np.zeros(capacity, dtype=np.int64)
        sigs[:, :used], bands[:, :used] = self._sigs, self._bands
        sizes[:used], codes[:used] = self._sizes, self._cluster_codes
        self._sigs, self._bands, self._sizes, self._cluster_codes = sigs, bands, sizes, codes


def _rank_within(codes: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same code (0 for the first)."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    by_code = np.argsort(codes, kind="stable")
    grouped = codes[by_code]
    starts = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
    lengths = np.diff(np.append(starts, len(codes)))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[by_code] = np.arange(len(codes)) - np.repeat(starts, lengths)
    return rank


def _agreement(signatures: np.ndarray, rows: np.ndarray, signature: np.ndarray) -> np.ndarray:
    """Equal values of `signature` in each of the `rows` of `signatures` (a row per story)."""
    return _column_agreement(signatures.T, rows, signature)


def _column_agreement(columns: np.ndarray, stories: np.ndarray, signature: np.ndarray) -> np.ndarray:
    """Equal values of `signature` in each of the `stories` columns of `columns` (a row per
    signature value). For many stories, all columns up to the last are compared, one row at a
    time against one value, and the equality flags of eight neighbouring stories are added as
    one uint64 word per row: no byte of the sum exceeds NUM_PERM, so none carries into the next,
    and byte j of a word ends up as story j's count. Far cheaper than reducing a boolean matrix
    per story, or comparing row-major signatures (numpy's loop over a row of NUM_PERM values
    costs more in setting up than in comparing). For a few stories, their columns are gathered."""
    value = np.asarray(signature, dtype=columns.dtype).reshape(-1, 1)
    if not len(stories):
        return np.zeros(0, dtype=np.int64)
    stop = int(stories.max()) + 1
    if len(stories) * 8 < stop:
        return np.count_nonzero(np.take(columns, stories, axis=1) == value, axis=0).astype(np.int64)
    equal = np.empty((len(value), -(-stop // 8) * 8), dtype=bool)  # whole words of eight stories
    equal[:, stop:] = False
    np.equal(columns[:, :stop], value, out=equal[:, :stop])
    counts = np.add.reduce(equal.view(np.uint64), axis=0).view(np.uint8)
    return counts[stories].astype(np.int64)
