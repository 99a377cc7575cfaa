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
    of a 50,000 x 50,000 match). Nests: only the outermost pause turns the collector back on, and
    then moves what was built to the oldest generation unscanned (`promote_to_old_generation`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            promote_to_old_generation()  # else the first young collection walks all it built
            gc.enable()


def promote_to_old_generation() -> None:
    """Move every object the cycle collector tracks into its oldest generation, unscanned.

    The objects a bulk step built and keeps (a list's 50,000 records) would otherwise be walked by
    the young collections once the collector runs again (0.1 s of CPU at 50k), only to be
    promoted there anyway. They stay collectable: a full collection still looks at them. Skipped
    when something froze objects on purpose (gc.freeze), which this would undo.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
