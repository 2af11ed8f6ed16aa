"""A teaser and the full page of the same story, in every order the crawl can deliver them
(either first, both in one batch, a spilled batch replayed after a later one), evaluated with the
store's own operations (crawler.storage.write_plan.evaluate): completeness never goes from full
back to teaser, a full page always upgrades a teaser, and the order never decides whether the
story's text can change later."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from crawler.storage import write_plan
from crawler.storage.store import story_ops
from tests.support.teaser_and_page import BODY, T0, feed, page, related


def _store(state, batch):
    """One write_sightings call, as the planner evaluates it."""
    return write_plan.evaluate(state, story_ops(batch))


def _deliveries(items):
    """Every order and grouping: each permutation as separate batches and as one batch."""
    for order in itertools.permutations(items):
        yield [[i] for i in order]
        yield [list(order)]


SCENARIOS = {
    "related teaser, page without dates": [related(), page()],
    "feed teaser, page without dates": [feed(), page()],
    "feed teaser, page dated before the feed": [feed(), page(modified=T0 + timedelta(hours=1))],
    "feed teaser, page dated after the feed": [feed(), page(modified=T0 + timedelta(hours=3))],
    "teaser seen after the page": [page(at=T0), related(at=T0 + timedelta(hours=1)),
                                   feed(at=T0 + timedelta(hours=2))],
    # A page whose body was not found (a video page) and whose standfirst is the card's
    # snippet: its content hash is the teaser's.
    "page without body text, snippet as summary": [
        related(), page(body=None, summary="A short snippet.")],
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_full_page_wins_and_stays_whatever_the_order(name):
    items = SCENARIOS[name]
    full = next(i for i in items if i.completeness == "full")
    for delivery in _deliveries(items):
        doc = None
        stored_full = False
        for batch in delivery:
            doc = _store(doc, batch)
            stored_full = stored_full or any(i.completeness == "full" for i in batch)
            if stored_full:
                assert doc["completeness"] == "full", (name, delivery)
        assert doc["content_hash"] == full.content_hash, (name, delivery)
        assert doc.get("body") == full.body, (name, delivery)
        assert doc.get("modified_at") == full.modified_at, (name, delivery)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_republished_page_replaces_the_text_whatever_came_first(name):
    """After any delivery, the page's next version (new text, dated now or not dated, as the
    first one was) replaces the text: a feed's date that reached the teaser first must not
    freeze it."""
    items = SCENARIOS[name]
    full = next(i for i in items if i.completeness == "full")
    later = full.modified_at + timedelta(days=1) if full.modified_at else None
    update = page(at=T0 + timedelta(days=1), body=BODY + "\n\nA second lane opened.", modified=later)
    for delivery in _deliveries(items):
        doc = None
        for batch in delivery:
            doc = _store(doc, batch)
        doc = _store(doc, [update])
        assert doc["completeness"] == "full" and doc["body"] == update.body, (name, delivery)


def test_replayed_teaser_after_the_page_changes_nothing_but_sightings():
    """A spilled batch replayed late (its items keep times as text)."""
    doc = _store(None, [page()])
    replayed = feed()
    replayed.modified_at = replayed.modified_at.isoformat()
    after = _store(doc, [replayed])
    assert after["completeness"] == "full" and after["body"] == BODY
    assert after.get("modified_at") is None and after["content_hash"] == doc["content_hash"]
