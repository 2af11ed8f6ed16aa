"""`crawler db migrate`: the registered steps that bring a stored database up to the current
schema, in order. Each step is a module with NAME, DESCRIPTION and migrate(store) -> a result
whose str() says what it did; every step is idempotent, so running them all again on a
migrated database changes nothing."""

from __future__ import annotations

from crawler.storage import url_keys

STEPS = [url_keys]


def run_all(store, log=print) -> None:
    for step in STEPS:
        result = step.migrate(store)
        log(f"{step.NAME}: {result}")
