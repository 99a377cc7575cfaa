"""Long jobs (loading lists, a step of the private exchange) run in a worker thread and come back
to the UI thread through `report_back`: a result to the screen, or an error as one message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.app import App

from acctmap_tui.core.model import AcctmapError

T = TypeVar("T")


def report_back(app: App, job: Callable[[], T], done: Callable[[T], object],
                failed: Callable[[str], object], doing: str) -> None:
    """Run `job` here (in the worker thread) and hand its result to `done` on the UI thread.

    A refusal (`AcctmapError`, which names the file, row and column) reaches `failed` as its
    message; anything else as "Unexpected error {doing}: ...", never a traceback that ends the app.
    """
    try:
        result = job()
    except AcctmapError as err:
        app.call_from_thread(failed, str(err))
        return
    except Exception as err:  # noqa: BLE001 - show it on the screen, keep the app alive
        app.call_from_thread(failed, f"Unexpected error {doing}: {err!r}")
        return
    app.call_from_thread(done, result)
