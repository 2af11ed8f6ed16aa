"""When a job runs: croniter in the job's timezone, and the missed-run policy.

Missed-run policy (documented in docs/operations.md and `crawler schedule --help`):
  * A firing is due at its cron time in the job's timezone.
  * If the daemon notices a firing late (it was busy, suspended, or just starting) by at most the
    job's `grace` seconds, the run starts once, late. A firing missed by more is skipped with a
    log line.
  * At start, the daemon looks at each job's most recent firing: if it falls within the grace
    window and the state file shows it was not started, the job runs once at start. Firings older
    than that are never caught up, and however many were missed, at most ONE run is made up.
  * A firing whose previous run of the same job still holds the job's lock is skipped (logged),
    never queued.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from croniter import croniter

from crawler.schedule.jobs import Job


def next_run(job: Job, after: datetime) -> datetime:
    """The first firing strictly after `after`, as an aware UTC datetime."""
    it = croniter(job.cron, after.astimezone(job.zone))
    return it.get_next(datetime).astimezone(UTC)


def previous_run(job: Job, before: datetime) -> datetime:
    """The latest firing at or before `before` (UTC)."""
    at = before.astimezone(job.zone)
    nxt = croniter(job.cron, at - timedelta(seconds=1)).get_next(datetime)
    if nxt <= at:
        return nxt.astimezone(UTC)
    return croniter(job.cron, at).get_prev(datetime).astimezone(UTC)


def catch_up_at_start(job: Job, now: datetime, last_fire: datetime | None) -> datetime | None:
    """The one missed firing to run at start, or None (see the policy above). A job the state
    file has never seen has missed nothing."""
    if last_fire is None:
        return None
    prev = previous_run(job, now)
    if prev > last_fire and (now - prev).total_seconds() <= job.grace:
        return prev
    return None


def too_late(job: Job, due: datetime, now: datetime) -> bool:
    return (now - due).total_seconds() > job.grace
