"""The start-up's objects kept out of the garbage collector's way for the rest of the crawl.

By the time a crawl's engine starts, the process holds some 160,000 objects that live until it
exits: modules, classes, settings, components. Every full collection during the crawl walks all
of them again, and so does the one at interpreter exit, although none of them can be garbage.
Moving them to the collector's permanent generation (gc.freeze) once, when the engine starts,
spares that work; objects made after that point are collected exactly as before, including the
unhandled-error reports Twisted makes when a Deferred is collected. The start-up's few cyclic
garbage objects are not looked for first: a full collection at that point costs more than they
hold.

The youngest generation is also collected after more allocations than CPython's default of 700:
a crawl allocates and frees a few thousand container objects per page (responses, items,
requests, Deferreds), almost all freed by reference counting, so at 700 the collector ran several
times a page to find nearly nothing, and every tenth run walked the older generation of objects
in flight. Cyclic garbage waits a little longer to be freed: at most YOUNG_THRESHOLD containers.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def freeze_startup_objects() -> None:
    """Everything alive now out of future collections, and the young generation collected
    less often (see the module's docstring)."""
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
