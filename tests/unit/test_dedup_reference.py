"""The near-duplicate code gives exactly what it gave before its per-story CPU was cut (the frozen
copy in crawler/dedup/reference): the same words, text hashes, shingles, signatures,
clusters, matches and similarities, on the crawl benchmark's stories and on arbitrary text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dedup import text
from crawler.dedup.reference import text as ref_text

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


def _generated_stories(count: int) -> list[tuple[str, str, str]]:
    """(key, headline, body): the crawl benchmark's stories (one template vocabulary: most are
    LSH candidates of most others and pass against dozens), every fifth one a copy of an earlier
    one with a dateline added and its last paragraph dropped, every seventh one trimmed to its
    first two paragraphs (a containment match), every thirteenth one far too short to compare."""
    from crawler.demo_site.generated import build_stories

    stories = build_stories(count)
    out = []
    for n, story in enumerate(stories):
        paragraphs = story.paragraphs
        if n % 5 == 4:
            paragraphs = ["Updated at noon."] + stories[n // 2].paragraphs[:-1]
        elif n % 7 == 6:
            paragraphs = stories[n // 3].paragraphs[:2]
        elif n % 13 == 12:
            paragraphs = ["Read more: subscribe to our newsletter.", story.headline]
        out.append((story.slug, story.headline, "\n\n".join(paragraphs)))
    return out


def _lookups(text_module, index, stories, loaded=0):
    """Every result of the dedup pipeline's work per story; the first `loaded` stories are put
    back as a rebuilt index would (signature only, no shingles, cluster known)."""
    out = []
    for n, (key, headline, body) in enumerate(stories):
        tokens = text_module.content_tokens(body)
        digest = text_module.text_hash(headline, body, tokens)
        if len(tokens) < text_module.MIN_CONTENT_WORDS:
            out.append((digest, None))
            continue
        shingles = text_module.shingle_hashes(tokens)
        signature = text_module.minhash_signature(body, tokens, shingles)
        if n < loaded:
            index.load(key, signature, f"cluster-{n % 40}")
            out.append((digest, signature.tolist()))
            continue
        match = index.add(key, signature, shingles.astype(np.uint32))
        out.append((digest, signature.tolist(), match.cluster_id, match.matched, match.similarity))
    return out


def test_lookups_match_the_reference_on_thousands_of_same_topic_stories():
    """Bounded lookups (the crawler's), every candidate checked (the benchmark's reference mode),
    a small index that evicts, and an index partly rebuilt from stored signatures: the same
    hashes, signatures, clusters, matches and similarities as the code before."""
    from crawler.dedup.neardup import NearDupIndex
    from crawler.dedup.reference.neardup import NearDupIndex as ReferenceIndex

    stories = _generated_stories(2000)
    configs = [({}, 0, stories), ({"max_items": 300}, 0, stories[:1200]),
               ({}, 400, stories[:1200]), ({"max_checks": None, "risk": 0.0}, 0, stories[:600])]
    for options, loaded, chosen in configs:
        index = NearDupIndex(**options)
        ours = _lookups(text, index, chosen, loaded)
        theirs = _lookups(ref_text, ReferenceIndex(**options), chosen, loaded)
        assert ours == theirs, options
        joined = sum(len(r) == 5 and r[3] is not None for r in ours)
        assert joined > len(chosen) // 2, options  # the lookups found matches: not vacuous
        assert sum(len(r) == 2 for r in ours) >= len(chosen) // 20  # and some were too short


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=400),
       st.lists(st.integers(0, 2**32 - 1), max_size=400), st.integers(0, 31))
def test_members_answers_exactly_like_a_binary_search(values, probes, squeeze):
    """The direct-address table against np.isin, with values squeezed into few top bits (many
    members share a slot) and probes that include every member and its neighbours."""
    from crawler.dedup.neardup import Members

    members = np.unique(np.array(values, dtype=np.uint64) >> np.uint64(squeeze)).astype(np.uint32)
    asked = np.concatenate((np.array(probes, dtype=np.uint64).astype(np.uint32), members,
                            members + np.uint32(1), members - np.uint32(1)))
    found = Members(members).contains(asked)
    assert found.tolist() == np.isin(asked, members).tolist()
    assert Members(members.astype(np.uint64)).contains(asked.astype(np.uint64)).tolist() == found.tolist()


def test_word_code_cache_stays_bounded_and_changes_nothing(monkeypatch):
    monkeypatch.setattr(text, "WORD_CODES_MAX", 50)
    text._word_codes.clear()
    tokens = [f"word{n % 180}" for n in range(600)]
    assert text.shingle_hashes(tokens).tolist() == ref_text.shingle_hashes(tokens).tolist()
    assert 0 < len(text._word_codes) <= 50
    text._word_codes.clear()
