"""crawler.gc_tuning: what the crawl's engine start does to the garbage collector."""

from __future__ import annotations

import gc

from crawler.gc_tuning import YOUNG_THRESHOLD, freeze_startup_objects


def test_start_up_objects_frozen_and_young_generation_collected_less_often():
    before = gc.get_threshold()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], before[2])
        # Cyclic garbage made afterwards is still found.
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
