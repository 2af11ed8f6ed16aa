"""How a finished crawl is judged: policy outcomes are counted apart from failures, and only our
side's failures (or too many failed requests) make a run partial."""

from __future__ import annotations

from crawler.extensions.run_status import (
    EXIT_DATABASE,
    EXIT_OK,
    EXIT_PARTIAL,
    exit_code,
    failure_counts,
    policy_counts,
    policy_kind,
    run_status,
)

BASE = {"response_received_count": 40, "downloader/request_count": 44}


def test_gone_refused_and_robots_are_policy_not_failures():
    assert policy_kind("http_404") == policy_kind("http_410") == "gone"
    assert policy_kind("http_403") == policy_kind("http_451") == "refused"
    assert policy_kind("robots") == "robots"
    for kind in ("http_500", "http_503", "timeout", "dns", "binary", "too_large"):
        assert policy_kind(kind) is None


def test_a_crawl_with_gone_stories_fresh_pages_and_robots_rules_is_ok():
    stats = {**BASE, "policy/gone": 2, "policy/robots": 3, "incremental/fresh": 10,
             "incremental/not_modified": 4, "pages/skipped/robots": 3,
             "downloader/response_status_count/404": 3,  # two stories and robots.txt
             "downloader/exception_type_count/crawler.middlewares.incremental.SkippedByPolicy": 10}
    assert run_status(stats, "finished") == "ok"
    assert failure_counts(stats) == {}
    assert policy_counts(stats) == {"fresh": 10, "gone": 2, "not_modified": 4, "robots": 3}


def test_newer_policy_keys_and_older_ones_are_not_counted_twice():
    stats = {**BASE, "policy/fresh": 7, "incremental/fresh": 7, "policy/not_modified": 2}
    assert policy_counts(stats) == {"fresh": 7, "not_modified": 2}


def test_a_few_network_failures_are_tolerated_many_are_partial():
    one = {**BASE, "pages/failed": 1, "pages/failed/timeout": 1}
    assert run_status(one, "finished") == "ok"
    assert failure_counts(one) == {"timeout": 1}
    many = {**BASE, "pages/failed": 5, "pages/failed/http_503": 5}
    assert run_status(many, "finished") == "partial"
    assert run_status(many, "finished", max_failed_share=0.5) == "ok"


def test_our_side_failing_is_partial_at_once():
    for key in ("spider_exceptions/count", "store/errors", "item_dropped_count"):
        assert run_status({**BASE, key: 1}, "finished") == "partial", key
    errors = failure_counts({**BASE, "spider_exceptions/count": 1,
                             "spider_exceptions/builtins.KeyError": 1, "store/errors": 2})
    assert errors == {"KeyError": 1, "store": 2}


def test_failed_runs():
    assert run_status({**BASE}, "shutdown") == "failed"
    assert run_status({}, "finished") == "failed"  # reached nothing
    assert run_status({"run/database_unreachable": True, **BASE}, "finished") == "failed"
    # Everything fresh: nothing fetched, but the site was asked about and the run did its job.
    assert run_status({"incremental/fresh": 12}, "finished") == "ok"


def test_exit_codes_mean_one_thing_each():
    assert exit_code("ok") == EXIT_OK == 0
    assert exit_code("partial") == exit_code("failed") == EXIT_PARTIAL == 1
    assert exit_code("failed", database_unreachable=True) == EXIT_DATABASE == 3
