"""Dialog: one account of a comparison, its fields then and now, and its history across sessions.

In the share-safe view, a field shows only where both compared sessions share it (the partner-safe
diff's rule, core.compare.both_shareable, made once per drawing), in both tables: the history has
no column the "then and now" table hides, and a row of a third session shows only what that session
shares too, "(private)" in its cell otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from acctmap_tui.core.compare import (
    CHANGED, FIELDS, GONE, NEW, SAME, AccountDiff, both_shareable, compared_shows, hint_shown,
    shown_identity, values,
)
from acctmap_tui.core.model import CATEGORY_BY_KEY, Account, Session
from acctmap_tui.screens.dialogs import Dialog, fit_height, lines_left

KIND_LABEL = {NEW: "+ new", GONE: "- gone", CHANGED: "~ changed", SAME: "= same"}
PRIVATE = "(private)"  # a value the share-safe view leaves out, where the others show

def category_text(key: str | None) -> str:
    """'INTRO Their customer / our prospect' for a category key; '(none)' when there is none."""
    cat = CATEGORY_BY_KEY.get(key or "")
    return f"{cat.code} {cat.label}" if cat else "(none)"


def category_code(key: str | None) -> str:
    cat = CATEGORY_BY_KEY.get(key or "")
    return cat.code if cat else "—"


# The history's columns: heading, the compared field whose mark governs it, the cell of an
# account, the column's layout.
HISTORY_COLUMNS: tuple[tuple[str, str, Callable[[Account], str], dict], ...] = (
    ("Category", "category", lambda a: category_code(a.category), {"no_wrap": True}),
    ("Priority", "priority", lambda a: str(a.priority), {"justify": "right", "no_wrap": True}),
    ("Owner", "owner", lambda a: a.owner or "—", {"ratio": 1}),
    ("Next action", "next action", lambda a: a.next_action or "—", {"ratio": 2}),
    ("State", "action status", lambda a: a.action_status if a.next_action else "",
     {"no_wrap": True}),
)


def find_account(session: Session, key: str) -> Account | None:
    """The overlap account with this comparison key (a one-to-many pair has `key [pair id]`)."""
    for account in session.overlap():
        if account.key == key or f"{account.key} [{account.pair_id}]" == key:
            return account
    return None


class CompareAccountScreen(Dialog[None]):
    """One account: each compared field then and now, the category move, and its history."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close")]
    PHASE_KEYS_LEAVE = True  # it only shows: a phase key closes it and goes to that phase
    FOLLOWS_VIEW = True  # it watches the app's share_safe

    def __init__(self, diff: AccountDiff, old: Session, new: Session, timeline: list[Session],
                 private: bool) -> None:
        super().__init__()
        self.diff = diff
        self.old = old
        self.new = new
        self.timeline = timeline  # sessions of this partnership, oldest first
        self.private = private
        self.both = both_shareable(old, new)  # what both sessions share: made again at each redraw

    def compose(self) -> ComposeResult:
        with Vertical(id="account-dialog"):
            yield Static(self._title(), id="account-title")
            with VerticalScroll(id="account-body"):
                yield Static(self._fields(), id="account-fields")
                yield Static(self._history(), id="account-history")
            yield Static("↑↓ pgup pgdn scroll · esc close", id="account-keys")

    def on_mount(self) -> None:
        # the share-safe view can be switched from the command palette over this dialog
        self.watch(self.app, "share_safe", self._share_safe_flipped, init=False)

    def _share_safe_flipped(self, share_safe: bool) -> None:
        self.private = share_safe
        self._redraw()

    def on_screen_resume(self) -> None:
        self._redraw()  # the marks may have changed in a dialog over this one (ctrl+o)

    def _redraw(self) -> None:
        self.both = both_shareable(self.old, self.new)  # once per drawing, not per field asked
        self.query_one("#account-title", Static).update(self._title())
        self.query_one("#account-fields", Static).update(self._fields())
        self.query_one("#account-history", Static).update(self._history())
        self.call_after_refresh(self._fit_body)  # the title may have lines more or fewer

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """The fields and the history scroll in what the dialog's height leaves them, under the
        title and above the keys: at 80x24 the history and the keys were cut off the screen."""
        body = self.query_one("#account-body")
        room = lines_left(self.query_one("#account-dialog"), body)
        if room is not None:
            fit_height(body, room)

    def _shown(self, name: str) -> bool:
        """May a compared field (one of `compare.FIELDS`) be on the dialog now."""
        return compared_shows(self.shows)(name)

    def shows(self, side: str, field: str) -> bool:
        """May a field be on the dialog now (in the share-safe view, where both sessions share it)."""
        return not self.private or self.both(side, field)

    def _session_shows(self, session: Session) -> Callable[[str], bool]:
        """What a history row may show of `session` (a compared field): in the share-safe view,
        only a field "then and now" shows (both compared sessions share it), and of a third
        session only where it shares it too. Each session's own marks showed Q4's owner in the
        history under a "then and now" that hid it (Q3 kept it private)."""
        if not self.private:
            return lambda name: True
        if session is self.old or session is self.new:
            return self._shown
        also = compared_shows(both_shareable(session, self.new))
        return lambda name: self._shown(name) and also(name)

    def _title(self) -> Text:
        d = self.diff
        text = Text()
        text.append(f" {KIND_LABEL[d.kind]} ", style="reverse bold")
        key, name = shown_identity(d, self.shows)  # as the Compare report names it
        text.append(f"  {name}", style="bold")
        if key:
            text.append(f"  ({key})", style="dim")
        if d.movement and self._shown("category"):
            text.append(f"\nMovement: {d.movement}")
        if d.hint and hint_shown(self.shows):
            text.append(f"\nHint: {d.hint}")
        return text

    def _fields(self) -> Table:
        d = self.diff
        table = Table(title="Fields then and now", title_justify="left", expand=True,
                      box=None, header_style="bold", pad_edge=False)
        table.add_column("Field", no_wrap=True)
        table.add_column(f"Then {self.old.date.isoformat()}", ratio=1)
        table.add_column(f"Now {self.new.date.isoformat()}", ratio=1)
        table.add_column("", no_wrap=True)
        then = values(d.old, d.old_rank) if d.old else None
        now = values(d.new, d.new_rank) if d.new else None
        for name in FIELDS:
            if not self._shown(name):
                continue
            old_v = _cell(then, name, d.old)
            new_v = _cell(now, name, d.new)
            # a new or gone account says so in the title; here only what changed is marked
            mark = "changed" if d.change(name) else ""
            style = "bold" if mark == "changed" else ""
            table.add_row(name, old_v, new_v, mark, style=style)
        return table

    def _history(self) -> Table:
        """The account in each session; each column where a row may show its field, each cell
        only where its session's row may (`_session_shows`)."""
        table = Table(title="History across sessions", title_justify="left", expand=True,
                      box=None, header_style="bold", pad_edge=False)
        table.add_column("Session", no_wrap=True)
        rows = [(session, self._session_shows(session)) for session in self.timeline]
        columns = [c for c in HISTORY_COLUMNS if any(shows(c[1]) for _, shows in rows)]
        for head, _, _, layout in columns:
            table.add_column(head, **layout)
        for session, shows in rows:
            account = find_account(session, self.diff.key)
            when = session.date.isoformat()
            if account is None:
                absent = ["not in overlap", *[""] * len(columns)][:len(columns)]
                table.add_row(when, *absent, style="dim")
                continue
            table.add_row(when, *(cell(account) if shows(name) else PRIVATE
                                  for _, name, cell, _ in columns))
        return table

    def action_close(self) -> None:
        self.dismiss(None)


def _cell(vals: dict[str, str] | None, name: str, account: Account | None) -> str:
    if vals is None or account is None:
        return "—"
    if name == "category":
        return category_text(account.category)
    return vals[name] or "—"
