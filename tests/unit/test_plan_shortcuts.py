"""The planner's shortcuts (crawler.storage.store.story_ops given a known state): the plan made
from the shortened operations is the plan made from the full ones, for stored documents and
for the state cache's hints of them, at any seen resolution."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import Article, Teaser
from crawler.storage import write_plan
from crawler.storage.store import CACHED_FIELDS, story_ops
from tests.support.store_items import prepared

T0 = datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)
STORIES = [f"https://wire{n}.example/2026/03/story-{n}" for n in range(3)]
WORDS = "harbour council budget ferry tunnel vote schedule repair fares night".split()


def _item(rng: random.Random, url: str, step: int):
    at = T0 + timedelta(minutes=rng.randint(-30, 30) + step * rng.choice([1, 7, 60]),
                        microseconds=rng.randint(0, 999))
    summary = " ".join(rng.choices(WORDS, k=rng.randint(0, 9))) or None
    if rng.random() < 0.3:
        item = Article(url=url, page_url=url, seen_at=at, headline=f"Full {rng.randint(0, 2)}",
                       source="Wire", body=" ".join(rng.choices(WORDS, k=40)), summary=summary,
                       modified_at=rng.choice([None, T0 + timedelta(hours=rng.randint(-2, 2))]))
        item.cluster_id = rng.choice([None, "c" * 40])
        item.aliases = rng.choice([[], [url + "/amp"]])
        return prepared(item)
    return prepared(Teaser(url=url, page_url=f"https://agg.example/p/{rng.randint(0, 5)}",
                           seen_at=at, position=rng.randint(1, 10), headline=f"Teaser {rng.randint(0, 2)}",
                           source="Wire", summary=summary))


def _hint(doc: dict) -> dict:
    return {"_id": doc["_id"], **{k: doc[k] for k in CACHED_FIELDS if k in doc}}


@pytest.mark.parametrize("seed", range(40))
def test_shortened_operations_plan_what_the_full_ones_plan(seed):
    rng = random.Random(seed)
    url = rng.choice(STORIES)
    resolution = timedelta(minutes=rng.choice([0, 5, 120]))
    doc = None
    compared = 0
    for step in range(8):
        group = [_item(rng, url, step) for _ in range(rng.randint(1, 5))]
        story_id = group[0].fingerprint
        full_ops = story_ops(group)
        for state in (doc, _hint(doc) if doc else None):
            plan = write_plan.plan_story(story_id, state, full_ops, resolution)
            short = write_plan.plan_story(story_id, state, story_ops(group, state), resolution)
            assert asdict(short) == asdict(plan)
            compared += 1
        doc = write_plan.plan_story(story_id, doc, full_ops, resolution).result
    assert compared >= 8


def test_a_stored_story_seen_again_in_teasers_plans_from_its_seen_times_alone():
    first = prepared(Article(url=STORIES[0], page_url=STORIES[0], seen_at=T0, headline="H",
                             body="text", summary="A full page standfirst."))
    doc = write_plan.evaluate(None, story_ops([first]))
    again = [prepared(Teaser(url=STORIES[0], page_url="https://agg.example/p/1", seen_at=T0 + timedelta(hours=1),
                             position=2, headline="H", summary="a teaser snippet, longer than the standfirst"))]
    ops = story_ops(again, _hint(doc))
    assert len(ops) == 1 and set(ops[0][1]) == {"$max", "$min"}
    assert len(story_ops(again)) == 2  # the full form keeps the summary rule
