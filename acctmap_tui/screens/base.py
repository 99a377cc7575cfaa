"""The base of the screens that show the open session (the four phases and Compare).

One path from an edit to the screen: a screen calls a `Workbench` command; the workbench notifies
the app once; the app posts one `SessionChanged` to each screen in the stack; `PhaseScreen` hands it
to the screen's `sync(change)` and redraws the header. A screen that was not showing catches up on
resume (the workbench revision it last drew is kept here). The share-safe view is the app's
`share_safe` reactive: `share_safe_changed` runs when it flips, and `shows(side, field)` asks the
core's share policy whether a field may be on screen.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from textual.actions import SkipAction
from textual.screen import Screen
from textual.widgets import Input, TextArea

from acctmap_tui.core.model import Account, Record, Session
from acctmap_tui.core.sharing import Shows, account_name, record_name
from acctmap_tui.core.workbench import Change, Workbench
from acctmap_tui.messages import SessionChanged
from acctmap_tui.screens.dialogs import dialog_on_top
from acctmap_tui.widgets.agenda_header import AgendaHeader

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp


def skip_while_typing(screen: Screen) -> None:
    """For a priority key that puts the cursor in a text field (`/` filter, `e` notes): let it be
    typed when a field already has the cursor.

    The key is a priority binding that moves the focus with `Screen.set_focus` (`focus()` waits
    for the next turn of the loop) as it arrives: Textual hands each
    key to the widget focused at that moment and runs a plain binding only once the key has
    bubbled back up, so the letters typed fast behind "/" went to the table ("/mar" opened the
    pair-by-hand dialog with `m`) and those behind "e" to the screen (`p` of "200 people"
    turned the share-safe view on)."""
    if isinstance(screen.focused, (Input, TextArea)):
        raise SkipAction()


MAX_REPLAYED = 4  # changes a screen coming back takes one by one (a full pass each at 50k: 14 ms)


class PhaseScreen(Screen[None]):
    """A screen over the open workbench; subclasses draw in `sync` and react in `share_safe_changed`."""

    if TYPE_CHECKING:
        @property
        def app(self) -> AcctmapApp: ...

    _drawn = -1  # the workbench revision last drawn

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # changes taken on coming back, whose notices may still be on their way (the changes
        # themselves: an id of one let go could be a later change's, whose notice was skipped)
        self._replayed: deque[Change] = deque(maxlen=64)

    # --- what every phase screen reads ----------------------------------------------------

    @property
    def workbench(self) -> Workbench:
        workbench = self.app.workbench
        assert workbench is not None, "a phase screen shows only while a session is open"
        return workbench

    @property
    def session(self) -> Session:
        return self.workbench.session

    @property
    def share_safe(self) -> bool:
        """Whether the share-safe view is on (private fields hidden everywhere)."""
        return self.app.share_safe

    @property
    def view_shows(self) -> Shows | None:
        """`shows` as a list goes by it: None (all) while the share-safe view is off."""
        return self.workbench.view_shows(self.share_safe)

    def shows(self, side: str, field: str) -> bool:
        """May this field be on screen now? Always, unless the share-safe view is on and the
        session's share policy keeps it private."""
        return not self.share_safe or self.workbench.share_policy().shareable(side, field)

    def name_of(self, account: Account) -> str:
        """The account's name as the screen may show it: ours, else theirs, else its domain."""
        return account_name(account, self.shows)

    def name_in(self, record: Record, side: str) -> str:
        """A side's name for a record as the screen may show it."""
        return record_name(record, side, self.shows)

    @property
    def stale(self) -> bool:
        """The session changed since this screen last drew it."""
        return self.app.workbench is not None and self.workbench.revision != self._drawn

    def mark_drawn(self) -> None:
        self._drawn = self.workbench.revision

    # --- hooks for subclasses -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None of this screen's keys run under a dialog (it gets every key): the footer left
        showing under it offers none. Otherwise the screen's own rule (`allows`)."""
        if self.is_mounted and dialog_on_top(self.app) is not None:
            return False
        return self.allows(action, parameters)

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Whether the action may run now: True, False (not offered) or None (offered, greyed)."""
        return True

    def sync(self, change: Change | None) -> None:
        """Bring the screen up to date after `change` (None: anything may have changed)."""

    def share_safe_changed(self, share_safe: bool) -> None:
        """The share-safe view was switched on or off."""

    def commit_edits(self) -> None:
        """Hand edits still being typed (e.g. notes) to the workbench; the app calls it before
        it saves, undoes, exports, switches phase or quits."""

    # --- wiring ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        # Textual calls each class's on_mount (the subclass's first): the subclass draws, then
        # this marks what it drew.
        self.watch(self.app, "share_safe", self._share_safe_flipped, init=False)
        if self.app.workbench is not None:
            self.mark_drawn()

    def _share_safe_flipped(self, share_safe: bool) -> None:
        self.share_safe_changed(share_safe)

    def on_session_changed(self, message: SessionChanged) -> None:
        self.refresh_header()
        if not any(taken is message.change for taken in self._replayed):  # else taken already
            self.sync(message.change)
        self.mark_drawn()

    def on_screen_resume(self) -> None:
        if self.app.workbench is None:
            return
        self.refresh_header()
        if self.stale:
            # the changes made while another phase showed, one by one as if it had been showing
            # (an undo there still puts the cursor on the pair it restored); all at once when
            # they are many (a redraw each would cost more than one of everything)
            missed = self.workbench.changes_since(self._drawn)
            for change in missed if missed is not None and len(missed) <= MAX_REPLAYED else [None]:
                self.sync(change)
            self._replayed.extend(missed or ())
            self.mark_drawn()

    def refresh_header(self) -> None:
        for header in self.query(AgendaHeader):
            header.refresh_header()
