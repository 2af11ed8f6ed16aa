"""The store pipeline against a real server: batches sealed while the database is busy are merged
into one write, nothing is lost, and merged batches spill and replay whole."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import scrapy

from crawler.items import Teaser
from crawler.storage import spill
from crawler.storage.durable import DurableWriter
from crawler.storage.store import Store
from pipelines.store import StorePipeline
from tests.support.crawlers import crawler_with_store
from tests.support.store_items import prepared

T0 = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def _teaser(n: int, page: int = 0) -> Teaser:
    return prepared(Teaser(url=f"https://pub.example/story/{n}", page_url=f"https://agg.example/p{page}",
                           seen_at=T0, position=n % 10 + 1, aggregator="test",
                           headline=f"Story {n} about the ferry timetable", source="Wire"))


class _Spider(scrapy.Spider):
    name = "merge-test"


def _gated_pipeline(mongo_uri, db_name, monkeypatch, tmp_path, **settings):
    """An open StorePipeline on the test database whose writes wait at a gate (the database is
    busy until the gate opens); `calls` records each write's size."""
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path / "data"))
    crawler = crawler_with_store(Store(mongo_uri, db_name),
                                 {"STORE_FLUSH_INTERVAL": 3600, **settings}, _Spider)
    spider = crawler.spider
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider(spider)
    gate, calls = threading.Event(), []
    write = pipeline.store.write_sightings

    def slow_write(items):
        calls.append(len(items))
        gate.wait(30)
        return write(items)

    pipeline.store.write_sightings = slow_write
    return crawler, spider, pipeline, gate, calls


def _stored_then_dropped(pipeline) -> int:
    """Articles stored; then the test's database is dropped and the store closed."""
    store = pipeline.store
    try:
        return store.count_articles()
    finally:
        store.client.drop_database(store.db.name)
        store.close()


def test_batches_sealed_during_a_slow_write_are_merged(mongo_uri, db_name, monkeypatch, tmp_path):
    crawler, spider, pipeline, gate, calls = _gated_pipeline(
        mongo_uri, db_name, monkeypatch, tmp_path, STORE_BATCH_SIZE=10, STORE_MAX_BATCH=1000)

    async def crawl() -> None:
        for n in range(10):  # one batch: its write starts and waits at the gate
            await pipeline.process_item(_teaser(n, page=n // 10), spider)
        await asyncio.sleep(0.2)
        assert calls == [10]
        for n in range(10, 50):  # four more batches while the first is being written
            await pipeline.process_item(_teaser(n, page=n // 10), spider)
        assert len(list(spill.journal_dir().glob("*.jsonl"))) == 5  # each still journaled
        gate.set()
        await pipeline.close_spider(spider)

    asyncio.run(crawl())
    assert calls == [10, 40]  # the four waiting batches went as one
    stats = crawler.stats.get_stats()
    assert stats["store/batches"] == 2 and stats["store/batches_merged"] == 3
    assert stats["store/new"] == 50
    assert _stored_then_dropped(pipeline) == 50
    assert not list(spill.journal_dir().glob("*.jsonl"))  # every journal file committed
    assert not spill.pending()


def test_a_merged_batch_spills_every_journal_file_and_replays_whole(mongo_uri, db_name,
                                                                     monkeypatch, tmp_path):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path / "data"))
    away = Store("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300", db_name, start=False)
    stats: dict = {}

    class Stats:
        def inc_value(self, key, count=1):
            stats[key] = stats.get(key, 0) + count

        def set_value(self, key, value):
            stats[key] = value

    writer = DurableWriter(away, Stats(), "run-merge", retry_interval=60, probe_timeout=0.3)
    items, journal = [], []
    for batch in range(3):
        for n in range(batch * 4, batch * 4 + 4):
            items.append(_teaser(n))
            writer.accept(items[-1])
        journal.append(writer.seal())
    writer.write(items, [], journal)  # the database is away: all three files become spills
    assert stats["store/spilled"] == 12
    assert len(spill.pending()) == 3 and not list(spill.journal_dir().glob("*.jsonl"))
    store = Store(mongo_uri, db_name)
    store.ensure_indexes()
    try:
        assert spill.replay(store) == 12
        assert store.count_articles() == 12 and not spill.pending()
    finally:
        store.client.drop_database(db_name)
        store.close()
    away.close()


def test_a_busy_database_holds_the_crawl_once_a_full_batch_waits(mongo_uri, db_name, monkeypatch,
                                                                   tmp_path):
    """Back-pressure: one batch being written and one waiting (merged up to STORE_MAX_BATCH);
    beyond that process_item waits, so items never pile up in memory."""
    crawler, spider, pipeline, gate, calls = _gated_pipeline(
        mongo_uri, db_name, monkeypatch, tmp_path, STORE_BATCH_SIZE=10, STORE_MAX_BATCH=20,
        STORE_MAX_PENDING=1)
    accepted = 0

    async def crawl() -> None:
        nonlocal accepted
        for n in range(200):
            await pipeline.process_item(_teaser(n, page=n // 10), spider)
            accepted += 1

    async def main() -> None:
        feeding = asyncio.ensure_future(crawl())
        await asyncio.sleep(0.5)
        held = accepted
        gate.set()
        await feeding
        await pipeline.close_spider(spider)
        # Nothing yields before the first write starts, so the first two batches merged (20)
        # and the next two merged into the one waiting (20): with that one full, the 41st item
        # waits before it is accepted.
        assert held == 40, held

    asyncio.run(main())
    assert sum(calls) == 200 and max(calls) <= 20
    assert _stored_then_dropped(pipeline) == 200
