"""Pure parts of `crawler web`: bind policy, token comparison, masking, charts, search, source
figures, log sections. No server, database or browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.redact import mask_settings
from crawler.web import charts, fmt
from crawler.web.access import bind_problem, is_loopback, token_matches
from crawler.web.logtail import run_log
from crawler.web.storyindex import Query, Snapshot, Story, source_stats

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _story(i: int, **kw) -> Story:
    doc = {"_id": f"{i:040x}", "headline": f"Story {i}", "source": "Wire", "aggregator": "daily8",
           "published_at": NOW - timedelta(hours=i), "first_seen_at": NOW - timedelta(hours=i) +
           timedelta(minutes=10), "completeness": "full", **kw}
    return Story.from_doc(doc)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_token(host):
    assert is_loopback(host)
    assert bind_problem(host, None, False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.internal"])
def test_elsewhere_needs_a_token_or_the_flag(host):
    assert "CRAWLER_WEB_TOKEN" in bind_problem(host, None, False)
    assert bind_problem(host, "x" * 16, False) is None
    assert bind_problem(host, None, True) is None


def test_short_token_is_refused_everywhere():
    assert "too short" in bind_problem("127.0.0.1", "abc", False)


def test_token_comparison():
    assert token_matches("s" * 20, "s" * 20)
    assert not token_matches("s" * 19 + "t", "s" * 20)
    assert not token_matches("s" * 19, "s" * 20)
    assert not token_matches(None, "s" * 20)
    assert not token_matches("", "s" * 20)
    assert not token_matches("\udcff" * 3, "s" * 20)  # undecodable input is just wrong


def test_mask_settings_hides_passwords_and_secret_names():
    masked = mask_settings({"MONGO_URI": "mongodb://app:p4ss@db:27017/news",
                            "REDIS_URL": "redis://:r3dis@10.0.0.1:6379/0",
                            "CRAWLER_WEB_TOKEN": "abc", "AWS_SECRET_ACCESS_KEY": "k",
                            "HTTP_PASSWORD": "pw", "LOG_LEVEL": "INFO"})
    assert masked["MONGO_URI"] == "mongodb://app:***@db:27017/news"
    assert masked["REDIS_URL"] == "redis://:***@10.0.0.1:6379/0"
    assert masked["CRAWLER_WEB_TOKEN"] == masked["AWS_SECRET_ACCESS_KEY"] == "***"
    assert masked["HTTP_PASSWORD"] == "***"
    assert masked["LOG_LEVEL"] == "INFO"
    assert list(masked) == sorted(masked)


def test_chart_labels_are_escaped_and_points_counted():
    pts = [charts.Point(1, 2, "<script>x</script>", href='/a?"b"'), charts.Point(2, 5, "ok")]
    svg = str(charts.line_chart("t<i>", pts))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "t&lt;i&gt;" in svg and 'href="/a?&#34;b&#34;"' in svg
    assert svg.count('class="pt ') == 2
    assert svg.count("<rect") == 0
    bars = str(charts.bar_chart("b", pts))
    assert bars.count('class="pt bar"') == 2
    assert "no data yet" in str(charts.line_chart("t", []))
    assert "no data yet" in str(charts.sparkline("s", [0, 0], ["a", "b"]))


def test_bar_heights_follow_values():
    svg = str(charts.bar_chart("b", [charts.Point(0, 10, "a"), charts.Point(1, 5, "b")]))
    heights = [float(h) for h in __import__("re").findall(r'height="([\d.]+)" data-x', svg)]
    assert heights[0] == pytest.approx(2 * heights[1])


def test_query_matches_words_source_and_time():
    s = _story(3, headline="Kellmoor Farmers' cooperative", source="First Wire")
    assert Query.parse("kellmoor FARMERS").matches(s)
    assert not Query.parse("kellmoor harbour").matches(s)
    assert Query.parse(source="First Wire").matches(s)
    assert not Query.parse(source="Other").matches(s)
    assert Query.parse(since="2026-11-28T08:00").matches(s)  # published 09:00 UTC
    assert not Query.parse(since="2026-11-28T09:30:00Z").matches(s)
    assert Query.parse(until="2026-11-28T09:30+00:00").matches(s)
    assert not Query.parse(until="2026-11-28").matches(s)
    with pytest.raises(ValueError, match="'to' must be a date"):
        Query.parse(until="tomorrow")


def test_snapshot_search_is_newest_first_and_pages():
    docs = [{"_id": f"{i:040x}", "headline": f"h {i}", "published_at": NOW - timedelta(minutes=i),
             "cluster_id": "c" if i < 3 else None} for i in range(120)]
    snap = Snapshot.build(docs, NOW, 0.0)
    total, first = snap.search(Query(), 0, 50)
    assert total == 120 and [s.headline for s in first[:2]] == ["h 0", "h 1"]
    total, last = snap.search(Query(), 100, 50)
    assert len(last) == 20 and last[-1].headline == "h 119"
    assert sorted(snap.cluster_of(f"{0:040x}")) == [f"{1:040x}", f"{2:040x}"]
    assert snap.cluster_of(f"{5:040x}") == []


def test_source_stats_lag_share_and_days():
    stories = [_story(1), _story(2, completeness="teaser"), _story(30),
               _story(4, first_seen_at=NOW - timedelta(hours=5))]  # seen before published
    (wire,) = source_stats(stories, lambda s: s.source, NOW)
    assert wire.stories == 4 and wire.last_24h == 3
    assert wire.full_share == pytest.approx(0.75)
    assert wire.median_lag_min == pytest.approx(10.0)  # the negative lag is left out
    assert sum(wire.per_day) == 4 and wire.per_day[-1] == 3


def test_fmt_helpers():
    assert fmt.age(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert fmt.age(None) == "never"
    assert fmt.duration(75) == "75.0 s" and fmt.duration(600) == "10.0 min"
    run = {"duration_s": 120.0, "counts": {"pages": 60}}
    assert fmt.pages_per_minute(run) == pytest.approx(30.0)
    assert fmt.failures({"errors": {"a": 1, "b": 3, "c": 0}}) == [("b", 3), ("a", 1)]
    assert fmt.failures({"errors": {}, "error": "boom"}) == [("crashed", 1)]


def test_run_log_reads_only_its_section_and_only_inside_the_data_dir(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "job1.log").write_text("=== run a job job1 started x\nA1\n=== run b job job1 started y\n"
                                   "B1 mongodb://u:secret@h/\nB2\n=== run c job job1 started z\nC1\n")
    source, lines = run_log({"_id": "b", "job": "job1"}, tmp_path)
    assert source.endswith("job1.log")
    assert lines == ["=== run b job job1 started y", "B1 mongodb://u:***@h/", "B2"]
    assert run_log({"_id": "zz", "job": "job1"}, tmp_path) == (None, [])
    assert run_log({"_id": "b", "job": "../../etc/passwd"}, tmp_path) == (None, [])
    outside = tmp_path.parent / "outside.log"
    outside.write_text("private\n")
    assert run_log({"_id": "m", "settings": {"LOG_FILE": str(outside)}}, tmp_path) == (None, [])
    (tmp_path / "manual.log").write_text("M1\nM2\n")
    assert run_log({"_id": "m", "settings": {"LOG_FILE": "manual.log"}}, tmp_path)[1] == ["M1", "M2"]
