"""What the Compare screen shows, as plain Python: the saved sessions, the diff and what it may show.

`SessionShelf` reads the session files of a folder once per file version; the Compare screen fills
it from a worker thread (`scan`) and draws from what it holds (`cached`), so no file is read on the
UI thread and none is read twice. `CompareView` holds the chosen prior session, the filter and what
may show, and answers which account diffs, changes, summary metrics and last session's actions the
screen may show (by the partner-safe diff's rule, core.compare: both sessions' marks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from acctmap_tui.core.compare import (
    CHANGED, GONE, NEW, SAME, AccountDiff, ActionReview, PartnerMismatch, SessionDiff, Summary,
    actions_shown, count_actions, diff_sessions, partnership_key, shareable_actions,
    shareable_summary,
)
from acctmap_tui.core.model import AcctmapError, Session
from acctmap_tui.core.session import SessionInfo, describe, load, newest_first, session_files

FILTERS = ("all", "new", "gone", "changed", "actions")


def _resolved(path: Path | None) -> Path | None:
    return Path(path).resolve() if path is not None else None


class SessionShelf:
    """Saved sessions by file, each read once per version (mtime); safe to fill from a thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the table: held briefly, also by the UI thread
        self._reading = threading.Lock()  # one read at a time, held while a file is read
        self._files: dict[Path, tuple[float, Session | None, str]] = {}  # path -> (mtime, session, error)
        self.reads = 0  # files read from disk (tests and benches look)

    def get(self, path: Path) -> tuple[Session | None, str]:
        """The session in `path` (read now only when new or changed), or None and the error."""
        key = path.resolve()
        try:
            mtime = path.stat().st_mtime
        except OSError as err:
            return None, str(err)
        with self._reading:  # two scans at once (a worker per visit) read a file once
            with self._lock:
                cached = self._files.get(key)
            if cached is not None and cached[0] == mtime:
                return cached[1], cached[2]
            try:
                session: Session | None = load(path)
                error = ""
            except (AcctmapError, OSError) as err:
                session, error = None, str(err)
            with self._lock:
                self._files[key] = (mtime, session, error)
                self.reads += 1
        return session, error

    def scan(self, folder: Path) -> list[SessionInfo]:
        """Read what is new in `folder`; the picker's rows, newest first (unreadable ones too)."""
        infos = []
        for path in session_files(folder) if folder.is_dir() else []:
            session, error = self.get(path)
            try:
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
            except OSError:
                modified = None
            if session is None:
                infos.append(SessionInfo(path=path, error=error, modified=modified))
            else:
                infos.append(describe(path, session, modified))
        return newest_first(infos)

    def cached(self, folder: Path) -> list[tuple[Path, Session]]:
        """The sessions already read from `folder` (no file is read here)."""
        folder = folder.resolve()
        with self._lock:
            return [(path, entry[1]) for path, entry in self._files.items()
                    if entry[1] is not None and path.parent == folder and path.exists()]


