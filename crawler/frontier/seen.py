"""A compact map from 64-bit keys to small numbers, for what a crawl remembers per URL.

A crawl remembers every URL it asked for (the spider's asked-for map, the duplicate filter's
fingerprints): the one part of its memory that must grow with the site. Kept as Python strings
in a dict or set, a URL costs a string object, a hash-table slot and its share of the heap's
fragmentation (the strings are long-lived and land between short-lived objects, so the arenas
holding them are never returned). Here a URL is a 64-bit key in two flat arrays (open
addressing, linear probing, at most half full): 24 to 48 bytes a URL (12 a slot), outside Python's small-
object heap. Two different URLs share a key with probability about n**2 / 2**65 (one in ten
million for a million URLs), and then the second is taken for the first.
"""

from __future__ import annotations

from array import array

_MASK64 = (1 << 64) - 1
_EMPTY = 0
_MIN_CAPACITY = 1 << 10


def key64(text: str) -> int:
    """A non-zero 64-bit key for a string, stable within this process (Python's str hash,
    cached on the string, so a string asked about again costs nothing to hash)."""
    return (hash(text) & _MASK64) or 1


class U64Map:
    """Non-zero 64-bit keys -> numbers in 0 .. 2**32 - 1."""

    __slots__ = ("_keys", "_values", "_mask", "_count")

    def __init__(self, capacity: int = _MIN_CAPACITY):
        size = _MIN_CAPACITY
        while size < 2 * capacity:
            size <<= 1
        self._keys = array("Q", bytes(8 * size))
        self._values = array("I", bytes(4 * size))
        self._mask = size - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _slot(self, key: int) -> int:
        """Where `key` is, or the empty slot where it would go."""
        keys, mask = self._keys, self._mask
        slot = (key ^ (key >> 29)) & mask
        while True:
            found = keys[slot]
            if found == key or found == _EMPTY:
                return slot
            slot = (slot + 1) & mask

    def get(self, key: int) -> int | None:
        slot = self._slot(key)
        return self._values[slot] if self._keys[slot] == key else None

    def __setitem__(self, key: int, value: int) -> None:
        slot = self._slot(key)
        if self._keys[slot] != key:
            self._keys[slot] = key
            self._count += 1
        self._values[slot] = value
        if 2 * self._count > self._mask:
            self._grow()

    def __contains__(self, key: int) -> bool:
        return self._keys[self._slot(key)] == key

    def add(self, key: int) -> bool:
        """Remember `key` (as a set would); whether it was new."""
        slot = self._slot(key)
        if self._keys[slot] == key:
            return False
        self._keys[slot] = key
        self._count += 1
        if 2 * self._count > self._mask:
            self._grow()
        return True

    def clear(self) -> None:
        self.__init__()

    def _grow(self) -> None:
        keys, values = self._keys, self._values
        self.__init__(2 * self._count)
        for key, value in zip(keys, values, strict=True):
            if key != _EMPTY:
                slot = self._slot(key)
                self._keys[slot] = key
                self._values[slot] = value
                self._count += 1
