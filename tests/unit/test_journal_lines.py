"""Journal lines (crawler.storage.spill): every item written is read back as it was, through the
fast encoder and through the fallback for what it refuses, and a line the disk cut short is
removed again."""

from __future__ import annotations

import errno
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.items import Article, PageItems, PageSnapshot, Teaser, stored_items
from crawler.storage import spill

T0 = datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)


def _items():
    lead = Article(url="https://wire.example/a", page_url="https://agg.example/p", seen_at=T0,
                   aggregator="daily8", headline="Ferry \u00e9t\u00e9 \u6e2f \U0001f6a2", source="Wire",
                   authors=["A. Writer"], body="word " * 200, summary="Standfirst.", lang="en",
                   published_at=T0 - timedelta(hours=8), published_raw="8 hours ago",
                   published_precision="hour", canonical_url="https://wire.example/a",
                   fingerprint="f" * 40, content_hash="c" * 40, modified_raw="yesterday",
                   modified_at=datetime(2026, 3, 1, 7, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
                   aliases=["https://wire.example/amp/a"], text_hash="t" * 40,
                   minhash=[0, 1, 2**32 - 1], cluster_id="k" * 40)
    teaser = Teaser(url="https://wire.example/b", page_url="https://agg.example/p",
                    seen_at=T0.replace(microsecond=0), position=3, headline="Quote \" and \\ and \n",
                    summary=None, published_at=None, role="feed")
    page = PageSnapshot(url="https://agg.example/p", fetched_at=T0, status=200, aggregator="daily8",
                        lead_url="https://wire.example/a", related_urls=["https://wire.example/b"],
                        problems=["no time"], depth=2, lead="f" * 40, related=["e" * 40], run_id="run1")
    return [lead, teaser, page]


def _same(item, back) -> None:
    assert type(back) is type(item)
    for name in spill._FIELD_NAMES[type(item)]:
        ours, theirs = getattr(item, name), getattr(back, name)
        if name == "modified_at" and ours is not None:  # not a journal time field: kept as text
            theirs = datetime.fromisoformat(theirs)
        assert theirs == ours, name


def test_items_read_back_as_they_were_written():
    for item in _items():
        line = spill._encode(item)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        _same(item, spill._decode(line.decode("utf-8")))


def test_the_fast_line_says_what_the_standard_library_line_says():
    for item in _items():
        fast = json.loads(spill._encode(item))
        slow = json.loads(spill._encode_text(item))
        if fast["item"].get("modified_at"):  # str(datetime) there, isoformat here: the same time
            assert (datetime.fromisoformat(fast["item"].pop("modified_at"))
                    == datetime.fromisoformat(slow["item"].pop("modified_at")))
        assert fast == slow


@pytest.mark.parametrize("odd", ["lone \ud800 surrogate", 2**70])
def test_what_the_fast_encoder_refuses_is_still_journaled(odd):
    teaser = Teaser(url="https://wire.example/b", page_url="https://agg.example/p", seen_at=T0,
                    position=odd if isinstance(odd, int) else 1,
                    headline=odd if isinstance(odd, str) else "H")
    back = spill._decode(spill._encode(teaser).decode("utf-8"))
    _same(teaser, back)


def test_a_batch_file_holds_whole_lines_only(tmp_path, monkeypatch):
    batch = spill.JournalBatch(tmp_path / "run-w-000001.jsonl")
    items = _items()
    batch.append(items[0])
    real_write = spill.os.write
    calls = []

    def short_then_full(fd, data):  # the disk takes part of the line, then refuses the rest
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spill.os, "write", short_then_full)
    with pytest.raises(OSError):
        batch.append(items[1])
    monkeypatch.setattr(spill.os, "write", real_write)
    batch.append(items[2])
    got, bad = spill.read_counted(batch.path)
    assert bad == 0 and [type(i) for i in got] == [Article, PageSnapshot]
    assert batch.count == 2
    batch.commit()
    assert not batch.path.exists()


def test_a_page_is_journaled_in_one_write_or_not_at_all(tmp_path, monkeypatch):
    """A page's items (PageItems) go to the journal in one write: a kill between two system
    calls cannot leave a page's sightings without its snapshot, and a refused page leaves no
    line of it behind."""
    lead, teaser, page = _items()
    unit = PageItems(snapshot=page, lead=lead, related=[teaser])
    assert stored_items(unit) == [lead, teaser, page]  # the order the pipelines rely on
    assert stored_items(teaser) == (teaser,)
    batch = spill.JournalBatch(tmp_path / "run-w-000001.jsonl")
    real_write = spill.os.write
    writes = []

    def counted(fd, data):
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(spill.os, "write", counted)
    batch.append_many(stored_items(unit))
    assert len(writes) == 1 and batch.count == 3
    got, bad = spill.read_counted(batch.path)
    assert bad == 0 and [type(i) for i in got] == [Article, Teaser, PageSnapshot]

    def refuse_midway(fd, data):
        real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spill.os, "write", refuse_midway)
    with pytest.raises(OSError):
        batch.append_many(stored_items(unit))
    got, bad = spill.read_counted(batch.path)
    assert bad == 0 and len(got) == 3 and batch.count == 3


def test_a_page_the_disk_refuses_is_held_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(spill, "journal_dir", lambda: tmp_path / "journal")
    journal = spill.Journal("run1")
    lead, teaser, page = _items()

    def refuse(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spill.os, "write", refuse)
    assert journal.append_many([lead, teaser, page]) is False
    assert journal.current.held == [lead, teaser, page] and journal.failure is not None
