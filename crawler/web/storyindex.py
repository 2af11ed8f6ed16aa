"""The in-memory story index the Stories and Sources pages answer from.

Why in memory: the embedded database (FerretDB on SQLite) uses no index but `_id`, so every
other query reads the whole `articles` collection: about 13 s at 100,000 stories on this
machine. A page cannot wait for that, so the small fields of every story (no body, no
sightings) are read once in the background and refreshed every few seconds; searching that copy
takes milliseconds, and pages say how old it is. A story's own page still reads the database
(by `_id`, which is fast everywhere).
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

FIELDS = ("headline", "source", "aggregator", "published_at", "first_seen_at", "last_seen_at",
          "completeness", "cluster_id")
DAYS_CHARTED = 14


@dataclass(slots=True)
class Story:
    id: str
    headline: str
    source: str
    aggregator: str
    published_at: datetime | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    full: bool
    cluster_id: str
    words: str  # lower-cased headline, for search

    @classmethod
    def from_doc(cls, doc: dict) -> Story:
        headline = str(doc.get("headline") or "")
        return cls(
            id=str(doc["_id"]), headline=headline, source=str(doc.get("source") or ""),
            aggregator=str(doc.get("aggregator") or ""),
            published_at=_utc(doc.get("published_at")),
            first_seen_at=_utc(doc.get("first_seen_at")),
            last_seen_at=_utc(doc.get("last_seen_at")),
            full=doc.get("completeness") == "full",
            cluster_id=str(doc.get("cluster_id") or doc["_id"]), words=headline.casefold())

    @property
    def when(self) -> datetime | None:
        """The time a story is sorted and filtered by: published, else first seen."""
        return self.published_at or self.first_seen_at


def _utc(value) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def parse(cls, q: str = "", source: str = "", since: str = "", until: str = "") -> Query:
        """From the search form; a time that cannot be read raises ValueError naming it."""
        return cls(words=[w.casefold() for w in q.split()], source=source.strip() or None,
                   since=parse_time(since, "from"), until=parse_time(until, "to"))

    def matches(self, story: Story) -> bool:
        if self.source is not None and story.source != self.source:
            return False
        if self.since is not None or self.until is not None:
            when = story.when
            if when is None:
                return False
            if self.since is not None and when < self.since:
                return False
            if self.until is not None and when >= self.until:
                return False
        return all(w in story.words for w in self.words)


def parse_time(text: str, name: str) -> datetime | None:
    """YYYY-MM-DD or an ISO-8601 time; without an offset it is UTC."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{name}' must be a date (2026-11-28) or an ISO-8601 time, "
                         f"not {text[:40]!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class SourceStats:
    """One publisher's or one profile's line on the Sources page."""
    name: str
    stories: int = 0
    last_24h: int = 0
    full: int = 0
    last_seen: datetime | None = None
    lags: list[float] = field(default_factory=list)  # minutes, first_seen_at - published_at
    per_day: list[int] = field(default_factory=lambda: [0] * DAYS_CHARTED)

    @property
    def full_share(self) -> float | None:
        return self.full / self.stories if self.stories else None

    @property
    def median_lag_min(self) -> float | None:
        return statistics.median(self.lags) if self.lags else None


def source_stats(stories: Iterable[Story], key: Callable[[Story], str],
                 now: datetime) -> list[SourceStats]:
    """Per key (publisher or profile): counts, completion share, freshness and a day chart.
    A negative lag (a clock or zone error upstream) says nothing about freshness: left out."""
    out: dict[str, SourceStats] = {}
    day0 = (now - timedelta(days=DAYS_CHARTED - 1)).date()
    since_24h = now - timedelta(hours=24)
    for s in stories:
        name = key(s) or "(unknown)"
        st = out.get(name)
        if st is None:
            st = out[name] = SourceStats(name)
        st.stories += 1
        st.full += s.full
        seen = s.first_seen_at
        if seen is not None:
            if seen >= since_24h:
                st.last_24h += 1
            day = (seen.date() - day0).days
            if 0 <= day < DAYS_CHARTED:
                st.per_day[day] += 1
            if s.published_at is not None and seen >= s.published_at:
                st.lags.append((seen - s.published_at).total_seconds() / 60)
        if s.last_seen_at is not None and (st.last_seen is None or s.last_seen_at > st.last_seen):
            st.last_seen = s.last_seen_at
    return sorted(out.values(), key=lambda x: (-x.last_24h, -x.stories, x.name))


@dataclass
class Snapshot:
    """One load of the index: stories newest first, plus what the Sources page shows."""
    stories: list[Story]
    loaded_at: datetime
    load_seconds: float
    by_id: dict[str, Story]
    clusters: dict[str, list[str]]
    publishers: list[SourceStats]
    profiles: list[SourceStats]

    @classmethod
    def build(cls, docs: Iterable[dict], now: datetime, load_started: float) -> Snapshot:
        stories = [Story.from_doc(d) for d in docs]
        floor = datetime.min.replace(tzinfo=UTC)
        stories.sort(key=lambda s: (s.when or floor, s.id), reverse=True)
        clusters: dict[str, list[str]] = defaultdict(list)
        for s in stories:
            clusters[s.cluster_id].append(s.id)
        return cls(stories=stories, loaded_at=now, load_seconds=time.monotonic() - load_started,
                   by_id={s.id: s for s in stories},
                   clusters={k: v for k, v in clusters.items() if len(v) > 1},
                   publishers=source_stats(stories, lambda s: s.source, now),
                   profiles=source_stats(stories, lambda s: s.aggregator, now))

    def search(self, query: Query, offset: int = 0, limit: int = 50) -> tuple[int, list[Story]]:
        """(matching count, one page of matches newest first)."""
        hits = [s for s in self.stories if query.matches(s)]
        return len(hits), hits[offset:offset + limit]

    def cluster_of(self, story_id: str) -> list[str]:
        s = self.by_id.get(story_id)
        return [] if s is None else [i for i in self.clusters.get(s.cluster_id, []) if i != story_id]


class StoryIndex:
    """Holds the current snapshot; a daemon thread replaces it every `refresh` seconds (or
    twice the last load time, when loading is slower than that)."""

    def __init__(self, load: Callable[[], Iterable[dict]], refresh: float = 30.0):
        self._load = load
        self.refresh = refresh
        self.snapshot: Snapshot | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def reload(self) -> Snapshot | None:
        started = time.monotonic()
        try:
            snap = Snapshot.build(self._load(), datetime.now(UTC), started)
        except Exception as exc:  # the database went away: keep serving the last snapshot
            self.error = f"{type(exc).__name__}: {str(exc)[:200]}"
            log.warning("story index not refreshed: %s", self.error)
            return None
        self.snapshot, self.error = snap, None
        return snap

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="story-index", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            last = self.snapshot.load_seconds if self.snapshot else 0.0
            if self._stop.wait(max(self.refresh, 2 * last)):
                return
            self.reload()

    def stop(self) -> None:
        self._stop.set()
