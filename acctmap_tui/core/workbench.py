"""A live mapping session: every edit the call makes, with undo and an unsaved-changes mark.

The TUI never mutates a `Session` directly: it calls a `Workbench` method, which changes the
session, keeps categories and priorities consistent, records how to undo the change, and tells
its `on_change` listener (the app turns that into a Textual message). Pure Python, so every flow
a screen offers is unit-tested without a terminal.
"""

from __future__ import annotations

import os
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from acctmap_tui.core import atomic, ingest
from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import (
    OverlapFigures,
    apply_categories,
    categorize_account,
    figures_moved,
    overlap_figures,
)
from acctmap_tui.core.model import (
    ACCEPTED,
    AcctmapError,
    ACTION_STATUSES,
    CATEGORY_BY_KEY,
    IN_OVERLAP,
    OURS,
    PARTNER,
    SESSION_SIDE,
    REJECTED,
    REVIEW,
    STATUSES,
    Account,
    AccountList,
    Factor,
    Record,
    Session,
    status_word,
    utcnow,
)
from acctmap_tui.core.score import priority, rescore
from acctmap_tui.core.sharing import (
    Said,
    SharePolicy,
    Shows,
    Value,
    field_named,
    name_of,
    record_name_of,
    said,
)

TEXT_FIELDS = ("owner", "next_action", "notes")


class ChangeKind(Enum):
    """What a workbench command changed (each kind is emitted by the commands named)."""

    MATCH = "match"  # accept, reject, pair
    CATEGORY = "category"  # set_category
    SCORE = "score"  # set_level, bump: one account's level and priority
    SCORING = "scoring"  # set_weight, set_factors: every priority
    STATUS = "status"  # map_status: statuses, categories and priorities
    ASSIGN = "assign"  # set_field, set_fields: one account's owner, action, due, notes, status
    NOTES = "notes"  # set_icp_notes
    SHARING = "sharing"  # set_shareable: what the partner may see
    AGENDA = "agenda"  # set_phase
    SAVE = "save"  # save
    LISTS = "lists"  # attach_lists: the source lists, read after the session was shown
    UNDO = "undo"  # undo: anything may have changed back


# The changes that leave the overlap figures as counted (`overlap_figures` counts decisions,
# categories, the records' statuses and the lists' sizes): a key on these keeps the count (at
# 10k pairs a count is 29 ms of a score key's 67 ms).
_FIGURES_KEPT = frozenset({ChangeKind.SCORE, ChangeKind.SCORING, ChangeKind.ASSIGN, ChangeKind.NOTES,
                           ChangeKind.SHARING, ChangeKind.AGENDA})


@dataclass(frozen=True)
class Change:
    """What one workbench command changed, for the `on_change` listener (called once per command)."""

    kind: ChangeKind
    description: str  # in full, private values too
    account: Account | None = None
    # the pairs whose decision this change may have set (accept, reject, pair and their undo);
    # () when it set none; None when it cannot say (a screen then looks at every pair)
    decided: tuple[Account, ...] | None = None


def _checked_field(name: str, value: object) -> str | date | None:
    """An assign field's value as stored; raises ValueError for a bad field or value."""
    if name in TEXT_FIELDS:
        return (value or "").strip() if isinstance(value, str) else ""
    if name == "due":
        if value is not None and not isinstance(value, date):
            raise ValueError("due must be a date")
        return value
    if name == "action_status":
        if value not in ACTION_STATUSES:
            raise ValueError(f"action status must be one of {', '.join(ACTION_STATUSES)}")
        return value  # type: ignore[return-value]
    raise ValueError(f"not an editable field: {name}")


@dataclass(frozen=True)
class DiskStamp:
    """A file as it was on disk when acctmap read or wrote it: an editor's save or another
    acctmap's (an atomic replace: a new inode) changes it."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path | str) -> DiskStamp | None:
        """The file's stamp now; None when there is no file to stamp (missing, unreadable)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    @property
    def modified(self) -> datetime:
        return datetime.fromtimestamp(self.mtime_ns / 1e9)


class ChangedOnDisk(AcctmapError):
    """A save found the session file changed since this workbench read or last wrote it (another
    acctmap or an editor saved it): nothing was written."""

    def __init__(self, path: Path, now: DiskStamp) -> None:
        super().__init__(f"{path} changed on disk since it was opened or last saved "
                         f"(another acctmap or an editor saved it at {now.modified:%H:%M:%S})")
        self.path = path
        self.now = now


@dataclass(frozen=True)
class StartedFrom:
    """The prior session a new session was started from (carried forward): Compare compares
    with it first. Its id finds it among the saved sessions; its file, where the start named
    one (a prior read before, as `acctmap new --from` does, has none)."""

    session_id: str
    path: Path | None = None


