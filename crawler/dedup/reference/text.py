"""Frozen reference copy (crawler/dedup/reference/__init__.py says why).

Text fingerprints: what two copies of one story have in common, whatever the page around it.

Pure functions. Text is normalised (Unicode NFKC, case-folded, punctuation dropped) and page
furniture that survives extraction (newsletter and cookie notices, "read more", copyright lines,
share prompts) is removed sentence by sentence, so that two short pages of one publisher are not
"the same text" just because they share a footer.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from functools import lru_cache

import numpy as np

# Shingle width (words) and signature size. 3-word shingles keep two different stories on one
# topic apart (they share words, rarely word triples); 64 permutations estimate Jaccard
# similarity within about +-0.06 at 0.5 (one standard deviation), far from both sides of the gap
# the labelled set shows (copies >= 0.7, different stories <= 0.06).
SHINGLE_WORDS = 3
NUM_PERM = 64
SEED = 20250616
# Fewer content words than this: no exact-alias key and no near-duplicate signature. Short
# texts are mostly furniture, and two of them agree by accident far too often.
MIN_CONTENT_WORDS = 25

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
# Sentences that are page furniture wherever they appear. Matched on the normalised sentence.
_BOILERPLATE = re.compile(
    r"\b("
    r"subscribe|subscription|newsletter|sign up|signup|log in|login|register for|"
    r"cookies?|privacy policy|terms of (use|service)|all rights reserved|copyright|"
    r"follow us|share (this|on)|click here|read more|continue reading|advertisement|"
    r"sponsored|download (our|the) app|get the app|related (articles|stories)|"
    r"comments?( are)? (closed|below)|leave a comment|contact us|support our journalism|"
    r"this (article|story) (was|is) (first|originally) (published|appeared)|"
    r"reporting by|editing by|additional reporting"
    r")\b"
)
# The first word of every phrase above: a normalised sentence without one of them cannot match,
# and a set lookup per word is far cheaper than trying every phrase at every word boundary
# (tests/unit/test_dedup_neardup.py checks the list against the pattern).
_BOILERPLATE_FIRST_WORDS = frozenset(
    "subscribe subscription newsletter sign signup log login register cookie cookies privacy "
    "terms all copyright follow share click read continue advertisement sponsored download get "
    "related comment comments leave contact support this reporting editing additional".split()
)


def normalise(text: str) -> str:
    """Case-folded NFKC words separated by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def content_sentences(text: str | None) -> list[str]:
    """The normalised sentences of `text` that are not page furniture."""
    if not text:
        return []
    out = []
    for raw in _SENTENCE.split(text):
        sentence = normalise(raw)
        if sentence and not is_furniture(sentence):
            out.append(sentence)
    return out


def is_furniture(sentence: str) -> bool:
    """Whether a normalised sentence is page furniture (names one of the _BOILERPLATE phrases)."""
    if _BOILERPLATE_FIRST_WORDS.isdisjoint(sentence.split()):
        return False
    return _BOILERPLATE.search(sentence) is not None


def content_tokens(text: str | None) -> list[str]:
    return " ".join(content_sentences(text)).split()


def text_hash(headline: str | None, body: str | None, tokens: list[str] | None = None) -> str | None:
    """Exact-alias key: the same headline and body text under two URLs of one site is one
    story. None when the body has too little content to tell stories apart. `tokens`
    (content_tokens(body)) may be passed when already computed."""
    tokens = content_tokens(body) if tokens is None else tokens
    if len(tokens) < MIN_CONTENT_WORDS:
        return None
    joined = normalise(headline or "") + "\x1f" + " ".join(tokens)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


# Shingle hashes combine the 32-bit CRCs of their words (stable across processes, unlike hash(),
# and computed once per word rather than once per shingle string).
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D))


@lru_cache(maxsize=1)
def _permutations():
    from datasketch import MinHash  # the test extra's: the crawler never imports this module

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Distinct 32-bit hashes of the SHINGLE_WORDS-word shingles of `tokens`."""
    words = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64,
                        count=len(tokens))
    n = len(words) - SHINGLE_WORDS + 1
    mixed = np.zeros(n, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):
        mixed ^= words[offset : offset + n] * _MIX[offset % len(_MIX)]
    return np.unique(mixed & np.uint64(0xFFFFFFFF))


def minhash_signature(body: str | None, tokens: list[str] | None = None,
                      shingles: np.ndarray | None = None) -> np.ndarray | None:
    """The MinHash signature (uint32 x NUM_PERM) of the body's word shingles, or None when the
    body is too short to compare. `tokens` (content_tokens(body)) and `shingles`
    (shingle_hashes(tokens)) may be passed, so a caller that needs them too computes them once."""
    tokens = content_tokens(body) if tokens is None else tokens
    if len(tokens) < MIN_CONTENT_WORDS:
        return None
    shingles = shingle_hashes(tokens) if shingles is None else shingles
    from datasketch import MinHash  # the test extra's: the crawler never imports this module

    m = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=_permutations(), scheme="affine32")
    m.update_batch(shingles.tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal minima."""
    return float(np.count_nonzero(a == b)) / len(a)
