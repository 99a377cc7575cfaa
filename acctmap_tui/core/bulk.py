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


_kept_frozen = False  # keep_out_of_collector ran: objects are frozen on purpose


def keep_out_of_collector() -> None:
    """Move every object the cycle collector tracks out of its reach for good (`gc.freeze`).

    For a loaded session and its lists, which live as long as the app shows them and form no
    cycles (refcounting frees them): the collector would walk them again in every full
    collection. Everything alive now is frozen with them, so call it right after a load.
    """
    global _kept_frozen
    gc.freeze()
    _kept_frozen = True


def release_to_collector() -> None:
    """Undo `keep_out_of_collector`: every frozen object is the collector's again."""
    global _kept_frozen
    gc.unfreeze()
    _kept_frozen = False


def promote_to_old_generation() -> None:
    """Move every object the cycle collector tracks into its oldest generation, unscanned.

    The objects a bulk step built and keeps (a list's 50,000 records) would otherwise be walked by
    the young collections once the collector runs again (0.1 s of CPU at 50k), only to be
    promoted there anyway. They stay collectable: a full collection still looks at them. Skipped
    when objects were frozen on purpose (`keep_out_of_collector`), which this would undo; that
    is a flag, not `gc.get_freeze_count()`, which walks every frozen object (0.03-0.09 s at 50k,
    on every save).
    """
    if not _kept_frozen:
        gc.freeze()
        gc.unfreeze()
