"""How a finished crawl is judged, for the run record and the exit status cron reads.

Three kinds of outcome are kept apart, because an operator acts on each differently:
- policy: pages the crawler chose not to fetch (fresh, not due, robots.txt) or the site answered
  with a fact about the page (404/410 gone, 401/403/451 refused, 304 not modified). Counted and
  reported; never a reason to mail anyone.
- failures: pages that could not be fetched or read (network errors, 5xx, hostile bodies),
  feeds that failed, items not stored, spider exceptions. A few network failures are the weather
  of the web; the run turns partial when their share of requests passes CRAWLER_MAX_FAILED_SHARE,
  and at once for anything on our side (an exception, an item not stored).
- the database: unreachable at the start is its own exit status, so a cron mail says where to look.
"""

from __future__ import annotations

OK, PARTIAL, FAILED = "ok", "partial", "failed"

# Exit statuses of `crawler crawl` / `scrapy crawl`: each means one thing.
EXIT_OK = 0  # the crawler did its job (policy outcomes are counted, not failures)
EXIT_PARTIAL = 1  # our side failed: items not stored, exceptions, too many failed requests
EXIT_USAGE = 2  # bad usage or configuration; nothing was started
EXIT_DATABASE = 3  # the database could not be reached

EXIT_MEANINGS = {
    EXIT_OK: "the crawl did its job (pages the site refused, removed or disallowed are counted, "
             "not failures)",
    EXIT_PARTIAL: "partial or failed: items not stored, spider exceptions, or more than "
                  "CRAWLER_MAX_FAILED_SHARE of requests failed",
    EXIT_USAGE: "bad usage or configuration (unknown spider, bad argument or setting, broken "
                "profile); nothing was started",
    EXIT_DATABASE: "the database could not be reached",
}

DEFAULT_MAX_FAILED_SHARE = 0.05

# HTTP answers that are the site's word about one page, not a fault of the crawl.
GONE_STATUSES = frozenset({404, 410})
REFUSED_STATUSES = frozenset({401, 403, 451})

# Older stats keys that mean a policy outcome, and the policy name they count under. A newer
# component may count the same outcome under `policy/<name>` itself; the larger count wins.
LEGACY_POLICY_KEYS = {
    "incremental/fresh": "fresh",
    "incremental/listing_not_due": "not_due",
    "incremental/not_modified": "not_modified",
    "pages/skipped/robots": "robots",
}


def policy_kind(failure_kind: str) -> str | None:
    """The policy name of a page outcome `spiders.page_faults.describe_failure` named, or None
    when it is a real failure: gone (404/410), refused (401/403/451), robots."""
    if failure_kind == "robots":
        return "robots"
    if failure_kind.startswith("http_") and failure_kind[5:].isdigit():
        status = int(failure_kind[5:])
        if status in GONE_STATUSES:
            return "gone"
        if status in REFUSED_STATUSES:
            return "refused"
    return None


def policy_counts(stats: dict) -> dict[str, int]:
    """Policy outcomes by name, from `policy/<name>` stats and the older keys that mean one."""
    counts: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("policy/") and value and key.count("/") == 1:
            counts[key[7:]] = int(value)
    for key, name in LEGACY_POLICY_KEYS.items():
        value = int(stats.get(key, 0) or 0)
        if value > counts.get(name, 0):
            counts[name] = value
    return {name: n for name, n in sorted(counts.items()) if n}


def failure_counts(stats: dict) -> dict[str, int]:
    """Real failures by kind: page failures (`pages/failed/<kind>`), feeds and sitemaps that
    failed, spider exceptions by class, items not stored, ERROR log lines."""
    errors: dict[str, int] = {}
    for key, value in stats.items():
        if not value:
            continue
        if key.startswith("pages/failed/"):
            errors[key[13:]] = errors.get(key[13:], 0) + int(value)
        elif key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
            name = key.split("/")[-1].rsplit(".", 1)[-1]
            errors[name] = errors.get(name, 0) + int(value)
    extra = {
        "discovery": stats.get("discovery/failed", 0),
        "store": stats.get("store/errors", 0),
        "dropped": stats.get("item_dropped_count", 0),
        "logged_errors": stats.get("log_count/ERROR", 0),
    }
    errors.update({k: int(v) for k, v in extra.items() if v})
    return dict(sorted(errors.items()))


def failed_share(stats: dict) -> float:
    """Pages, feeds and sitemaps that failed, as a share of the requests sent."""
    failed = int(stats.get("pages/failed", 0) or 0) + int(stats.get("discovery/failed", 0) or 0)
    if not failed:
        return 0.0
    requests = int(stats.get("downloader/request_count", 0) or 0)
    return failed / max(requests, failed)


def run_status(stats: dict, finish_reason: str | None,
               max_failed_share: float = DEFAULT_MAX_FAILED_SHARE) -> str:
    """failed: the crawl did not finish, reached no page, or lost the database at start.
    partial: it finished, but a page raised, an item could not be stored, or more than
    `max_failed_share` of requests failed. ok: otherwise, whatever the policy counts say."""
    if stats.get("run/database_unreachable") or stats.get("run/data_dir_unusable"):
        return FAILED
    # Items left only on disk (the database did not come back) or lost: the run did not do
    # its job, whatever else went well.
    if stats.get("store/unstored") or stats.get("store/lost"):
        return FAILED
    # A distributed worker (crawler/distributed/) may rightly get no page: others drained the
    # shared queue first. Policy skips count as reaching the site: it answered or was asked.
    reached = (stats.get("response_received_count") or stats.get("distributed/worker")
               or policy_counts(stats))
    if finish_reason != "finished" or not reached:
        return FAILED
    ours = (
        stats.get("spider_exceptions/count", 0)
        + stats.get("store/errors", 0)
        + stats.get("item_dropped_count", 0)
    )
    if ours or failed_share(stats) > max_failed_share:
        return PARTIAL
    return OK


def exit_code(status: str | None, database_unreachable: bool = False) -> int:
    """The process exit status of a crawl with this run status (see EXIT_MEANINGS)."""
    if database_unreachable:
        return EXIT_DATABASE
    return EXIT_OK if status == OK else EXIT_PARTIAL


def exit_codes_help() -> str:
    """The exit statuses as lines for --help and the README."""
    return "\n".join(f"  {code}  {text}" for code, text in EXIT_MEANINGS.items())