class CompareView:
    """The Compare screen's state: the prior session, the diff, the filter, what may show."""

    def __init__(self, shows: Callable[[str], bool]) -> None:
        # compared field name -> may it show now: in the share-safe view, by both compared
        # sessions' marks (the partner-safe diff's rule, core.compare.both_shareable)
        self.shows = shows
        self.shelf = SessionShelf()
        self.prior: Session | None = None
        self.prior_path: Path | None = None
        self.force = False
        self.filter = "all"
        self.diff: SessionDiff | None = None
        self._by_key: tuple[SessionDiff, dict[str, AccountDiff]] | None = None  # of that diff

    def choose(self, prior: Session | None, path: Path | None, force: bool = False) -> None:
        self.prior, self.prior_path, self.force = prior, path, force

    def forget(self) -> None:
        """Another session was opened: start over."""
        self.prior, self.prior_path, self.force, self.filter, self.diff = None, None, False, "all", None

    def recompute(self, current: Session | None) -> None:
        if self.prior is None or current is None:
            self.diff = None
            return
        try:
            self.diff = diff_sessions(self.prior, current, force=self.force)
        except PartnerMismatch:
            # The session now open is of another partnership than the one the prior was chosen
            # for: start over rather than compare across partnerships unasked.
            self.prior, self.prior_path, self.diff = None, None, None

    def timeline(self, current: Session, current_path: Path | None, folder: Path) -> list[Session]:
        """Saved sessions of this partnership (as read so far), the prior and the current one,
        oldest first."""
        skip = {p for p in (_resolved(current_path), _resolved(self.prior_path)) if p}
        partnership = partnership_key(current.ours, current.partner)
        sessions: list[Session] = []
        if self.prior is not None and not self.force:
            # another partnership's figures do not belong in this history
            sessions.append(self.prior)
        for path, session in self.shelf.cached(folder):
            if path not in skip and partnership_key(session.ours, session.partner) == partnership:
                sessions.append(session)
        sessions.append(current)
        return sorted(sessions, key=lambda s: (s.date, s.created, s.title))

    def account(self, key: str) -> AccountDiff | None:
        """The diff of the account with this comparison key (an action's account)."""
        assert self.diff is not None
        if self._by_key is None or self._by_key[0] is not self.diff:  # once per diff, not per action
            by_key: dict[str, AccountDiff] = {}
            for d in self.diff.accounts:
                by_key.setdefault(d.key, d)
            self._by_key = (self.diff, by_key)
        return self._by_key[1].get(key)

    # --- which diffs and changes show ----------------------------------------------------

    def visible(self, filter: str | None = None) -> list[AccountDiff]:
        """The account diffs a filter shows (the share-safe view hides private-only changes)."""
        assert self.diff is not None
        wanted = self.filter if filter is None else filter
        out = []
        for d in self.diff.accounts:
            if d.kind == SAME or (wanted not in ("all", d.kind)):
                continue
            if d.kind == CHANGED and not self.changes(d) and not self.category_moved(d):
                continue  # nothing left to show in the share-safe view
            out.append(d)
        return out

    def changes(self, d: AccountDiff) -> list[str]:
        """`field: old -> new` for each change the screen may show (category is its own column)."""
        return [f"{c.field}: {c.old or '(none)'} -> {c.new or '(none)'}" for c in d.changes
                if c.field != "category" and self.shows(c.field)]

    def category_moved(self, d: AccountDiff) -> bool:
        return (d.old is not None and d.new is not None and d.old.category != d.new.category
                and self.shows("category"))

    def counts(self) -> dict[str, int]:
        """New, gone and changed accounts the 'all' filter shows, and accounts in both sessions."""
        assert self.diff is not None
        shown = self.visible("all")
        counts = {k: sum(1 for d in shown if d.kind == k) for k in (NEW, GONE, CHANGED)}
        counts["both"] = sum(1 for d in self.diff.accounts if d.kind in (SAME, CHANGED))
        return counts

    def what(self, d: AccountDiff) -> list[str]:
        """Lines for the "what changed" cell: each change, or a new/gone account's statuses."""
        account = d.new if d.kind == NEW else d.old if d.kind == GONE else None
        if account is None:
            return self.changes(d)
        parts = []
        if self.shows("our status"):
            parts.append(f"ours {account.ours.status or account.ours.raw_status or '?'}")
        if self.shows("their status"):
            parts.append(f"theirs {account.theirs.status or account.theirs.raw_status or '?'}")
        lines = [", ".join(parts)] if parts else []
        if d.kind == GONE and account.owner and self.shows("owner"):
            lines.append(f"was owned by {account.owner}")
        return lines

    def summary(self) -> Summary:
        """The summary metrics the screen may show."""
        assert self.diff is not None
        return shareable_summary(self.diff.summary, self.shows)

    def actions_shown(self) -> bool:
        """Whether last session's actions may be listed."""
        return actions_shown(self.shows)

    def actions(self) -> list[ActionReview]:
        """Last session's actions with the parts the screen may show."""
        assert self.diff is not None
        return shareable_actions(self.diff.actions, self.shows)

    def action_counts(self) -> dict[str, int]:
        """Last session's actions per state the screen may tell (no "overdue" while the due date
        may not show: core.compare.action_states)."""
        return count_actions(self.actions(), self.shows("due"))
