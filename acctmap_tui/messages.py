"""Messages the UI reacts to: one for every workbench change, and the load screen's outcome."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from acctmap_tui.core.start import SessionRequest
from acctmap_tui.core.workbench import Change, Workbench


class SessionChanged(Message):
    """The workbench ran one command (the app posts one per command to each screen in the stack).

    The only way session changes reach the screens: a screen redraws on this message (or, when it
    was not showing, on resume by the workbench revision), never right after its own command.
    """

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


class ListsLoaded(Message):
    """The load screen built a workbench from two lists; the app makes it the current one."""

    def __init__(self, workbench: Workbench, mode: str | None = "icp") -> None:
        super().__init__()
        self.workbench = workbench
        self.mode = mode


class LoadCancelled(Message):
    """The load screen was left without loading (back to the session that was open, if any)."""


class ListsChosen(Message):
    """The start screen chose two lists to load (None: the load form, to choose any files,
    its list fields holding the lists `picked` so far: ours, then the partner's)."""

    def __init__(self, request: SessionRequest | None, picked: tuple[Path, ...] = ()) -> None:
        super().__init__()
        self.request = request
        self.picked = picked