@dataclass
class _UndoStep:
    description: Said
    restore: Callable[[], None]
    account: Account | None = None  # the account the command touched (its undo Change names it)
    # a decision's step (accept, reject, pair): the pairs whose decisions it sets back, and how
    # many pairs there were before it; its undo moves nothing else (`Workbench.undo`)
    decided: tuple[list[Account], int] | None = None
    before: int = 0  # the undo position (`Workbench._at`) before the step: its undo goes back to it
    reveals: tuple[tuple[str, str], ...] = ()  # (side, field) marks its undo makes shared again


class _UnsavedMark:
    """`Workbench.dirty`, the unsaved mark: true exactly when the session differs from what was
    last saved or loaded, by the undo position (`Workbench._at`) as editors do: an edit undone
    back to the save is saved again; the undo of an edit the file holds is unsaved. An edit no
    undo takes back leaves it unsaved until the next save.

    Setting it says so of the session as it is now: False, it is as saved (the undo position
    now is the saved one); True, it is unsaved whatever is undone (a new session, a restored
    recovery copy: no file holds them). A dataclass field (`Workbench(..., dirty=True)`)."""

    def __get__(self, wb: Workbench | None, owner: type | None = None) -> bool:
        if wb is None:
            return False  # the field's default
        saved = wb._saved_at
        return saved is None or saved != wb._at or saved < wb._loose_edit

    def __set__(self, wb: Workbench, unsaved: bool) -> None:
        wb._saved_at = None if unsaved else wb._at


