"""How a finished crawl is judged, for the run record and the exit status cron reads."""

from __future__ import annotations

OK, PARTIAL, FAILED = "ok", "partial", "failed"


def run_status(stats: dict, finish_reason: str | None) -> str:
    """failed: the crawl did not finish, reached no page, or lost the database at start.
    partial: it finished, but a page raised, an item could not be stored, or requests failed.
    ok: otherwise."""
    if stats.get("run/database_unreachable") or stats.get("run/data_dir_unusable"):
        return FAILED
    # Items left only on disk (the database did not come back) or lost: the run did not do
    # its job, whatever else went well.
    if stats.get("store/unstored") or stats.get("store/lost"):
        return FAILED
    # A distributed worker (crawler/distributed/__init__.py) may rightly get no page: others drained the
    # shared queue first.
    reached = stats.get("response_received_count") or stats.get("distributed/worker")
    if finish_reason != "finished" or not reached:
        return FAILED
    troubles = (
        stats.get("spider_exceptions/count", 0)
        + stats.get("store/errors", 0)
        + stats.get("item_dropped_count", 0)
        + stats.get("pages/failed", 0)
    )
    return PARTIAL if troubles else OK


def exit_code(status: str | None) -> int:
    return 0 if status == OK else 1
