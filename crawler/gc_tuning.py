"""The start-up's objects kept out of the garbage collector's way for the rest of the crawl.

By the time a crawl's engine starts, the process holds some 160,000 objects that live until it
exits: modules, classes, settings, components. Every full collection during the crawl walks all
of them again, and so does the one at interpreter exit, although none of them can be garbage.
Moving them to the collector's permanent generation (gc.freeze) once, when the engine starts,
spares that work; objects made after that point are collected exactly as before, including the
unhandled-error reports Twisted makes when a Deferred is collected. The start-up's few cyclic
garbage objects are not looked for first: a full collection at that point costs more than they
hold.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Everything alive now out of future collections (see the module's docstring)."""
    gc.freeze()
