"""Text fingerprints: what two copies of one story have in common, whatever the page around it.

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
    return [" ".join(words) for words in _content_sentence_words(text)]


def is_furniture(sentence: str) -> bool:
    """Whether a normalised sentence is page furniture (names one of the _BOILERPLATE phrases)."""
    return _is_furniture_words(sentence.split())


def content_tokens(text: str | None) -> list[str]:
    return [word for words in _content_sentence_words(text) for word in words]


# A sentence ends at a newline, or at whitespace after . ! ? or …. The pattern starts at the mark
# (a pattern that starts with a character set is scanned for far faster than a look-behind tried
# at every character) and takes one whitespace character, not the whole run: what is left holds
# no words, so each sentence has the same words either way.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)|\s)")
# ASCII that is not a word character, as spaces ("\n" kept: it separates the sentences).
_ASCII_NON_WORD = str.maketrans(
    {c: " " for c in range(128) if c != 10 and not (chr(c).isalnum() or chr(c) == "_")})


def _content_sentence_words(text: str | None) -> list[list[str]]:
    """The words of each sentence of `text` that is not page furniture, as normalise would give
    them. The sentences are marked with newlines and normalised as one string: a newline is never
    changed by NFKC or case folding and never combines with its neighbours, so each line comes out
    as its sentence alone would. Text that is ASCII after that (most text in Latin script) is
    split into words by str.translate and str.split instead of the Unicode word pattern."""
    if not text:
        return []
    marked = unicodedata.normalize("NFKC", _SENTENCE_END.sub("\n", text)).casefold()
    if marked.isascii():
        sentences = [line.split() for line in marked.translate(_ASCII_NON_WORD).split("\n")]
    else:
        sentences = [_WORD.findall(line) for line in marked.split("\n")]
    return [words for words in sentences if words and not _is_furniture_words(words)]


def _is_furniture_words(words: list[str]) -> bool:
    if _BOILERPLATE_FIRST_WORDS.isdisjoint(words):
        return False
    return _BOILERPLATE.search(" ".join(words)) is not None


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
# and computed once per word rather than once per shingle string). The arithmetic is done in 32
# bits: the low 32 bits of products and XORs depend only on the low 32 bits of their operands.
_MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77), np.uint32(0xC2B2AE3D))
# Words seen recently -> their CRC: news text reuses a small vocabulary, and a dict lookup costs a
# fraction of encoding and hashing the word again. Emptied when full, so memory stays bounded.
WORD_CODES_MAX = 100_000


class _WordCodes(dict):
    def __missing__(self, word: str) -> int:
        if len(self) >= WORD_CODES_MAX:
            self.clear()
        code = self[word] = zlib.crc32(word.encode("utf-8"))
        return code


_word_codes = _WordCodes()


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """The NUM_PERM affine permutations (a odd, b) of datasketch's MinHash with seed SEED and
    scheme "affine32", drawn the same way, so signatures stay those stored by earlier versions
    (tests/unit/test_dedup_reference.py compares them with datasketch's)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    permutations = np.array([a, b])
    permutations.setflags(write=False)
    return permutations


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Distinct 32-bit hashes (sorted, uint32) of the SHINGLE_WORDS-word shingles of `tokens`."""
    words = np.array(list(map(_word_codes.__getitem__, tokens)), dtype=np.uint32)
    n = len(words) - SHINGLE_WORDS + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32)
    mixed = words[:n] * _MIX[0]
    for offset in range(1, SHINGLE_WORDS):
        mixed ^= words[offset : offset + n] * _MIX[offset % len(_MIX)]
    mixed.sort()
    distinct = np.empty(n, dtype=bool)
    distinct[0] = True
    np.not_equal(mixed[1:], mixed[:-1], out=distinct[1:])
    return mixed[distinct]


def minhash_signature(body: str | None, tokens: list[str] | None = None,
                      shingles: np.ndarray | None = None) -> np.ndarray | None:
    """The MinHash signature (uint32 x NUM_PERM) of the body's word shingles, or None when the
    body is too short to compare. `tokens` (content_tokens(body)) and `shingles`
    (shingle_hashes(tokens)) may be passed, so a caller that needs them too computes them once.
    The values are datasketch's MinHash (scheme "affine32", hashfunc=int) of the shingle hashes:
    each hash premixed with the MurmurHash3 finalizer, then the least a * h + b (mod 2^32) over
    the shingles for each permutation, computed here in a few numpy calls without a MinHash
    object or a Python call per shingle."""
    tokens = content_tokens(body) if tokens is None else tokens
    if len(tokens) < MIN_CONTENT_WORDS:
        return None
    shingles = shingle_hashes(tokens) if shingles is None else shingles
    a, b = _permutations()
    if not len(shingles):  # no shingle lowers any value: datasketch's empty MinHash
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    hashes = _fmix32(np.asarray(shingles, dtype=np.uint32))
    return (hashes[:, None] * a + b).min(axis=0)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer (datasketch's premix for scheme "affine32")."""
    h = h ^ (h >> np.uint32(16))
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal minima."""
    return float(np.count_nonzero(a == b)) / len(a)
