"""Smaller faults: stray NUL bytes, oversized fields, secrets in crontab lines."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from crawler.items import Article, PageSnapshot
from crawler.schedule import crontab
from crawler.schedule.jobs import Job
from pipelines.normalize import NormalizePipeline, cap
from spiders.page_faults import looks_binary


def test_a_nul_byte_in_an_article_does_not_make_it_binary():
    page = b"<html><body><h1>Title</h1>" + b"\x00" + b"<p>text</p>" * 300 + b"</body></html>"
    assert not looks_binary(page)
    assert not looks_binary(b"\x00" * 3 + b"<p>a story</p>" * 100)


def test_binary_bodies_are_still_binary():
    assert looks_binary(os.urandom(30_000))
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + os.urandom(4000))
    assert looks_binary(b"\x00" * 4096)


def test_binary_share_counted_as_byte_by_byte():
    """The control-byte count (bytes.translate) says what a byte-by-byte count says, at the
    5% line too."""
    import random

    rng = random.Random(7)
    for _ in range(300):
        share = rng.random() * 0.1
        body = bytes(rng.randrange(32) if rng.random() < share else rng.randrange(32, 256)
                     for _ in range(rng.randrange(1, 5000)))
        head = body[:4096]
        control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
        assert looks_binary(body) == (control / len(head) > 0.05)


def test_cap_cuts_and_says_from_how_long():
    assert cap("abc", 5) == ("abc", None)
    assert cap("abcdef", 3) == ("abc", 6)
    assert cap(None, 3) == (None, None)
    assert cap("abcdef", 0) == ("abcdef", None)


def test_oversized_fields_are_cut_and_the_cut_noted_on_the_page():
    pipe = NormalizePipeline(limits={"headline": 10, "summary": 10, "body": 20})
    now = datetime(2026, 3, 1, tzinfo=UTC)
    url = "https://news.example/s/1"
    item = Article(url=url, page_url=url, seen_at=now, headline="H" * 1_000_000, body="b" * 50)
    pipe.process_item(item)
    assert item.headline == "H" * 10 and item.body == "b" * 20
    snapshot = pipe.process_item(PageSnapshot(url=url, fetched_at=now, status=200))
    assert "headline_truncated: 1000000 chars cut to 10" in snapshot.problems
    assert "body_truncated: 50 chars cut to 20" in snapshot.problems
    assert pipe.cuts == {}


def test_crontab_lines_never_hold_a_password():
    job = Job(name="hourly", cron="0 * * * *", spider="daily8",
              settings={"REDIS_URL": "redis://:p@ss%25w/rd@127.0.0.1:6379/0", "LOG_LEVEL": "INFO"})
    text, _ = crontab.render([job], Path("schedules.yaml"))
    assert "p@ss" not in text and "w/rd" not in text
    assert "# CRAWLER_SECRET_HOURLY_REDIS_URL=redis://:***@127.0.0.1:6379/0" in text
    assert '"REDIS_URL=$CRAWLER_SECRET_HOURLY_REDIS_URL"' in text
    assert "LOG_LEVEL=INFO" in text
