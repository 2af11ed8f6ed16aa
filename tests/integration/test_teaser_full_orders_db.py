"""The teaser/full-page orders of tests/unit/test_teaser_full_orders.py on the real server, by
both write paths (the planned single statement and the operations themselves), so the server
reads the merge rules' filters (`{"modified_at": null}`, `$and` of `$or`s) as the planner does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler.storage.store import story_ops
from tests.support.teaser_and_page import BODY, T0, feed, page, related


def _write(store, batch, by_ops):
    if by_ops:
        store._apply_ops([story_ops(batch)])
    else:
        store.write_sightings(batch)


@pytest.mark.parametrize("by_ops", [False, True], ids=["planned", "operations"])
@pytest.mark.parametrize("first", ["feed", "snippet-hash"])
def test_teaser_first_then_page_then_republished_page(store, first, by_ops):
    if first == "feed":
        teaser, full = feed(), page()
    else:
        teaser, full = related(), page(body=None, summary="A short snippet.")
    _write(store, [teaser], by_ops)
    assert store.articles.find_one()["completeness"] == "teaser"
    _write(store, [full], by_ops)
    doc = store.articles.find_one()
    assert doc["completeness"] == "full" and doc["content_hash"] == full.content_hash
    assert doc.get("modified_at") is None
    _write(store, [related(at=T0 + timedelta(hours=5))], by_ops)  # a teaser seen later
    assert store.articles.find_one()["completeness"] == "full"
    update = page(at=T0 + timedelta(days=1), body=BODY + "\n\nA second lane opened.")
    _write(store, [update], by_ops)
    doc = store.articles.find_one()
    assert doc["completeness"] == "full" and doc["body"] == update.body
    assert store.articles.count_documents({}) == 1
