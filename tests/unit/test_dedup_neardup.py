"""Near-duplicate quality on the labelled set, and the index's behaviour (pure: no database)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dedup import NearDupIndex, minhash_signature, text_hash
from crawler.dedup import text as text_module
from crawler.dedup.neardup import THRESHOLD
from crawler.dedup.text import NUM_PERM, content_tokens, jaccard, shingle_hashes
from tests.support.crawl import FIXTURES

PAIRS = json.loads((FIXTURES / "neardup/pairs.json").read_text())["pairs"]


def _predict(a: str, b: str) -> tuple[bool, float | None]:
    ta, tb = content_tokens(a), content_tokens(b)
    sa, sb = minhash_signature(a, ta), minhash_signature(b, tb)
    if sa is None or sb is None:
        return False, None
    index = NearDupIndex()
    index.add("a", sa, shingle_hashes(ta).astype(np.uint32))
    return index.add("b", sb, shingle_hashes(tb).astype(np.uint32)).cluster_id == "a", jaccard(sa, sb)


def test_labelled_set_precision_and_recall():
    assert len(PAIRS) >= 200
    kinds = {p["kind"] for p in PAIRS}
    assert kinds == {"same_story_edited", "same_topic_different_story", "boilerplate_short_pages",
                     "syndicated_boilerplate", "trimmed_copy", "update_shared_background"}
    tp = fp = fn = tn = 0
    wrong = []
    for pair in PAIRS:
        predicted, similarity = _predict(pair["a"], pair["b"])
        label = bool(pair["label"])
        tp += predicted and label
        fp += predicted and not label
        fn += label and not predicted
        tn += not label and not predicted
        if predicted != label:
            wrong.append((pair["id"], similarity))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(f"near-duplicates: pairs={len(PAIRS)} threshold={THRESHOLD} precision={precision:.3f} "
          f"recall={recall:.3f} tp={tp} fp={fp} fn={fn} tn={tn} wrong={wrong}")
    assert precision >= 0.98, wrong
    assert recall >= 0.95, wrong


def test_band_layout_follows_the_threshold():
    from crawler.dedup.neardup import band_layout, candidate_probability

    for threshold in (0.4, 0.5, 0.6, 0.8):
        bands, rows = band_layout(threshold)
        assert bands * rows <= NUM_PERM
        assert candidate_probability(threshold, rows, bands) >= 0.98
    assert band_layout(0.5) == (32, 2)
    assert candidate_probability(0.5, 4, 16) < 0.65  # the fixed layout it replaced


def test_clusters_are_transitive_and_keep_the_first_id():
    base = next(p for p in PAIRS if p["id"] == "edit_bank_a")
    other = next(p for p in PAIRS if p["id"] == "topic_bank")
    index = NearDupIndex()
    assert index.add("orig", minhash_signature(base["a"])).matched is None
    copy = index.add("copy", minhash_signature(base["b"]))
    assert copy.cluster_id == "orig" and copy.matched == "orig" and copy.similarity >= THRESHOLD
    assert index.add("different", minhash_signature(other["b"])).cluster_id == "different"
    # Seen again: its known cluster, no new lookup.
    assert index.add("copy", minhash_signature(base["b"])).cluster_id == "orig"


def test_index_memory_is_bounded_and_rebuild_keeps_clusters():
    rng = np.random.default_rng(7)
    index = NearDupIndex(max_items=50)
    for n in range(120):
        index.add(f"k{n}", rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32))
    assert len(index) == 50 and "k0" not in index and "k119" in index
    fresh = NearDupIndex()
    text = next(p for p in PAIRS if p["id"] == "edit_fire_a")
    fresh.load("stored", minhash_signature(text["a"]), "cluster-7")
    assert fresh.add("new", minhash_signature(text["b"])).cluster_id == "cluster-7"


def test_short_and_furniture_only_texts_get_no_keys():
    furniture = "Subscribe to our newsletter. We use cookies. Follow us on social media. " * 10
    assert minhash_signature(furniture + "Ferry cancelled today.") is None
    assert text_hash("Ferry", furniture) is None
    body = next(p for p in PAIRS if p["id"] == "edit_rail_a")["a"]
    assert text_hash("Strike", body) == text_hash("  STRIKE ", body.replace(".", " . "))
    assert text_hash("Strike", body) != text_hash("Another headline", body)


def test_candidates_match_datasketch_lsh_including_eviction():
    """The band matrix finds exactly the candidates datasketch's MinHashLSH with the same layout
    (bands x rows derived from the threshold) finds."""
    from datasketch import MinHash, MinHashLSH

    from crawler.dedup.text import _permutations

    rng = np.random.default_rng(11)
    bases = [rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32)
             for _ in range(60)]
    index = NearDupIndex(max_items=150)
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(index.bands, index.rows))
    order: list[str] = []
    checked = 0
    for n in range(400):
        signature = bases[n % len(bases)].copy()
        edits = rng.choice(NUM_PERM, size=int(rng.integers(0, 48)), replace=False)
        signature[edits] = rng.integers(0, 2**32, size=len(edits), dtype=np.uint64)
        minhash = MinHash(num_perm=NUM_PERM, hashvalues=signature.astype(np.uint64),
                          permutations=_permutations(), scheme="affine32")
        expected = set(lsh.query(minhash))
        assert index.candidates(signature) == expected
        checked += bool(expected)
        key = f"s{n}"
        index.add(key, signature)
        lsh.insert(key, minhash)
        order.append(key)
        if len(order) > 150:
            lsh.remove(order.pop(0))
    assert checked > 100  # many lookups had candidates: the comparison was not vacuous
    assert len(index) == 150


def test_exact_similarity_counts_common_values_of_sorted_arrays():
    from crawler.dedup.neardup import exact_similarity

    a = np.array([1, 3, 5, 7, 9], dtype=np.uint32)
    b = np.array([3, 4, 5, 9, 11, 12], dtype=np.uint32)
    jac, contained = exact_similarity(a, b)
    assert (jac, contained) == (3 / 8, 3 / 5)
    assert exact_similarity(a, a) == (1.0, 1.0)
    empty = np.array([], dtype=np.uint32)
    assert exact_similarity(a, empty) == (0.0, 0.0)


def test_exact_similarities_in_one_batch_match_each_pair():
    from crawler.dedup.neardup import exact_similarities, exact_similarity

    rng = np.random.default_rng(3)
    query = np.unique(rng.integers(0, 500, size=120)).astype(np.uint32)
    others = [np.unique(rng.integers(0, 500, size=int(n))).astype(np.uint32)
              for n in rng.integers(0, 200, size=40)]
    others += [np.array([], dtype=np.uint32), query.copy(), query[::3].copy()]
    jaccard, contained = exact_similarities(query, others)
    for other, jac, inside in zip(others, jaccard.tolist(), contained.tolist(), strict=True):
        common = len(np.intersect1d(query, other))
        union = len(query) + len(other) - common
        assert jac == (common / union if union else 0.0)
        assert inside == (common / min(len(query), len(other)) if len(other) else 0.0)
    assert exact_similarity(query, query[::3]) == (len(query[::3]) / len(query), 1.0)


def test_similarity_reach_is_the_binomial_bound():
    """reach[a]: the highest Jaccard similarity that shows a or fewer equal signature values
    with probability ESTIMATE_RISK, checked against the binomial distribution directly."""
    from math import comb

    from crawler.dedup.neardup import ESTIMATE_RISK, similarity_reach

    def at_most(a, p):
        return sum(comb(NUM_PERM, k) * p**k * (1 - p) ** (NUM_PERM - k) for k in range(a + 1))

    reach = similarity_reach()
    assert reach[NUM_PERM] == 1.0 and (np.diff(reach) > 0).all()
    for a in range(NUM_PERM):
        assert reach[a] > a / NUM_PERM
        assert at_most(a, reach[a]) >= ESTIMATE_RISK > at_most(a, min(1.0, reach[a] + 1e-6))
    # At the threshold, 17 of 64 equal values can still be a passing copy, 16 cannot.
    assert reach[16] < THRESHOLD <= reach[17]
    assert (similarity_reach(NUM_PERM, 0.0) == 1.0).all()  # no risk: every candidate is checked


def test_passing_similarity_is_where_jaccard_or_containment_passes():
    from crawler.dedup.neardup import CONTAINMENT, exact_similarity, passing_similarity

    sizes = np.array([100, 50, 200, 10, 0])
    needed = passing_similarity(100, sizes, THRESHOLD)
    assert needed[0] == THRESHOLD  # equal sizes: containment 0.8 needs J 0.67, above 0.5
    assert needed[4] == THRESHOLD  # no shingles: nothing passes early
    for size, need in zip(sizes[1:4].tolist(), needed[1:4].tolist(), strict=True):
        # A pair built to share exactly CONTAINMENT of the shorter text sits at that similarity.
        shorter = min(size, 100)
        common = int(round(CONTAINMENT * shorter))
        a = np.arange(100, dtype=np.uint32)
        b = np.concatenate((a[:common], np.arange(1000, 1000 + size - common))).astype(np.uint32)
        jaccard, contained = exact_similarity(a, b)
        assert contained == CONTAINMENT and abs(jaccard - need) < 1e-9, (size, jaccard, need)
        assert need < THRESHOLD


def test_agreement_and_cluster_ranks():
    from crawler.dedup.neardup import _agreement, _rank_within

    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 3, size=(50, NUM_PERM)).astype(np.uint32)
    rows = np.array([0, 7, 7, 49, 3])
    expected = np.count_nonzero(sigs[rows] == sigs[7], axis=1)
    assert _agreement(sigs, rows, sigs[7]).tolist() == expected.tolist()
    assert _rank_within(np.array([5, 9, 5, 5, 9, 1])).tolist() == [0, 0, 1, 2, 1, 0]
    assert _rank_within(np.array([], dtype=np.int64)).tolist() == []


SAME_TOPIC = 2000


@pytest.fixture(scope="module")
def same_topic():
    """Bodies of the generated benchmark site (invented stories from one template vocabulary, so
    most pairs share a third or more of their shingles and all are LSH candidates) and an index
    holding the first SAME_TOPIC of them."""
    from crawler.demo_site.generated import build_stories

    stories = build_stories(SAME_TOPIC + 50)
    bodies = []
    for story in stories:
        tokens = content_tokens("\n\n".join(story.paragraphs))
        shingles = shingle_hashes(tokens)
        bodies.append((story.slug, minhash_signature(None, tokens, shingles), shingles.astype(np.uint32)))
    index = NearDupIndex()
    for key, signature, shingles in bodies[:SAME_TOPIC]:
        index.add(key, signature, shingles)
    return stories, bodies, index


def test_exact_checks_per_add_are_bounded_with_thousands_of_same_topic_candidates(same_topic):
    """Counted, not timed: against an index of same-topic stories every lookup has thousands of
    candidates in dozens of clusters; checking them all (the reference mode) costs hundreds of
    exact checks per story, the bounded index at most MAX_EXACT_CHECKS."""
    from crawler.dedup.neardup import MAX_EXACT_CHECKS

    _, bodies, filled = same_topic
    index, reference = copy.deepcopy(filled), copy.deepcopy(filled)
    reference.max_checks, reference.risk = None, 0.0
    candidates, bounded, unbounded = [], [], []
    for key, signature, shingles in bodies[SAME_TOPIC:]:
        candidates.append(len(index.candidates(signature)))
        before = index.exact_checks, reference.exact_checks
        index.add(key, signature, shingles)
        reference.add(key, signature, shingles)
        bounded.append(index.exact_checks - before[0])
        unbounded.append(reference.exact_checks - before[1])
    assert min(candidates) >= 1000
    assert max(bounded) <= MAX_EXACT_CHECKS
    assert min(unbounded) > 3 * MAX_EXACT_CHECKS  # the bound is what keeps the count down


def test_bounded_lookup_still_finds_a_copy_among_thousands_of_same_topic_stories(same_topic):
    """A lightly edited copy of one of the stored stories joins that story's cluster, although
    thousands of same-topic stories are candidates and only a few dozen are checked exactly."""
    stories, _, filled = same_topic
    index = copy.deepcopy(filled)
    found = 0
    for n in (17, 1234, 1990):
        story = stories[n]
        edited = ["Updated at noon."] + story.paragraphs[:-1]  # a dateline, the last paragraph dropped
        tokens = content_tokens("\n\n".join(edited))
        shingles = shingle_hashes(tokens)
        match = index.add(f"copy-{n}", minhash_signature(None, tokens, shingles),
                          shingles.astype(np.uint32))
        found += match.cluster_id == index.cluster_of(story.slug)
    assert found == 3


def test_a_large_cluster_costs_a_bounded_number_of_exact_checks():
    """A wire story copied to hundreds of sites: each new copy joins the cluster after a fixed
    number of exact checks, not one per copy already seen."""
    from crawler.dedup import neardup

    base = ("The harbour authority approved the new ferry terminal on Tuesday after a long "
            "debate about costs, noise and the future of the fishing fleet in the old port. ")
    index = NearDupIndex()
    clusters = set()
    per_add = []
    for n in range(300):
        text = base * 3 + f"Copy number {n} adds a line of its own about edition {n}."
        tokens = content_tokens(text)
        before = index.exact_checks
        match = index.add(f"s{n}", minhash_signature(text, tokens),
                          shingle_hashes(tokens).astype(np.uint32))
        per_add.append(index.exact_checks - before)
        clusters.add(match.cluster_id)
    assert clusters == {"s0"}
    assert max(per_add) == neardup.EXACT_CHECKS_PER_CLUSTER


@settings(max_examples=300, deadline=None)
@given(st.from_regex(text_module._BOILERPLATE), st.text(max_size=30), st.text(max_size=30))
def test_furniture_first_words_cover_every_boilerplate_phrase(phrase, before, after):
    """The word set that lets a sentence skip the boilerplate pattern must name the first word
    of every phrase the pattern matches, or furniture would slip into text hashes."""
    sentence = text_module.normalise(before + " " + phrase + " " + after)
    if text_module._BOILERPLATE.search(sentence):
        assert text_module.is_furniture(sentence), sentence
    assert text_module.is_furniture(sentence) == bool(text_module._BOILERPLATE.search(sentence))


def test_column_agreement_counts_equal_values_for_few_and_many_stories():
    """Both ways of counting (gathering a few stories' columns; comparing every column up to
    the last and adding eight stories' flags per word) give numpy's plain count, for any number
    of columns."""
    from crawler.dedup.neardup import _column_agreement

    rng = np.random.default_rng(9)
    for count in (1, 7, 8, 9, 61, 200):
        columns = rng.integers(0, 3, size=(NUM_PERM, count)).astype(np.uint32)
        query = columns[:, count // 2].copy()
        for stories in (np.arange(count), np.array([count - 1]), np.arange(0, count, 3),
                        np.array([], dtype=np.int64)):
            expected = np.count_nonzero(columns[:, stories] == query[:, None], axis=0)
            assert _column_agreement(columns, stories, query).tolist() == expected.tolist()
    assert _column_agreement(np.full((NUM_PERM, 16), 5, np.uint32), np.arange(16),
                             np.full(NUM_PERM, 5, np.uint32)).tolist() == [NUM_PERM] * 16
