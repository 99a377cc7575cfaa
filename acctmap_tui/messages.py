"""Messages the UI reacts to."""

from __future__ import annotations

from textual.message import Message

from acctmap_tui.core.workbench import Change


class SessionChanged(Message):
    """The workbench changed the session (posted to the active phase screen and the header)."""

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


class PrivacyChanged(Message):
    """Screen-share privacy was switched on or off."""

    def __init__(self, private: bool) -> None:
        super().__init__()
        self.private = private
