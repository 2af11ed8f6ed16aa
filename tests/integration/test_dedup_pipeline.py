"""Aliases within a site and clusters across sites through the dedup pipeline and the real store,
including the index rebuilt from the database at the next run's start."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from crawler.items import Article, PageSnapshot, Teaser
from crawler.urls import fingerprint
from pipelines.dedup import DedupPipeline
from pipelines.normalize import NormalizePipeline
from tests.support.crawl import FIXTURES
from tests.support.crawlers import crawler_with_store

T0 = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
PAIRS = {p["id"]: p for p in json.loads(
    (FIXTURES / "neardup/pairs.json").read_text())["pairs"]}
STORY = PAIRS["edit_bank_a"]


def _article(url, body, at=T0, headline="Central bank raises rates"):
    return Article(url=url, page_url=url, seen_at=at, headline=headline, body=body, source="Paper",
                   modified_raw="2025-06-16T08:00:00+02:00")


def _run(pipeline, items):
    normalize = NormalizePipeline()
    return [pipeline.process_item(normalize.process_item(i)) for i in items]


def test_alias_and_cluster_then_rebuild_from_the_database(store):
    pipe = DedupPipeline.from_crawler(crawler_with_store(store))
    pipe.open_spider()
    a = _article("https://paper.example/business/rates", STORY["a"])
    b = _article("https://paper.example/markets/rates-rise?utm_source=x", STORY["a"])
    teaser_b = Teaser(url="https://paper.example/markets/rates-rise", page_url="https://agg.example/",
                      seen_at=T0, position=1, headline="Rates rise")
    snap = PageSnapshot(url=b.url, fetched_at=T0, status=200, lead_url=b.url)
    copy = _article("https://wire.example/estavia-rates", STORY["b"], headline="Estavia lifts rates")
    other = _article("https://wire.example/inflation", PAIRS["topic_bank"]["b"], headline="Inflation")
    out = _run(pipe, [a, b, teaser_b, snap, copy, other])
    a, b, teaser_b, snap, copy, other = out
    assert b.fingerprint == a.fingerprint and b.aliases == ["https://paper.example/markets/rates-rise"]
    assert teaser_b.fingerprint == a.fingerprint and snap.lead == a.fingerprint
    assert copy.cluster_id == a.fingerprint and copy.fingerprint != a.fingerprint
    assert other.cluster_id == other.fingerprint
    assert a.modified_at == datetime(2025, 6, 16, 6, 0, tzinfo=UTC)
    store.write_sightings([a, b, teaser_b, copy, other])

    assert store.count_articles() == 3
    doc = store.article(a.fingerprint)
    assert doc["aliases"] == ["https://paper.example/markets/rates-rise"]
    assert store.count_articles({"cluster_id": a.fingerprint}) == 2

    # Next run: a fresh pipeline rebuilt from the database finds the alias and the cluster.
    later = DedupPipeline.from_crawler(crawler_with_store(store))
    later.open_spider()
    again_b = _article("https://paper.example/markets/rates-rise", STORY["a"], at=T0 + timedelta(hours=1))
    third = _article("https://mirror.example/rates", STORY["b"] + " Extra closing line from the mirror.",
                     at=T0 + timedelta(hours=1), headline="Rates up")
    again_b, third = _run(later, [again_b, third])
    assert again_b.fingerprint == a.fingerprint
    assert third.cluster_id == a.fingerprint
    store.write_sightings([again_b, third])
    assert store.count_articles() == 4
    assert store.article(a.fingerprint)["aliases"] == ["https://paper.example/markets/rates-rise"]
    assert store.article(fingerprint("https://paper.example/markets/rates-rise")) is None
