"""The compact 64-bit map behaves as a dict of its keys, through growth and clearing."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from crawler.frontier.seen import U64Map, key64

KEYS = st.integers(min_value=1, max_value=2**64 - 1)


@given(st.lists(st.tuples(KEYS, st.integers(min_value=0, max_value=2**32 - 1)), max_size=3000))
def test_same_answers_as_a_dict(pairs):
    compact, reference = U64Map(), {}
    for key, value in pairs:
        compact[key] = value
        reference[key] = value
    assert len(compact) == len(reference)
    for key, value in reference.items():
        assert compact.get(key) == value and key in compact
    rng = random.Random(len(pairs))
    for _ in range(200):
        other = rng.getrandbits(64) or 1
        assert (compact.get(other) is None) == (other not in reference)


def test_add_says_whether_a_key_was_new_across_growth():
    seen = U64Map()
    keys = [key64(f"http://agg.example.test/story/{n}.html") for n in range(50_000)]
    assert all(seen.add(k) for k in keys)
    assert not any(seen.add(k) for k in keys)
    assert len(seen) == 50_000
    # Keys that share their low bits all land in one run of slots and are still told apart.
    crowded = U64Map()
    same_slot = [(n << 50) | 7 for n in range(1, 600)]
    assert all(crowded.add(k) for k in same_slot) and len(crowded) == 599
    assert all(k in crowded for k in same_slot) and ((600 << 50) | 7) not in crowded


def test_clear_forgets_everything():
    seen = U64Map()
    seen[5] = 2
    seen.clear()
    assert len(seen) == 0 and seen.get(5) is None and seen.add(5)


def test_key64_is_never_the_empty_key():
    assert all(key64(text) != 0 for text in ("", "a", "http://x/"))