@dataclass
class Workbench:
    session: Session
    ours: AccountList | None = None
    theirs: AccountList | None = None
    path: Path | None = None
    # The undo position: a number for the edits the session holds, new with each edit and each
    # more of a typing burst, and the one before an edit once it is undone. Set before `dirty`
    # (the dataclass sets the fields in this order): `dirty` is read from them.
    _at: int = field(default=0, init=False, repr=False, compare=False)
    _positions: int = field(default=0, init=False, repr=False, compare=False)  # the last one given
    # the undo position last saved or loaded; None when no undo position is (`dirty` set True)
    _saved_at: int | None = field(default=0, init=False, repr=False, compare=False)
    # the position of the last edit no undo takes back: any position before it is not the
    # session as it was then (none today: every edit is an undo step, or part of one)
    _loose_edit: int = field(default=-1, init=False, repr=False, compare=False)
    dirty: _UnsavedMark = _UnsavedMark()
    revision: int = 0
    saved_revision: int = -1  # the revision last written to the session file
    lists_note: str = ""  # why a source list is not loaded (missing, changed since the save)
    start_notes: list[str] = field(default_factory=list)  # what the start said (`NewSession.notes`)
    started_from: StartedFrom | None = None  # the prior session it carries forward, if any
    # a new session its lists (or an exchange's round files) make again, as it is until edited
    made_from_inputs: bool = False
    lists_pending: bool = False  # the source lists are being read (see attach_lists)
    on_change: Callable[[Change], None] | None = None
    # the last changes, by the revision each made: a screen that was not showing catches up
    _recent: deque[tuple[int, Change]] = field(default_factory=lambda: deque(maxlen=32), init=False,
                                               repr=False, compare=False)
    _undo: list[_UndoStep] = field(default_factory=list)
    _figures: tuple[tuple[int, int], OverlapFigures] | None = field(default=None, init=False,
                                                                  repr=False, compare=False)
    _policy: tuple[tuple[int, int], SharePolicy] | None = field(default=None, init=False,
                                                               repr=False, compare=False)
    # where the pairs of each record are (`_pairs_holding`), and how often pairs were added or
    # taken away since the session was opened
    _holding: tuple[tuple[int, int], dict[str, list[int]], dict[str, list[int]]] | None = field(
        default=None, init=False, repr=False, compare=False)
    _pairs_moved: int = field(default=0, init=False, repr=False, compare=False)
    # the pairs a decision is changing, with their decisions before, and how many pairs there
    # were (`_snapshot_decisions`): `_changed` moves the figures by them
    _deciding: tuple[list[tuple[Account, str]], int] | None = field(default=None, init=False,
                                                                    repr=False, compare=False)
    # the undo step of the last notes handed over, with the revision that handed them: more of
    # the same typing burst joins it (`set_icp_notes`) while nothing else changed since
    _notes_step: tuple[int, _UndoStep] | None = field(default=None, init=False, repr=False,
                                                      compare=False)
    # the call clock's seconds the session file holds (as opened, then as last saved)
    _clock_saved_s: float = field(default=0.0, init=False, repr=False, compare=False)
    # the session file as read, then as last written: a save over it checks it is still that
    # file (`ChangedOnDisk`); None when there was none
    file_stamp: DiskStamp | None = field(default=None, init=False, repr=False, compare=False)
    # the recovery files this run wrote (or restored the session from), each as it left them.
    # Another acctmap open on the same session autosaves to the same name: a file no longer as
    # this run left it holds that one's unsaved work, which a save or a discard here keeps.
    _recoveries: dict[Path, DiskStamp | None] = field(default_factory=dict, init=False, repr=False,
                                                      compare=False)

    def __post_init__(self) -> None:
        self._clock_saved_s = self.session.agenda.call_s()
        if self.path is not None:
            self.file_stamp = DiskStamp.of(self.path)

    def figures(self) -> OverlapFigures:
        """The session's overlap figures (`overlap_figures`), counted once per change that can
        move them: the header, the ICP screen and the review tabs draw from one count (each
        count walks a 50k session's 21,000 pairs)."""
        seen = (id(self.session), self.revision)
        if self._figures is None or self._figures[0] != seen:
            self._figures = (seen, overlap_figures(self.session))
        return self._figures[1]

    def share_policy(self) -> SharePolicy:
        """The session's share policy, made once per change: a screen asks it for every cell,
        and a filter for every account of the overlap (the marks change only by `set_shareable`,
        which is a change)."""
        seen = (id(self.session), self.revision)
        if self._policy is None or self._policy[0] != seen:
            self._policy = (seen, SharePolicy(self.session))
        return self._policy[1]

    def view_shows(self, share_safe: bool) -> Shows | None:
        """What a view may show (`sharing.view_shows`), from the policy made once per change:
        the share policy's marks while the share-safe view is on, else all (None)."""
        return self.share_policy().shareable if share_safe else None

    # --- bookkeeping ------------------------------------------------------------------------

    def _changed(self, kind: ChangeKind, description: str | Said, restore: Callable[[], None] | None,
                 account: Account | None = None, *, unsaved: bool = True,
                 taken_away: Sequence[tuple[Account, str]] = (),
                 reveals: tuple[tuple[str, str], ...] = ()) -> Change:
        """Record a command's change (`taken_away`: pairs an undo removed, each with the
        decision it had) and tell the listener.

        With `restore`, the change is an undo step and the session is at a new undo position.
        Without, `unsaved` says whether it is an edit no undo takes back (unsaved until the next
        save); False for what is no edit (the phase, the lists read) and for what moved the
        undo position itself (an undo, notes typed on into their step)."""
        deciding, self._deciding = self._deciding, None
        if isinstance(description, str):
            description = said(description)
        if restore is not None:
            moved = ([a for a, _ in deciding[0]], deciding[1]) if deciding is not None else None
            before, self._at = self._at, self._new_position()
            self._undo.append(_UndoStep(description, restore, account, moved, before, reveals))
            del self._undo[:-200]  # a step let go: its undo position stays the one it left
        elif unsaved:
            self._at = self._loose_edit = self._new_position()
        counted = self._figures is not None and self._figures[0] == (id(self.session), self.revision)
        self.revision += 1
        if counted:
            assert self._figures is not None
            now = (id(self.session), self.revision)
            if kind in _FIGURES_KEPT:
                self._figures = (now, self._figures[1])
            elif deciding is not None:  # accept, reject, pair, or the undo of one
                decided, count = deciding
                self._figures = (now, figures_moved(self._figures[1], decided,
                                                    self.session.accounts[count:], taken_away))
        # only `_snapshot_decisions` sets a decision, and its change (or an undo's) says which
        touched = () if deciding is None else tuple(a for a, _ in deciding[0])
        change = Change(kind, description.text(), account, touched)
        self._recent.append((self.revision, change))
        if self.on_change:
            self.on_change(change)
        return change

    def _new_position(self) -> int:
        """A new undo position (`_at`): the session holds edits it held at no other."""
        self._positions += 1
        return self._positions

    def changes_since(self, revision: int) -> list[Change] | None:
        """The changes made after `revision`, oldest first; None when some are no longer kept."""
        missed = [change for made, change in self._recent if made > revision]
        return missed if len(missed) == self.revision - revision else None

    @property
    def worth_recovering(self) -> bool:
        """Whether a recovery file should keep this session: it is unsaved, and it is not a new
        session nobody has edited yet (its lists make it again; at 50k its file is 14 MB, and
        the next start offered it as unsaved work that never was)."""
        return self.dirty and not (self.made_from_inputs and self._at == 0)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo_reveals(self) -> tuple[tuple[str, str], ...]:
        """The (side, field) marks the next undo makes shared again (a "private" mark taken
        back): on a shared screen it shows them, so the app asks first."""
        return self._undo[-1].reveals if self._undo else ()

    def undo(self, shows: Shows | None = None) -> str | None:
        """Reverse the last change; returns what was undone (with the values a view that
        `shows(side, field)` keeps private hidden), or None when there is nothing."""
        if not self._undo:
            return None
        step = self._undo.pop()
        cut: list[tuple[Account, str]] = []
        if step.decided is None:
            step.restore()
            self._refresh_derived()
        else:  # decisions set back and pairs made by hand taken away: categories and scores stay
            moved, count = step.decided
            self._deciding = ([(a, a.match.decision) for a in moved], len(self.session.accounts))
            cut = [(a, a.match.decision) for a in self.session.accounts[count:]]
            step.restore()
        self._at = step.before  # the session as before the step: saved again if it was then
        self._changed(ChangeKind.UNDO, Said(("Undid: ", *step.description.pieces)), None,
                      step.account, unsaved=False, taken_away=cut)
        return step.description.text(shows)

    def _refresh_derived(self) -> None:
        apply_categories(self.session)
        rescore(self.session)

    # --- review & categorize --------------------------------------------------------------

    def _snapshot_decisions(self, accounts: list[Account]) -> Callable[[], None]:
        saved = [(a, a.match.decision) for a in accounts]
        count = len(self.session.accounts)
        self._deciding = (saved, count)  # what the change now made moves in the figures

        def restore() -> None:
            for a, decision in saved:
                a.match.decision = decision
            if len(self.session.accounts) > count:
                del self.session.accounts[count:]
                self._pairs_moved += 1

        return restore

    def _pairs_holding(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """The places in `session.accounts` of the pairs holding each record, by our record's key
        and by theirs: made once (a pass over every pair: 45 ms a look-up at 21,000 pairs), and
        again after a pair is added or taken away (`pair` and its undo), the only edits that
        move a pair."""
        if not self.pairs_indexed:
            by_ours: dict[str, list[int]] = defaultdict(list)
            by_theirs: dict[str, list[int]] = defaultdict(list)
            for i, a in enumerate(self.session.accounts):
                by_ours[a.ours.key].append(i)
                by_theirs[a.theirs.key].append(i)
            self._holding = (self._pairs_now, by_ours, by_theirs)
        assert self._holding is not None
        return self._holding[1], self._holding[2]

    def _pair_added(self, account: Account) -> None:
        """`account` was appended to the session's pairs: indexed at once when the others are."""
        indexed = self.pairs_indexed
        self._pairs_moved += 1
        if indexed:
            assert self._holding is not None
            _, by_ours, by_theirs = self._holding
            at = len(self.session.accounts) - 1
            by_ours[account.ours.key].append(at)
            by_theirs[account.theirs.key].append(at)
            self._holding = (self._pairs_now, by_ours, by_theirs)

    @property
    def pairs_version(self) -> int:
        """How often pairs were added to the session or taken away since it was opened (a pair
        made by hand, an undo of one); deciding a pair moves none."""
        return self._pairs_moved

    @property
    def pairs_indexed(self) -> bool:
        """Whether `pairs_sharing` is a look-up now; else its first call indexes every pair
        (`index_pairs`)."""
        return self._holding is not None and self._holding[0] == self._pairs_now

    @property
    def _pairs_now(self) -> tuple[int, int]:
        """What the pair index was made for: these pairs, moved this often."""
        return (id(self.session.accounts), self._pairs_moved)

    def index_pairs(self) -> None:
        """Index the pairs by record now (the review screen does it after its first frames)."""
        self._pairs_holding()

    def pairs_sharing(self, account: Account, *, index: bool = True) -> list[Account]:
        """The other pairs holding our record or theirs with `account`, whatever their decision,
        in the session's order. Not indexed yet and `index` False: found by one pass over the
        pairs instead (a third of the time of indexing them: a big session's first review frame
        asks this way)."""
        if not index and not self.pairs_indexed:
            ours_key, theirs_key = account.ours.key, account.theirs.key
            return [a for a in self.session.accounts
                    if a is not account and (a.ours.key == ours_key or a.theirs.key == theirs_key)]
        by_ours, by_theirs = self._pairs_holding()
        accounts = self.session.accounts
        at = sorted(set(by_ours.get(account.ours.key, ())).union(by_theirs.get(account.theirs.key, ())))
        return [a for a in map(accounts.__getitem__, at) if a is not account]

    def _rivals(self, account: Account) -> list[Account]:
        """Other pairs that share a record with `account` and are in review or the overlap."""
        return [a for a in self.pairs_sharing(account) if a.match.decision in (REVIEW, *IN_OVERLAP)]

    def accept(self, account: Account) -> Change:
        """Put the pair in the overlap; its rivals for either record leave review (rejected)."""
        rivals = self._rivals(account)
        restore = self._snapshot_decisions([account, *rivals])
        account.match.decision = ACCEPTED
        for rival in rivals:
            rival.match.decision = REJECTED
        named = said("Accepted ", record_name_of(account.ours, OURS), " = ",
                     record_name_of(account.theirs, PARTNER))
        return self._changed(ChangeKind.MATCH, named, restore, account)

    def reject(self, account: Account) -> Change:
        """Turn the pair down; it stays recorded so a re-match keeps it rejected."""
        restore = self._snapshot_decisions([account])
        account.match.decision = REJECTED
        named = said("Rejected ", record_name_of(account.ours, OURS), " = ",
                     record_name_of(account.theirs, PARTNER))
        return self._changed(ChangeKind.MATCH, named, restore, account)

    def pair(self, ours: Record, theirs: Record) -> Account:
        """Pair two records by hand; any pair either record was in gives way."""
        from acctmap_tui.core.match import manual_pair  # the matcher imports numpy: when used

        account = manual_pair(ours, theirs)
        by_ours, _ = self._pairs_holding()
        existing = next((a for a in map(self.session.accounts.__getitem__, by_ours.get(ours.key, ()))
                         if a.pair_id == account.pair_id), None)
        if existing is not None:
            self.accept(existing)
            return existing
        rivals = self._rivals(account)
        restore = self._snapshot_decisions(rivals)
        for rival in rivals:
            rival.match.decision = REJECTED
        self.session.accounts.append(account)
        self._pair_added(account)
        categorize_account(account)
        account.priority = priority(account, self.session.scoring.factors)
        self._changed(ChangeKind.MATCH, said("Paired ", record_name_of(ours, OURS), " with ",
                                             record_name_of(theirs, PARTNER)), restore, account)
        return account

    def set_category(self, account: Account, key: str | None) -> Change:
        """Override the category (None goes back to the one the statuses give)."""
        if key is not None and key not in CATEGORY_BY_KEY:
            raise ValueError(f"unknown category {key!r}")
        old = (account.category, account.category_manual)

        def restore() -> None:
            account.category, account.category_manual = old

        if key is None:
            account.category_manual = False
            categorize_account(account)
        else:
            account.category, account.category_manual = key, True
        label = CATEGORY_BY_KEY[account.category].label if account.category else "none"
        return self._changed(ChangeKind.CATEGORY, said(name_of(account), ": category ",
                                                       ((SESSION_SIDE, "category"), label)), restore, account)

    # --- prioritize -----------------------------------------------------------------------

    def set_level(self, account: Account, factor_key: str, level: int) -> Change:
        """Set one factor's level (0 = unscored) and recompute the account's priority."""
        factor = self._factor(factor_key)
        had = factor_key in account.scores
        old_level, old_priority = account.scores.get(factor_key, 0), account.priority

        def restore() -> None:
            if had:
                account.scores[factor_key] = old_level
            else:
                account.scores.pop(factor_key, None)
            account.priority = old_priority

        account.scores[factor_key] = factor.clamp_level(level)
        account.priority = priority(account, self.session.scoring.factors)
        return self._changed(ChangeKind.SCORE, said(name_of(account), f": {factor.label} ",
                                                    ((SESSION_SIDE, "scores"), str(account.scores[factor_key]))),
                             restore, account)

    def _factor(self, key: str) -> Factor:
        factor = self.session.scoring.factor(key)
        if factor is None:
            raise ValueError(f"no scoring factor {key!r}")
        return factor

    def bump(self, account: Account, factor_key: str, delta: int) -> Change:
        """Step a factor's level up or down from the level shown (a score above a shrunk
        factor's top level counts as the top one)."""
        return self.set_level(account, factor_key, self._factor(factor_key).level(account) + delta)

    def set_weight(self, factor_key: str, weight: int) -> Change:
        """Change a factor's weight; every priority is recomputed."""
        factor = self._factor(factor_key)
        old = factor.weight

        def restore() -> None:
            factor.weight = old
            rescore(self.session)

        factor.weight = Factor.clamp_weight(weight)
        rescore(self.session)
        return self._changed(ChangeKind.SCORING, said(f"{factor.label} weight ",
                                                      ((SESSION_SIDE, "scores"), str(factor.weight))), restore)

    def set_factors(self, factors: list[Factor]) -> Change:
        """Replace the scoring factors (labels, levels, weights; added or removed ones).

        Levels already given keep their number; a factor that is removed stops counting, and its
        levels stay on the accounts so undo (or adding it back) restores them.
        """
        keys = [f.key for f in factors]
        if not factors or len(set(keys)) != len(keys) or any(not f.levels for f in factors):
            raise ValueError("factors need distinct keys and at least one level each")
        old = self.session.scoring.factors

        def restore() -> None:
            self.session.scoring.factors = old
            rescore(self.session)

        self.session.scoring.factors = [Factor(f.key, f.label, Factor.clamp_weight(f.weight),
                                               list(f.levels)) for f in factors]
        rescore(self.session)
        return self._changed(ChangeKind.SCORING, "Scoring factors", restore)

    # --- status words -----------------------------------------------------------------------

    def _record_copies(self, side: str) -> Iterator[Record]:
        """Every record object of a side, in the pairs and in the loaded list.

        A session read from a file holds one copy of a record per pair, and the re-read list
        another: an edit to a record (a status word mapped) goes to every copy.
        """
        for account in self.session.accounts:
            yield account.ours if side == OURS else account.theirs
        lst = self.ours if side == OURS else self.theirs
        yield from (lst.records if lst else ())

    def attach_lists(self, ours: AccountList | None, theirs: AccountList | None,
                     notes: Sequence[str] = ()) -> Change:
        """The source lists, read while the session was already shown (`lists_pending`).

        A list is attached only when it is the one the session was made from (the same sha256:
        a restored recovery copy may come from other lists), with the status words mapped on the
        call while it was being read. `notes` say why a list was not read.
        """
        for side, lst in ((OURS, ours), (PARTNER, theirs)):
            source = self.session.source(side)
            if lst is None or (source is not None and source.sha256 and source.sha256 != lst.sha256):
                continue
            mapped = {status_word(word): status
                      for word, status in (source.status_map.items() if source else ())}
            if mapped:
                for rec in lst.records:
                    rec.status = mapped.get(status_word(rec.raw_status), rec.status)
            if side == OURS:
                self.ours = lst
            else:
                self.theirs = lst
        self.lists_pending = False
        self.lists_note = "; ".join(notes)
        return self._changed(ChangeKind.LISTS, "Source lists read", None, unsaved=False)

    def records(self, side: str) -> list[Record]:
        """Every account of a side, in the session's pairs and in the loaded list, once per key."""
        seen: dict[str, Record] = {}
        for rec in self._record_copies(side):
            seen.setdefault(rec.key, rec)
        return list(seen.values())

    def unknown_status_words(self) -> list[tuple[str, str, int]]:
        """(side, word, records) for status words nobody has mapped yet, most frequent first."""
        counts: dict[tuple[str, str], int] = {}
        for side in (OURS, PARTNER):
            if not any(rec.status is None and rec.raw_status.strip() for rec in self._record_copies(side)):
                continue  # nearly always: no need to tell the accounts apart (0.5 s at 50k)
            for rec in self.records(side):
                if rec.status is None and rec.raw_status.strip():
                    key = (side, rec.raw_status.strip())
                    counts[key] = counts.get(key, 0) + 1
        return sorted(((side, word, n) for (side, word), n in counts.items()),
                      key=lambda t: (-t[2], t[0], t[1].casefold()))

    def unknown_words_of_lists(self, unknown: list[tuple[str, str, int]] | None = None
                               ) -> dict[str, set[str]]:
        """Per side whose list is loaded, its status words nobody has mapped yet (for
        `Source.open_problems`; without the list, the session's pairs do not hold them all).
        `unknown`: `unknown_status_words()` when the caller has it (a pass over every record)."""
        words: dict[str, set[str]] = {side: set() for side, lst in ((OURS, self.ours), (PARTNER, self.theirs))
                                      if lst is not None}
        for side, word, _n in self.unknown_status_words() if unknown is None else unknown:
            if side in words:
                words[side].add(word)
        return words

    def map_status(self, side: str, word: str, status: str) -> Change:
        """Say what a status word means (e.g. 'Partner' = prospect) for one side's list.

        Every record with that word takes the status; categories follow. The mapping is kept in
        the session's source, so re-reading the list later maps the word the same way.
        """
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        wanted = status_word(word)
        changed = [(rec, rec.status) for rec in self._record_copies(side)
                   if status_word(rec.raw_status) == wanted]
        accounts = len({rec.key for rec, _ in changed})
        source = self.session.source(side)
        old_map = dict(source.status_map) if source else {}

        def restore() -> None:
            for rec, before in changed:
                rec.status = before
            if source:
                source.status_map = old_map
            # a list attached after the mapping (read while the session was shown) took it from
            # the map: its records go back to what the map before says, as reading it would
            before = {id(rec) for rec, _ in changed}
            for rec in self._record_copies(side):
                if id(rec) not in before and status_word(rec.raw_status) == wanted:
                    rec.status = ingest.map_status(rec.raw_status, old_map)

        for rec, _ in changed:
            rec.status = status
        if source:
            source.status_map[word.strip()] = status
        self._refresh_derived()
        company = self.session.company(side)
        return self._changed(ChangeKind.STATUS, said(f"{company}: '", ((side, "status"), word), "' = ",
                                                     ((side, "status"), status), f" ({accounts} accounts)"),
                             restore)

    # --- assign ---------------------------------------------------------------------------

    def set_field(self, account: Account, name: str, value: str | date | None) -> Change:
        """Set owner, next_action, notes (text), due (date or None) or action_status."""
        return self.set_fields(account, **{name: value})

    def set_fields(self, account: Account, **values: str | date | None) -> Change:
        """Set several of owner, next_action, notes, due, action_status at once: one undo step and
        one notification (a dialog that changed three fields is one edit)."""
        if not values:
            raise ValueError("no field to set")
        checked = {name: _checked_field(name, value) for name, value in values.items()}
        old = {name: getattr(account, name) for name in checked}

        def restore() -> None:
            for name, value in old.items():
                setattr(account, name, value)

        for name, value in checked.items():
            setattr(account, name, value)
        shown: list[str | Value] = []
        for name, value in checked.items():
            text = value.isoformat() if isinstance(value, date) else (value or "—")
            shown += [", " if shown else "", f"{name.replace('_', ' ')} ", ((SESSION_SIDE, name), text)]
        return self._changed(ChangeKind.ASSIGN, said(name_of(account), ": ", *shown), restore, account)

    def set_icp_notes(self, text: str, *, continuing: bool = False) -> Change | None:
        """Set the ICP notes: one undo step, or, `continuing` (more of the same typing burst, handed
        over at each pause so autosave keeps it), part of the step of the notes handed over last,
        as long as nothing else changed since: one undo then takes back the whole burst."""
        if text == self.session.icp_notes:
            return None
        last = self._notes_step
        if (continuing and last is not None and last[0] == self.revision
                and self._undo and self._undo[-1] is last[1]):
            self.session.icp_notes = text
            # the step now takes back more: a new undo position (a save of the notes before
            # is no longer the session), and its undo goes back to before the whole burst
            self._at = self._new_position()
            change = self._changed(ChangeKind.NOTES, "ICP notes", None, unsaved=False)
        else:
            old = self.session.icp_notes

            def restore() -> None:
                self.session.icp_notes = old

            self.session.icp_notes = text
            change = self._changed(ChangeKind.NOTES, "ICP notes", restore)
        self._notes_step = (self.revision, self._undo[-1])
        return change

    def set_shareable(self, side: str, name: str, shareable: bool) -> Change:
        info = next(f for f in self.session.fields if f.side == side and f.name == name)
        old = info.shareable

        def restore() -> None:
            info.shareable = old

        info.shareable = shareable
        label = field_named(self.session, side, name)
        return self._changed(ChangeKind.SHARING, f"{label} {'shared' if shareable else 'private'}",
                             restore, reveals=((side, name),) if old and not shareable else ())

    # --- agenda -----------------------------------------------------------------------------

    def set_phase(self, phase: str) -> Change | None:
        """Move the agenda to a phase: not an edit (no undo step, no unsaved mark), but the next
        save keeps where the call is."""
        if phase == self.session.agenda.current:
            return None
        self.session.agenda.current = phase
        return self._changed(ChangeKind.AGENDA, f"Phase {phase}", None, unsaved=False)

    def tick(self, seconds: float) -> None:
        """Add running-clock time to the current phase."""
        agenda = self.session.agenda
        agenda.elapsed_s[agenda.current] = agenda.elapsed_s.get(agenda.current, 0.0) + seconds

    def unsaved_clock_minutes(self) -> int:
        """Whole minutes the call clock ran since the session was opened or saved: minutes its
        file does not hold. Not an edit (the clock runs through the call, so it sets no unsaved
        mark), but leaving would lose them: the app asks, as for edits, from a minute on (the
        seconds between a save and quitting are not worth a question)."""
        return int(max(0.0, self.session.agenda.call_s() - self._clock_saved_s) // 60)

    # --- files ------------------------------------------------------------------------------

    def save(self, path: Path | str | None = None, *, replace_changed: bool = False) -> Path:
        """Save the session atomically, now; clears the unsaved mark and this run's recovery
        files. ChangedOnDisk (nothing written) when the session's own file changed on disk
        since it was read or last written, unless `replace_changed`."""
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("no file name yet")
        pending = self.begin_save(target, replace_changed=replace_changed)
        try:
            pending.write()
        except BaseException as err:
            self.finish_save(pending, err)
            raise
        self.finish_save(pending, None)
        return pending.path

    def is_own_file(self, path: Path | str) -> bool:
        """Whether `path` names the session's file (the one it was read from or last saved to)."""
        return self.path is not None and os.path.realpath(path) == os.path.realpath(self.path)

    def begin_save(self, path: Path | str, *, replace_changed: bool = False) -> PendingSave:
        """Stamp the save time and snapshot the session (plain data) for a write done elsewhere,
        e.g. in a thread while the call goes on; `finish_save` afterwards, on this thread. A save
        to the session's own file checks first that it is still the one read or last written,
        unless `replace_changed` (the user said to overwrite it)."""
        before = self.session.saved
        self.session.saved = utcnow()
        try:
            snap = session_io.snapshot(self.session, path)
        except BaseException:
            self.session.saved = before
            raise
        check = self.is_own_file(path) and not replace_changed
        return PendingSave(Path(path), snap, self.revision, before, self.session.session_id, self._at,
                           self.session.agenda.call_s(), check, self.file_stamp, self._recoveries)

    def finish_save(self, pending: PendingSave, error: BaseException | None) -> None:
        """Take the result of a save: on success the file is the session's, and the undo
        position it holds is the saved one (the unsaved mark clears unless the session was
        edited while it was being written; undoing those edits clears it)."""
        if error is not None:
            self.session.saved = pending.saved_before
            return
        self.path = pending.path
        self.file_stamp = pending.written
        self.saved_revision = max(self.saved_revision, pending.revision)
        self._saved_at = pending.position
        self._clock_saved_s = pending.clock_s
        if self.on_change:
            self.on_change(Change(ChangeKind.SAVE, f"Saved {pending.path}"))

    def suggested_file(self, folder: Path) -> Path:
        """Where a first save of the session goes unless told: the quarter's name in `folder`
        (`suggest_filename`), or the next free one when that file holds another session."""
        return free_file(Path(folder) / session_io.suggest_filename(self.session),
                         self.session.session_id)

    def recovery_file(self, fallback_dir: Path) -> Path:
        """Where this session's recovery file goes (beside its file, or by id in `fallback_dir`)."""
        return session_io.recovery_file(self.session, self.path, fallback_dir)

    def autosave(self, fallback_dir: Path) -> Path | None:
        """Write the recovery file (next to the session, or in `fallback_dir` before a first save)."""
        if not self.dirty:
            return None
        target = self.recovery_file(fallback_dir)
        session_io.write_snapshot(session_io.snapshot(self.session, target), target)
        self.wrote_recovery(target)
        return target

    def wrote_recovery(self, path: Path) -> None:
        """Note a recovery file this run just wrote, or restored the session from: this run's
        to remove once saved or discarded, while it stays as it is now."""
        self._recoveries[Path(path)] = DiskStamp.of(path)

    def owns_recovery(self, path: Path) -> bool:
        """Whether `path` is a recovery file this run wrote and is still as it left it."""
        stamp = self._recoveries.get(Path(path))
        return stamp is not None and DiskStamp.of(path) == stamp

    def remove_own_recoveries(self) -> list[Path]:
        """Remove the recovery files this run wrote that are still as it left them (saved or
        discarded work); one another acctmap wrote over since is its work, and stays."""
        return _remove_own(self._recoveries)


@dataclass
class PendingSave:
    """A save between `Workbench.begin_save` and `finish_save`: what to write and where."""

    path: Path
    snapshot: session_io.Snapshot
    revision: int  # the workbench revision the snapshot holds
    saved_before: datetime | None  # session.saved before the stamp, put back if the write fails
    session_id: str
    position: int  # the workbench's undo position the snapshot holds (`Workbench._at`)
    clock_s: float = 0.0  # the call clock's seconds the snapshot holds (`Agenda.call_s`)
    check: bool = False  # the session's own file: write only while it is still `expected`
    expected: DiskStamp | None = None
    # the workbench's record of its recovery files (`Workbench._recoveries`), the live one
    recoveries: dict[Path, DiskStamp | None] = field(default_factory=dict)
    written: DiskStamp | None = None  # the file as this save left it

    def write(self) -> Path:
        """Write the file (any thread), then remove the recovery files this save makes stale:
        this run's. ChangedOnDisk, with nothing written, when the session's own file is no
        longer the one read or last written (a file deleted since is written again)."""
        if self.check:
            now = DiskStamp.of(self.path)
            if now is not None and now != self.expected:
                raise ChangedOnDisk(self.path, now)
        session_io.write_snapshot(self.snapshot, self.path, session_file=True)
        self.written = DiskStamp.of(self.path)
        _remove_own(self.recoveries)
        return self.path


def free_file(path: Path, session_id: str | None = None) -> Path:
    """`path`, or the first of NAME-2, NAME-3... beside it that is free (`atomic.free_path`): no
    file there, or (with `session_id`) an earlier save of that session, which a save may replace."""
    if not session_id:
        return atomic.free_path(path)
    return atomic.free_path(path, lambda taken: session_io.belongs_to(taken, session_id))


def _remove_own(recoveries: dict[Path, DiskStamp | None]) -> list[Path]:
    """Remove the recovery files of a run's record that are still as it left them, and forget
    them all (one written over since is another acctmap's)."""
    removed = []
    for path, stamp in list(recoveries.items()):
        if stamp is not None and DiskStamp.of(path) == stamp:
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
    recoveries.clear()
    return removed
