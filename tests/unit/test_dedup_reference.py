"""The near-duplicate code gives exactly what it gave before its per-story CPU was cut (the frozen
copy in tests/support/dedup_reference): the same words, text hashes, shingles, signatures,
clusters, matches and similarities, on the crawl benchmark's stories and on arbitrary text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dedup import text
from tests.support.dedup_reference import text as ref_text

# Characters where a faster tokenisation could part from the reference: sentence ends, Unicode
# whitespace and line breaks, compatibility forms that NFKC rewrites (full-width letters and
# stops, ligatures, the ellipsis), combining marks, case folding that changes length, and the
# boilerplate words.
TRICKY = st.sampled_from(list(
    "ab Z_9.!?…\n\r\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000\u2026\uff0e\uff01\uff1f"
    "\uff21\ufb01\u0301\u0308\u00df\u0130\u03a3\u2019\u201c\u00e9\u1e9e\u2460\u00bd\u0660"))
WORDISH = st.sampled_from(["subscribe ", "cookies. ", "read more", "the ", "copy ", "Sign up! "])
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(TRICKY, WORDISH), max_size=120).map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_tokens_and_sentences_match_the_reference_on_any_text(body):
    assert text.content_sentences(body) == ref_text.content_sentences(body)
    assert text.content_tokens(body) == ref_text.content_tokens(body)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["vote", "ferry", "council", "the", "é", "ß", "_"]),
                          st.text(min_size=1, max_size=8)), min_size=3, max_size=80))
def test_shingles_and_signatures_match_the_reference(tokens):
    shingles = text.shingle_hashes(tokens)
    assert shingles.dtype == np.uint32
    assert shingles.tolist() == ref_text.shingle_hashes(tokens).tolist()
    body = " ".join(tokens)
    padded = tokens + [f"pad{n}" for n in range(text.MIN_CONTENT_WORDS)]
    assert np.array_equal(text.minhash_signature(body, padded), ref_text.minhash_signature(body, padded))
    assert text.minhash_signature(body, tokens[:2]) is None


def test_permutations_are_datasketchs():
    from datasketch import MinHash

    expected = MinHash(num_perm=text.NUM_PERM, seed=text.SEED, scheme="affine32").permutations
    assert text._permutations().dtype == expected.dtype
    assert np.array_equal(text._permutations(), expected)


def test_signature_of_no_shingles_is_datasketchs_empty_minhash():
    tokens = [f"w{n}" for n in range(text.MIN_CONTENT_WORDS)]
    empty = text.minhash_signature(None, tokens, np.zeros(0, dtype=np.uint32))
    assert empty.tolist() == [0xFFFFFFFF] * text.NUM_PERM
    assert empty.tolist() == ref_text.minhash_signature(None, tokens, np.zeros(0, dtype=np.uint64)).tolist()
