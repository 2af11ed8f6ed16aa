"""Scheduled crawls: the schedules file, next-run times, per-job locks, the foreground daemon
(`crawler schedule run`) and equivalent crontab lines for hosts that prefer cron.

Modules: jobs (file parsing and validation), timing (croniter next/previous runs and the
missed-run policy), locks (one flock per job under the data directory), state (what the daemon
last did, for status and the missed-run policy), daemon (the loop), crontab (rendering).
"""
