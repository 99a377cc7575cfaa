"""Dialog: one account of a comparison, its fields then and now, and its history across sessions.

`field_shared` (the core share policy of the compared fields) is used by the Compare screen too:
in the share-safe view, a field the partner did not agree to see is left out everywhere.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from acctmap_tui.core.compare import (
    CHANGED, FIELDS, GONE, NEW, SAME, AccountDiff, values,
)
from acctmap_tui.core.model import CATEGORY_BY_KEY, Account, Session
from acctmap_tui.core.sharing import SharePolicy
from acctmap_tui.screens.dialogs import Dialog

KIND_LABEL = {NEW: "+ new", GONE: "- gone", CHANGED: "~ changed", SAME: "= same"}

def field_shared(session: Session, name: str) -> bool:
    """Whether a compared field (one of `compare.FIELDS`) may be shown in the share-safe view,
    by the session's share policy (the current session's: what is agreed now)."""
    return SharePolicy(session).compared_shareable(name)


def category_text(key: str | None) -> str:
    """'INTRO Their customer / our prospect' for a category key; '(none)' when there is none."""
    cat = CATEGORY_BY_KEY.get(key or "")
    return f"{cat.code} {cat.label}" if cat else "(none)"


def category_code(key: str | None) -> str:
    cat = CATEGORY_BY_KEY.get(key or "")
    return cat.code if cat else "—"


def find_account(session: Session, key: str) -> Account | None:
    """The overlap account with this comparison key (a one-to-many pair has `key [pair id]`)."""
    for account in session.overlap():
        if account.key == key or f"{account.key} [{account.pair_id}]" == key:
            return account
    return None


class CompareAccountScreen(Dialog[None]):
    """One account: each compared field then and now, the category move, and its history."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close")]

    def __init__(self, diff: AccountDiff, old: Session, new: Session, timeline: list[Session],
                 private: bool) -> None:
        super().__init__()
        self.diff = diff
        self.old = old
        self.new = new
        self.timeline = timeline  # sessions of this partnership, oldest first
        self.private = private

    def compose(self) -> ComposeResult:
        with Vertical(id="account-dialog"):
            yield Static(self._title(), id="account-title")
            with VerticalScroll(id="account-body"):
                yield Static(self._fields(), id="account-fields")
                yield Static(self._history(), id="account-history")
            yield Static("esc close", id="account-keys")

    def _shown(self, name: str) -> bool:
        return not self.private or field_shared(self.new, name)

    def _title(self) -> Text:
        d = self.diff
        text = Text()
        text.append(f" {KIND_LABEL[d.kind]} ", style="reverse bold")
        text.append(f"  {d.name}", style="bold")
        text.append(f"  ({d.key})", style="dim")
        if d.movement:
            text.append(f"\nMovement: {d.movement}")
        if d.hint:
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
        show_priority = self._shown("priority")
        table = Table(title="History across sessions", title_justify="left", expand=True,
                      box=None, header_style="bold", pad_edge=False)
        table.add_column("Session", no_wrap=True)
        table.add_column("Category", no_wrap=True)
        if show_priority:
            table.add_column("Priority", justify="right", no_wrap=True)
        table.add_column("Owner", ratio=1)
        table.add_column("Next action", ratio=2)
        table.add_column("State", no_wrap=True)
        for session in self.timeline:
            account = find_account(session, self.diff.key)
            when = session.date.isoformat()
            if account is None:
                cells = [when, "not in overlap"] + ([""] if show_priority else []) + ["", "", ""]
                table.add_row(*cells, style="dim")
                continue
            cells = [when, category_code(account.category)]
            if show_priority:
                cells.append(str(account.priority))
            state = account.action_status if account.next_action else ""
            cells += [account.owner or "—", account.next_action or "—", state]
            table.add_row(*cells)
        return table

    def action_close(self) -> None:
        self.dismiss(None)


def _cell(vals: dict[str, str] | None, name: str, account: Account | None) -> str:
    if vals is None or account is None:
        return "—"
    if name == "category":
        return category_text(account.category)
    return vals[name] or "—"
