"""The sighting ids of the stories this writer created, so folding an alias does not search.

Folding a story stored under an alias URL re-points its sightings at the story. Found by
`story_id`, that is a search of the whole `sightings` collection on a server that serves only
`_id` lookups from an index (FerretDB's SQLite backend scans the table for any other filter: about
25 microseconds a stored sighting, so one fold on a year of hourly crawls takes minutes, and a
site that changes its URLs folds every story). The alias documents folded are nearly always
teasers stored earlier in the same crawl, before their own page was read. For a story this
writer inserted, and with no other writer, every sighting of it was written here: their ids,
kept here, re-point them by `_id`. Anything else (a story from an earlier crawl, one evicted
from here, several writers) is found by `story_id` as before.

Bounded: the most recent `limit` stories still known only from teasers (the ones folded), ids
kept as raw 20-byte digests in one bytes object a story.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_LIMIT = 20_000


class OwnSightings:
    """story id -> the ids of its sightings, for stories this writer inserted."""

    def __init__(self, limit: int = DEFAULT_LIMIT):
        self.limit = max(0, limit)
        self._ids: OrderedDict[str, bytes] = OrderedDict()

    def created(self, story_id: str, sighting_ids: list[str]) -> None:
        """`story_id` was inserted by this writer, with these sightings so far."""
        if not self.limit:
            return
        self._ids[story_id] = b"".join(bytes.fromhex(i) for i in sighting_ids)
        self._ids.move_to_end(story_id)
        while len(self._ids) > self.limit:
            self._ids.popitem(last=False)

    def seen(self, story_id: str, sighting_ids: list[str]) -> None:
        """More sightings of `story_id` were written (kept only for a story being followed)."""
        held = self._ids.get(story_id)
        if held is not None:
            self._ids[story_id] = held + b"".join(bytes.fromhex(i) for i in sighting_ids)

    def take(self, story_id: str) -> list[str] | None:
        """Every sighting id of `story_id`, forgetting it; None when they are not all known."""
        held = self._ids.pop(story_id, None)
        if held is None:
            return None
        return list(dict.fromkeys(held[i:i + 20].hex() for i in range(0, len(held), 20)))

    def drop(self, story_id: str) -> None:
        """Stop following `story_id` (its own page was read: an alias is folded into a story,
        so a full story is rarely folded, and then it is searched for)."""
        self._ids.pop(story_id, None)

    def __len__(self) -> int:
        return len(self._ids)
