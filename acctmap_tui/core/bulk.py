"""Helpers for bulk work: reading, matching and writing tens of thousands of records."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector off while a bulk step allocates many objects, back on after.

    Records, pairs and session tables form no reference cycles, so nothing piles up; the collector
    would otherwise walk every object built so far again and again (about a third of the CPU time
    of a 50,000 x 50,000 match). Nests: only the outermost pause turns the collector back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
