"""Compare two sessions of one partnership: what changed since last time, and did we do what we said.

Only overlap accounts are compared, matched by `Account.key` (the registrable domain), so a renamed
company is the same account (a change of "our name" / "their name") while a changed domain shows as
one account gone and one new, with a hint on both when their company names match.

Reports follow the table-diff conventions people know from daff: `+++` new, `---` gone, `->`
changed, and each changed value written `old -> new` (`old->new` in CSV cells).
Everything here is pure and linear in the number of accounts (dict lookups, one sort for rank).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from acctmap_tui.core.categorize import categorize, format_rate, overlap_figures
from acctmap_tui.core.export import md_cell, safe_cell
from acctmap_tui.core.model import (
    ACTION_DONE,
    ACTION_DROPPED,
    CATEGORIES,
    CATEGORY_BY_KEY,
    MUTUAL_PROSPECT,
    OURS,
    OURS_CUSTOMER,
    PARTNER,
    SHARED_CUSTOMER,
    THEIRS_CUSTOMER,
    Account,
    AcctmapError,
    Record,
    Session,
    quarter,
)
from acctmap_tui.core.normalize import name_key
from acctmap_tui.core.sharing import COMPARED_FIELD, HIDDEN_NAME, SharePolicy, Shows, account_name
from acctmap_tui.core.score import identity_shown, neutral_key, priority_accounts, ranked, ranks

NEW, GONE, CHANGED, SAME = "new", "gone", "changed", "same"
KINDS = (NEW, GONE, CHANGED, SAME)

DONE, OPEN, OVERDUE, DROPPED, ACTION_GONE = "done", "open", "overdue", "dropped", "gone"
ACTION_STATES = (OVERDUE, OPEN, ACTION_GONE, DROPPED, DONE)  # report order: what needs chasing first

# The compared fields, in report order (also the CSV columns after key and name).
FIELDS = (
    "category", "our status", "their status", "our name", "their name", "priority", "rank",
    "owner", "next action", "due", "notes", "action status",
)

DAFF_MARK = {NEW: "+++", GONE: "---", CHANGED: "->", SAME: ""}

# Whose comparison keys a report or a view shows (`keys_shown`): every account's; only those of
# a domain, while a name is private (a key without a domain is a name key, "name:acme"); or none,
# while a domain is private: then a report has no key column at all.
ALL_KEYS, DOMAIN_KEYS, NO_KEYS = "all", "domain", "none"

class PartnerMismatch(AcctmapError):
    """Two sessions, or a session and two lists, are not of the same partnership.

    `mismatch` says which and why; the whole message adds how to go on anyway on the command
    line (a screen that offers its own way leaves that out)."""

    def __init__(self, mismatch: str, anyway: str = "") -> None:
        super().__init__(f"{mismatch}. {anyway}" if anyway else mismatch)
        self.mismatch = mismatch


@dataclass
class FieldChange:
    field: str
    old: str  # "" for none
    new: str


@dataclass
class AccountDiff:
    key: str
    name: str
    kind: str  # one of KINDS
    old: Account | None
    new: Account | None
    changes: list[FieldChange] = field(default_factory=list)
    movement: str = ""  # label of a category move, e.g. "warm intro converted"
    hint: str = ""  # e.g. "same name as new account kestrel-foods.com: domain changed?"
    old_rank: int | None = None  # rank among the overlap by priority (1 = top)
    new_rank: int | None = None

    def change(self, name: str) -> FieldChange | None:
        """The change of one field, or None when it did not change."""
        return next((c for c in self.changes if c.field == name), None)


@dataclass
class ActionReview:
    """One next action agreed last time, and what became of it."""

    key: str
    name: str
    owner: str
    next_action: str
    due: date | None
    state: str  # done | open | overdue | dropped | gone (account left the overlap while open)


@dataclass
class Summary:
    rows: list[tuple[str, float | int, float | int, float | int]]  # (metric, old, new, change)

    def row(self, metric: str) -> tuple[str, float | int, float | int, float | int]:
        """The row of one metric (KeyError when there is none)."""
        for r in self.rows:
            if r[0] == metric:
                return r
        raise KeyError(metric)


@dataclass
class SessionDiff:
    old_title: str
    new_title: str
    old_date: date
    new_date: date
    accounts: list[AccountDiff]
    actions: list[ActionReview]
    summary: Summary
    fields: tuple[str, ...] = FIELDS  # the compared fields this report shows
    private: list[str] = field(default_factory=list)  # shown fields the partner may not see
    partner_safe: bool = False  # made by `partner_safe`: only fields both sessions mark shareable
    actions_private: bool = False  # last session's actions left out whole (`actions_shown`)
    keys: str = ALL_KEYS  # whose keys the report shows (`keys_shown`): NO_KEYS, no key column

    @property
    def keyed(self) -> bool:
        """Whether the report has a key column (a field, in JSON): not where no key may show."""
        return self.keys != NO_KEYS

    def counts(self) -> dict[str, int]:
        """Accounts per kind (new, gone, changed, same)."""
        out = dict.fromkeys(KINDS, 0)
        for a in self.accounts:
            out[a.kind] += 1
        return out

    def action_counts(self) -> dict[str, int]:
        """Actions from last time per state (no "overdue" where the report leaves the due date
        out: `action_states`)."""
        return count_actions(self.actions, "due" in self.fields)


# --- summary metric names (stable: tests and the compare screen look rows up by them) ---------

OVERLAP_TOTAL = "Overlap total"
UNCATEGORIZED = "Uncategorized"
RATE_OURS = "Overlap rate, our list (%)"
RATE_PARTNER = "Overlap rate, partner list (%)"
ACTIVATION = "Activation rate (%)"
# last session's actions, then and now (`summarize`): named whose, beside "Activation rate"
ACTIONS_DONE = "Last session's actions done"
ACTIONS_OPEN = "Last session's actions open"
ACTIONS_OVERDUE = "Last session's actions overdue"


# --- partnership check ------------------------------------------------------------------------

def company_key(name: str) -> str:
    """A company name reduced for comparison: the normalizer's name key (accents, case,
    punctuation and legal suffixes removed)."""
    return name_key(name)


def partnership_key(ours: str, partner: str) -> tuple[str, str]:
    """What makes two partnerships one: the same two companies, by `company_key` (so "Globex
    Inc." is "GLOBEX")."""
    return company_key(ours), company_key(partner)


@dataclass(frozen=True)
class Partnership:
    """Two companies as the partnership check names them: `what` they are in its message ("the
    prior session q3.toml", "the lists ours.csv and theirs.csv"), and for a company name that
    was only guessed, how (side -> "from the file name theirs.csv")."""

    what: str
    ours: str
    partner: str
    guessed: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def of(cls, session: Session, what: str) -> Partnership:
        return cls(what, session.ours, session.partner)

    def company(self, side: str) -> str:
        return self.ours if side == OURS else self.partner

    @property
    def key(self) -> tuple[str, str]:
        return partnership_key(self.ours, self.partner)


def check_partnership(earlier: Partnership, later: Partnership, anyway: str,
                      options: Mapping[str, str] | None = None) -> None:
    """The partnership rule, the one place it lives: `later` (a session, or the lists a session
    is started from) goes with `earlier` (the session compared with, or carried forward) only when
    both are of the same two companies (`partnership_key`). Else PartnerMismatch, whose message
    names both (their files or sessions, and their companies) and each company that differs,
    then how to go on on the command line: `anyway` is what --force does ("compare them"), and
    `options` the flag that names each side's company, where there is one ("--partner")."""
    if earlier.key == later.key:
        return
    differs = [side for side, was, now in zip((OURS, PARTNER), earlier.key, later.key)
               if was != now]
    why = "; ".join(
        f"{later.company(side)!r}{f' ({later.guessed[side]})' if side in later.guessed else ''}"
        f" is not {earlier.company(side)!r}" for side in differs)
    mismatch = (f"{earlier.what} is of another partnership ({earlier.ours} x {earlier.partner}) "
                f"than {later.what} ({later.ours} x {later.partner}): {why}")
    named = " and ".join(f'{options[side]} "{earlier.company(side)}"'
                         for side in differs if side in (options or {}))
    rename = (f"If these are the same companies under other names, give those names ({named}); to"
              if named else "To")
    raise PartnerMismatch(mismatch, f"{rename} {anyway} anyway, add --force")


def _session_called(session: Session, which: str) -> str:
    """How the partnership check names a session it has no file name for."""
    return f"the {which} session \"{session.title}\"" if session.title else (
        f"the {which} session of {session.date}")


# --- per-account values -----------------------------------------------------------------------


def _category_label(key: str | None) -> str:
    if not key:
        return ""
    cat = CATEGORY_BY_KEY.get(key)
    return cat.label if cat else key


def _status(rec: Record) -> str:
    return rec.status or rec.raw_status or ""


def values(account: Account, rank: int | None) -> dict[str, str]:
    """The compared fields of one account as display strings ("" for none)."""
    return {
        "category": _category_label(account.category),
        "our status": _status(account.ours),
        "their status": _status(account.theirs),
        "our name": account.ours.name,
        "their name": account.theirs.name,
        "priority": str(account.priority),
        "rank": "" if rank is None else str(rank),
        "owner": account.owner,
        "next action": account.next_action,
        "due": account.due.isoformat() if account.due else "",
        "notes": account.notes,
        "action status": account.action_status if account.next_action else "",
    }


def row_values(d: AccountDiff) -> dict[str, str]:
    """The values a report shows for an account: the new ones, or the old ones when it is gone."""
    if d.new is not None:
        return values(d.new, d.new_rank)
    assert d.old is not None
    return values(d.old, d.old_rank)


def _movement(old: str | None, new: str | None) -> str:
    """A human label for a category move ("" when there is none or a category is unknown)."""
    if old == new or not old or not new:
        return ""
    shared, vouch, intro, joint = (SHARED_CUSTOMER.key, OURS_CUSTOMER.key, THEIRS_CUSTOMER.key,
                                   MUTUAL_PROSPECT.key)
    if new == shared:
        return {joint: "win: joint approach closed", intro: "warm intro converted",
                vouch: "vouch converted"}.get(old, "")
    if old == shared:
        return "churn risk: no longer a shared customer"
    ours_before, theirs_before = old == vouch, old == intro
    ours_now, theirs_now = new == vouch, new == intro
    if ours_before and not ours_now:
        return "churn risk: no longer our customer"
    if theirs_before and not theirs_now:
        return "churn risk: no longer their customer"
    if ours_now:
        return "our win: now our customer"
    return "their win: now their customer"


SET_BY_HAND = "category set by hand"


def _account_movement(old: Account, new: Account) -> str:
    """The category move of one account, told apart from a category a person set by hand.

    Status movements ("their win", "churn risk") come only from the statuses; a changed override
    is its own kind of change, so a hand-set category never reads as a status that moved.
    """
    if old.category == new.category:
        return ""
    if not (old.category_manual or new.category_manual):
        return _movement(old.category, new.category)
    computed = [categorize(a.ours.status, a.theirs.status) for a in (old, new)]
    by_status = _movement(*(c.key if c else None for c in computed))
    return f"{by_status}; {SET_BY_HAND}" if by_status else SET_BY_HAND


def _name_keys(account: Account) -> set[str]:
    keys = set()
    for rec in (account.ours, account.theirs):
        if rec.hashed:
            continue
        k = rec.name_key or name_key(rec.name)
        if k:
            keys.add(k)
    return keys


def _index(session: Session) -> dict[str, Account]:
    """Overlap accounts by key; a key seen twice (one-to-many pairs) keeps both, by pair."""
    out: dict[str, Account] = {}
    for a in session.overlap():
        k = a.key
        if k in out:
            k = f"{k} [{a.pair_id}]"
        out[k] = a
    return out


def _ranks(session: Session) -> tuple[dict[str, int], list[Account]]:
    """pair_id -> rank over the overlap, and the priority (top-N) accounts, from one sort of the
    overlap: a diff asks them once per session (the summary's activation rate too)."""
    order = ranked(session)
    return ranks(session, order), priority_accounts(session, order)


# --- the diff ---------------------------------------------------------------------------------


def diff_sessions(old: Session, new: Session, force: bool = False,
                  what: tuple[str, str] | None = None) -> SessionDiff:
    """What changed in the overlap from `old` to `new`, what became of last time's actions, and
    the summary figures side by side.

    A rank change is a change of the account only where `_rank_moved_itself`: its own priority
    changed and it is a priority account (top N) in either session.
    Raises PartnerMismatch when the sessions are of different partnerships, unless `force`;
    its message names them as `what` says (their files: "the old session q3.toml", "the new
    session q4.toml"), else by title or date.
    """
    if not force:
        old_what, new_what = what or (_session_called(old, "old"), _session_called(new, "new"))
        check_partnership(Partnership.of(old, old_what), Partnership.of(new, new_what),
                          "compare them")
    old_ix, new_ix = _index(old), _index(new)
    old_rank, old_priority = _ranks(old)
    new_rank, new_priority = _ranks(new)
    old_top = {a.pair_id for a in old_priority}
    new_top = {a.pair_id for a in new_priority}

    diffs: list[AccountDiff] = []
    gone: list[AccountDiff] = []
    added: list[AccountDiff] = []
    for key, o in old_ix.items():
        n = new_ix.get(key)
        orank = old_rank.get(o.pair_id)
        if n is None:
            d = AccountDiff(key, o.name, GONE, o, None, old_rank=orank)
            gone.append(d)
            continue
        nrank = new_rank.get(n.pair_id)
        ov, nv = values(o, orank), values(n, nrank)
        if not _rank_moved_itself(o, n, old_top, new_top):
            ov["rank"] = nv["rank"]
        if _action_closed(o, n):
            for f in ACTION_FIELDS:
                ov[f] = nv[f]
        changes = [FieldChange(f, ov[f], nv[f]) for f in FIELDS if ov[f] != nv[f]]
        diffs.append(AccountDiff(
            key, n.name, CHANGED if changes else SAME, o, n, changes,
            movement=_account_movement(o, n), old_rank=orank, new_rank=nrank,
        ))
    for key, n in new_ix.items():
        if key not in old_ix:
            added.append(AccountDiff(key, n.name, NEW, None, n, new_rank=new_rank.get(n.pair_id)))
    _hint_renamed_domains(gone, added)
    actions = review_actions(old, new, old_ix, new_ix)
    shareable = both_shareable(old, new)
    return SessionDiff(
        old_title=old.title, new_title=new.title, old_date=old.date, new_date=new.date,
        accounts=report_order(added + gone + diffs, new.session_id), actions=actions,
        summary=summarize(old, new, (old_priority, new_priority), actions),
        private=[f for f in FIELDS if not shareable(*COMPARED_FIELD[f])],
    )


def _rank_moved_itself(old: Account, new: Account, old_top: set[str], new_top: set[str]) -> bool:
    """Whether an account's rank change is its own: its priority changed, and it is a priority
    account in either session. A rank that moved only because others joined, left or were
    rescored is theirs to report (an account falling to the bottom moved every one below it:
    each read "changed"); the account view still shows the rank then and now."""
    return (old.priority != new.priority
            and (old.pair_id in old_top or new.pair_id in new_top))


ACTION_FIELDS = ("next action", "due", "action status")


def _action_closed(old: Account, new: Account) -> bool:
    """Whether last session's action was done or dropped and this session has none: it closed
    then, and stays last session's (carry-forward does not bring it into the new quarter). The
    list of last session's actions reports it; as a field change it read "next action: X ->
    (none)", as if dropped since."""
    return old.action_status in (ACTION_DONE, ACTION_DROPPED) and not new.next_action.strip()


def report_order(accounts: Iterable[AccountDiff], salt: str = "") -> list[AccountDiff]:
    """New, gone, changed, then unchanged accounts, each by the name and the key a report shows,
    and rows alike in both (left out of a partner-safe report) by `score.neutral_key`, the rule
    of every list by name: never in the order of a name or a domain the report leaves out.
    `salt`: the session's id."""
    kind = {k: n for n, k in enumerate(KINDS)}

    def shown(d: AccountDiff) -> tuple[int, str, str, str]:
        return kind[d.kind], d.name.casefold(), d.key, d.name

    def neutral(d: AccountDiff) -> bytes:
        account = d.new if d.new is not None else d.old
        return neutral_key(account, salt) if account is not None else b""

    accounts = list(accounts)
    if len({d.key for d in accounts}) == len(accounts):
        return sorted(accounts, key=shown)  # no two rows alike: each key is its own (a diff's)
    return sorted(accounts, key=lambda d: (*shown(d), neutral(d)))


def action_order(r: ActionReview) -> tuple:
    """Last session's actions: what needs chasing first, then by due date, then by what a report
    shows of them (name, key, owner, next action: never a value it leaves out)."""
    return (_STATE_ORDER[r.state], r.due or date.max, r.name.casefold(), r.key, r.name, r.owner,
            r.next_action)


_STATE_ORDER = {state: n for n, state in enumerate(ACTION_STATES)}


# "Overdue" is "open and due before the new session's date": it tells of the due date. Where the
# due date may not show (the partner-safe report, the share-safe Compare screen, by the same marks
# as `private_metrics`), an overdue action is told as open: its state, the counts, the row's
# marker and its place among the rows (`action_order`: by state, then by the due date, which is
# left out too), so nothing tells whether a hidden due date is past or future.


def action_states(due_shown: bool) -> tuple[str, ...]:
    """The states last session's actions are told by, in report order: without "overdue" where
    the due date may not show (it is merged into "open")."""
    return ACTION_STATES if due_shown else tuple(s for s in ACTION_STATES if s != OVERDUE)


def shown_state(state: str, due_shown: bool) -> str:
    """An action's state as told where the due date does or does not show."""
    return OPEN if state == OVERDUE and not due_shown else state


def count_actions(actions: Iterable[ActionReview], due_shown: bool) -> dict[str, int]:
    """Actions per state, by the states `action_states` tells (every one, zero or not)."""
    out = dict.fromkeys(action_states(due_shown), 0)
    for a in actions:
        out[shown_state(a.state, due_shown)] += 1
    return out


# --- partner-safe reports -----------------------------------------------------------------------


def both_shareable(old: Session, new: Session) -> Shows:
    """(side, field) -> shareable in both sessions (the stricter of the two policies), each
    session's policy made once for the report, not once per question."""
    old_policy, new_policy = SharePolicy(old), SharePolicy(new)

    def shareable(side: str, name: str) -> bool:
        return old_policy.shareable(side, name) and new_policy.shareable(side, name)

    return shareable


def compared_shows(shows: Shows) -> Callable[[str], bool]:
    """`shows(side, field)` asked of a compared field (FIELDS): by the mark of the field it shows
    (`sharing.COMPARED_FIELD`)."""
    return lambda compared: shows(*COMPARED_FIELD[compared])


def hint_shown(shows: Shows) -> bool:
    """Whether a "domain changed?" hint may show where `shows(side, field)` says what may: it
    tells two accounts' names are the same and quotes their keys, so only where every name and
    domain may show (the partner-safe report and the share-safe Compare screen)."""
    return all(identity_shown(shows))


def keys_shown(shows: Shows) -> str:
    """Whose comparison keys may show where `shows(side, field)` says what may: ALL_KEYS,
    DOMAIN_KEYS (a name is private) or NO_KEYS (a domain is private)."""
    our_name, their_name, our_domain, their_domain = identity_shown(shows)
    if not (our_domain and their_domain):
        return NO_KEYS
    return ALL_KEYS if our_name and their_name else DOMAIN_KEYS


def key_shown(key: str, shows: Shows) -> bool:
    """Whether an account's comparison key may show (`keys_shown`): a domain, or without one a
    name key ("name:acme"), or both with a pair's keys ("acme.com [acme.com|name:acme]")."""
    keys = keys_shown(shows)
    return keys == ALL_KEYS or (keys == DOMAIN_KEYS and "name:" not in key)


def shown_identity(d: AccountDiff | None, shows: Shows) -> tuple[str, str]:
    """The key and the name an account of a diff goes by where `shows(side, field)` says what
    may show: the key where `key_shown`, else ""; the name as every view names an account
    (`sharing.account_name`: ours, theirs, then a domain, else "(our name hidden)"). The one
    rule of the partner-safe report (both sessions' policies) and of the Compare screen and its
    account dialog (the share-safe view's); None (an account the diff does not hold) is named by
    nothing."""
    if d is None:
        return "", HIDDEN_NAME
    account = d.new if d.new is not None else d.old
    assert account is not None  # a diff holds the account in one session at least
    return d.key if key_shown(d.key, shows) else "", account_name(account, shows)


def partner_safe(d: SessionDiff, old: Session, new: Session) -> SessionDiff:
    """The same diff holding only fields both sessions mark shareable (sharing.SharePolicy).

    Private fields (notes, priority and rank by default) leave the columns, the changes and the
    summary; an account whose only changes were private counts as unchanged; last time's actions
    keep only their shareable parts. Each account goes by the key and name `shown_identity`
    gives it, as on the Compare screen; where no key may show (`keys_shown`), the report has no
    key column. Rows are in the order of what they show (`report_order`, `action_order`), never
    of a name or a domain left out.
    """
    ok = both_shareable(old, new)
    shows = compared_shows(ok)

    def identity(a: AccountDiff | None) -> dict[str, str]:
        key, name = shown_identity(a, ok)
        return {"key": key, "name": name}

    shown = tuple(f for f in d.fields if shows(f))
    hints = hint_shown(ok)
    category = shows("category")
    accounts = []
    for a in d.accounts:
        changes = [c for c in a.changes if c.field in shown]
        kind = SAME if a.kind == CHANGED and not changes else a.kind
        accounts.append(replace(
            a, **identity(a), kind=kind, changes=changes,
            movement=a.movement if category else "", hint=a.hint if hints else "",
        ))
    actions = shareable_actions(d.actions, shows)
    if actions:  # none when they are private: then no account is looked up
        # by the diff's own keys, one per pair (also a one-to-many pair's: "key [pair]")
        by_key = {a.key: a for a in d.accounts}
        actions = sorted((replace(r, **identity(by_key.get(r.key))) for r in actions),
                         key=action_order)
    return replace(d, accounts=report_order(accounts, new.session_id), actions=actions,
                   summary=shareable_summary(d.summary, shows), fields=shown, private=[],
                   partner_safe=True, keys=keys_shown(ok), actions_private=not actions_shown(shows))


# --- what a partner may see, given which compared fields may show ---------------------------------
# One rule for the partner-safe diff and the share-safe Compare screen, both by the two compared
# sessions' marks (`both_shareable`): `shows(field)` answers for a compared field (FIELDS).


def private_metrics(shows: Callable[[str], bool]) -> set[str]:
    """The summary metrics that would tell a private field."""
    hidden = set()
    if not (shows("priority") and shows("owner") and shows("next action")):
        hidden.add(ACTIVATION)  # counted over the top accounts by priority
    if not shows("category"):
        hidden |= {c.label for c in CATEGORIES} | {UNCATEGORIZED}
    if not (actions_shown(shows) and shows("due")):
        hidden |= {ACTIONS_DONE, ACTIONS_OPEN, ACTIONS_OVERDUE}
    return hidden


def shareable_summary(summary: Summary, shows: Callable[[str], bool]) -> Summary:
    """The summary without its private metrics."""
    hidden = private_metrics(shows)
    return Summary([r for r in summary.rows if r[0] not in hidden])


def actions_shown(shows: Callable[[str], bool]) -> bool:
    """Whether last session's actions may be listed at all (each is a next action and its state)."""
    return shows("next action") and shows("action status")


def shareable_actions(actions: list[ActionReview],
                      shows: Callable[[str], bool]) -> list[ActionReview]:
    """Last session's actions with only their shareable parts (none when the actions are private);
    without the due date, an overdue action is open (`shown_state`). The caller orders them by
    what it shows of them (their state and due date as here, then the names it shows): the
    order they come in went by the values left out."""
    if not actions_shown(shows):
        return []
    due = shows("due")
    return [replace(r, owner=r.owner if shows("owner") else "", due=r.due if due else None,
                    state=shown_state(r.state, due)) for r in actions]


def _shown_values(d: SessionDiff, a: AccountDiff) -> dict[str, str]:
    """The values a report shows for an account, restricted to the report's fields."""
    v = row_values(a)
    return {f: v[f] for f in d.fields}


def privacy_line(d: SessionDiff) -> str:
    """Whether a report holds private fields, in one line (the CSV says it on stderr)."""
    if d.partner_safe and d.keys == DOMAIN_KEYS:
        return ("Partner-safe: only fields both sessions mark shareable. An account without a "
                "shown key (keyed by a name, and the names are private) has an empty key.")
    if d.partner_safe:
        return "Partner-safe: only fields both sessions mark shareable."
    if d.private:
        return (f"Holds private fields ({', '.join(d.private)}): for internal use; "
                "--partner-safe leaves them out.")
    return "Holds no private fields: every field shown is marked shareable in both sessions."


def _hint_renamed_domains(gone: list[AccountDiff], added: list[AccountDiff]) -> None:
    """Flag a gone and a new account with the same company name: probably a domain change."""
    by_name: dict[str, list[AccountDiff]] = {}
    for d in added:
        assert d.new is not None
        for k in _name_keys(d.new):
            by_name.setdefault(k, []).append(d)
    for g in gone:
        assert g.old is not None
        twins = sorted({d.key: d for k in _name_keys(g.old) for d in by_name.get(k, [])}.values(),
                       key=lambda d: d.key)
        if not twins:
            continue
        g.hint = f"same name as new account {twins[0].key}: domain changed?"
        for d in twins:
            if not d.hint:
                d.hint = f"same name as gone account {g.key}: domain changed?"


def review_actions(old: Session, new: Session, old_ix: dict[str, Account] | None = None,
                   new_ix: dict[str, Account] | None = None) -> list[ActionReview]:
    """Each next action agreed in `old`, with what became of it by `new`.

    done: marked done in the new session (or marked done last time and replaced since);
    dropped: marked dropped in either; overdue: still open and due before the new session's date;
    gone: the account left the overlap while the action was open; open otherwise.
    """
    old_ix = _index(old) if old_ix is None else old_ix
    new_ix = _index(new) if new_ix is None else new_ix
    out = []
    for key, o in old_ix.items():
        if not o.next_action.strip():
            continue
        n = new_ix.get(key)
        if n is None:
            state = {ACTION_DONE: DONE, ACTION_DROPPED: DROPPED}.get(o.action_status, ACTION_GONE)
        elif n.action_status == ACTION_DONE:
            state = DONE
        elif ACTION_DROPPED in (o.action_status, n.action_status):
            state = DROPPED
        elif o.action_status == ACTION_DONE and n.next_action != o.next_action:
            state = DONE
        elif o.due is not None and o.due < new.date:
            state = OVERDUE
        else:
            state = OPEN
        # named as its account is in the diff (`AccountDiff.name`): by its name now, while it is
        # still in the overlap (the partner-safe report's `shown_identity` names it so too)
        out.append(ActionReview(key, (o if n is None else n).name, o.owner, o.next_action, o.due,
                                state))
    out.sort(key=action_order)
    return out


# --- summary ----------------------------------------------------------------------------------


def activation_rate(session: Session, top: list[Account] | None = None) -> float:
    """% of the priority accounts (top N by priority) that have an owner and a next action.
    `top`: the session's `priority_accounts`, where the caller has them already."""
    top = priority_accounts(session) if top is None else top
    if not top:
        return 0.0
    ready = sum(1 for a in top if a.owner.strip() and a.next_action.strip())
    return round(100 * ready / len(top), 1)


def _action_figures(session: Session) -> tuple[int, int, int]:
    """(done, open, overdue) over the overlap's next actions, as they stood on the session's
    date."""
    done = open_ = overdue = 0
    for a in session.overlap():
        if not a.next_action.strip():
            continue
        if a.action_status == ACTION_DONE:
            done += 1
        elif a.action_status != ACTION_DROPPED:
            if a.due is not None and a.due < session.date:
                overdue += 1
            else:
                open_ += 1
    return done, open_, overdue


def summarize(old: Session, new: Session,
              priority: tuple[list[Account], list[Account]] | None = None,
              actions: list[ActionReview] | None = None) -> Summary:
    """The headline figures of both sessions side by side, with the change. `priority`: each
    session's `priority_accounts`, and `actions`, `review_actions`, where the caller has them.

    The action rows count one set of actions, last session's, as the list of them does: as they
    stood on its date (then) and what became of them by the new session's (now). Counting each
    session's own actions instead read "2 overdue" beside the list's "3 overdue" on one screen.
    """
    old_top, new_top = priority or (None, None)
    fo, fn = overlap_figures(old), overlap_figures(new)
    pairs: list[tuple[str, float | int, float | int]] = [
        (c.label, fo.per_category[c.key], fn.per_category[c.key]) for c in CATEGORIES
    ]
    if fo.uncategorized or fn.uncategorized:
        pairs.append((UNCATEGORIZED, fo.uncategorized, fn.uncategorized))
    pairs.append((OVERLAP_TOTAL, fo.overlap, fn.overlap))
    pairs.append((RATE_OURS, round(100 * fo.rate(OURS), 1), round(100 * fn.rate(OURS), 1)))
    pairs.append((RATE_PARTNER, round(100 * fo.rate(PARTNER), 1),
                  round(100 * fn.rate(PARTNER), 1)))
    pairs.append((ACTIVATION, activation_rate(old, old_top), activation_rate(new, new_top)))
    now = count_actions(review_actions(old, new) if actions is None else actions, True)
    for label, then, state in zip((ACTIONS_DONE, ACTIONS_OPEN, ACTIONS_OVERDUE),
                                  _action_figures(old), (DONE, OPEN, OVERDUE)):
        pairs.append((label, then, now[state]))
    rows = []
    for metric, a, b in pairs:
        change = b - a
        rows.append((metric, a, b, round(change, 1) if isinstance(change, float) else change))
    return Summary(rows)


# --- renderers --------------------------------------------------------------------------------


def number(v: float | int, percent: bool = False) -> str:
    """A summary figure: '12', '24.5'; with `percent` (v in percent), '24.0%' (format_rate)."""
    if percent:
        return format_rate(v / 100)
    return f"{v:.1f}" if isinstance(v, float) else str(v)


def signed(v: float | int, percent: bool = False) -> str:
    """A change with its sign: '+3', '-1.5', '0'; with `percent`, in points ('+2.5 pts')."""
    if v == 0:
        return "0"
    return ("+" if v > 0 else "-") + number(abs(v)) + (" pts" if percent else "")


def _shown(v: str) -> str:
    return v if v else "(none)"


def _arrow(c: FieldChange) -> str:
    return f"{c.field}: {_shown(c.old)} -> {_shown(c.new)}"


def _counts_line(d: SessionDiff) -> str:
    c = d.counts()
    return ", ".join(f"{c[k]} {k}" for k in KINDS)


ACTIONS_PRIVATE = "private, left out of the partner-safe report"


def _actions_line(d: SessionDiff) -> str:
    """Last time's actions per state, or that they are private (never zero counts then: there
    may have been some)."""
    if d.actions_private:
        return ACTIONS_PRIVATE
    return ", ".join(f"{n} {s}" for s, n in d.action_counts().items())


def _table(rows: list[list[str]], right: frozenset[int] | set[int] = frozenset(),
           indent: str = "  ") -> list[str]:
    """Rows of cells as aligned text lines (the first row is the header)."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _account_line(report: SessionDiff, d: AccountDiff) -> list[str]:
    v = _shown_values(report, d)
    key = f"{d.key}  " if report.keyed else ""
    line = f"{DAFF_MARK[d.kind]:<3} {key}{d.name}"
    if d.kind in (NEW, GONE):
        if "category" in v:
            line += f"  [{v['category'] or 'uncategorized'}]"
        plan = [name for name in ("owner", "next action") if name in v]  # a private one: left out
        if any(v[name] for name in plan):
            line += "  " + "; ".join(f"{name}: {_shown(v[name])}" for name in plan)
    elif d.movement:
        line += f"  [{d.movement}]"
    lines = [line]
    lines += [f"      {_arrow(c)}" for c in d.changes]
    if d.hint:
        lines.append(f"      hint: {d.hint}")
    return lines


def render_text(d: SessionDiff) -> str:
    """A terminal report: summary table, then new / gone / changed accounts, then last actions."""
    out = [
        f"Compare: {d.old_title or 'old session'} ({d.old_date}) -> "
        f"{d.new_title or 'new session'} ({d.new_date})",
        "",
        privacy_line(d),
        "",
        "Summary",
    ]
    rows = [["metric", "old", "new", "change"]]
    rows += [[m, number(a), number(b), signed(c)] for m, a, b, c in d.summary.rows]
    out += _table(rows, right={1, 2, 3})
    out += ["", f"Overlap accounts: {_counts_line(d)}"]
    for kind, title in ((NEW, "New in the overlap"), (GONE, "Gone from the overlap"),
                        (CHANGED, "Changed")):
        group = [a for a in d.accounts if a.kind == kind]
        if group:
            out += ["", f"{title} ({len(group)})"]
            for a in group:
                out += ["  " + line for line in _account_line(d, a)]
    out += ["", f"Actions from last time: {_actions_line(d)}"]
    if d.actions:
        header, rows = _action_table(d)
        out += _table([header, *rows])
    return "\n".join(out) + "\n"


def _keyed(d: SessionDiff, key: str) -> list[str]:
    """A row's key cell, or none where the report has no key column (`SessionDiff.keyed`)."""
    return [key] if d.keyed else []


def _action_table(d: SessionDiff) -> tuple[list[str], list[list[str]]]:
    """Last time's actions as a table: state, key, account, then the owner, next action and due
    date where the report has those fields (a partner-safe report leaves a private one out,
    not as an empty column; the key too, where no key may show)."""
    columns = [(name, get) for name, get in (
        ("owner", lambda a: a.owner), ("next action", lambda a: a.next_action),
        ("due", lambda a: a.due.isoformat() if a.due else "")) if name in d.fields]
    header = ["state", *_keyed(d, "key"), "account", *(name for name, _ in columns)]
    return header, [[a.state, *_keyed(d, a.key), a.name, *(get(a) for _, get in columns)]
                    for a in d.actions]


def _md_table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    align = align or "-" * len(header)
    seps = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(seps) + " |"]
    out += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
    return out


def render_markdown(d: SessionDiff) -> str:
    """The report as Markdown (for a wiki page or an email to the partner manager)."""
    out = [
        f"# {d.old_title or 'Old session'} -> {d.new_title or 'New session'}",
        "",
        f"Sessions of {d.old_date} and {d.new_date}. Overlap accounts: {_counts_line(d)}.",
        "",
        privacy_line(d),
        "",
        "## Summary",
        "",
    ]
    out += _md_table(["Metric", "Old", "New", "Change"],
                     [[m, number(a), number(b), signed(c)] for m, a, b, c in d.summary.rows],
                     align="-rrr")
    for kind, title in ((NEW, "New in the overlap"), (GONE, "Gone from the overlap")):
        group = [a for a in d.accounts if a.kind == kind]
        if group:
            out += ["", f"## {title} ({len(group)})", ""]
            # a private field is no column (blank, it would read as none)
            columns = [name for name in ("category", "owner", "next action") if name in d.fields]
            rows = []
            for a in group:
                v = _shown_values(d, a)
                rows.append([*_keyed(d, a.key), a.name, *(v[name] for name in columns), a.hint])
            out += _md_table([*_keyed(d, "Key"), "Account",
                              *(name[0].upper() + name[1:] for name in columns), "Hint"], rows)
    group = [a for a in d.accounts if a.kind == CHANGED]
    if group:
        out += ["", f"## Changed ({len(group)})", ""]
        rows = [[*_keyed(d, a.key), a.name, a.movement, "; ".join(_arrow(c) for c in a.changes)]
                for a in group]
        out += _md_table([*_keyed(d, "Key"), "Account", "Movement", "Changes (old -> new)"],
                         rows)
    counts = "" if d.actions_private else f" ({_actions_line(d)})"  # the sentence says it
    out += ["", f"## Actions from last time{counts}", ""]
    if d.actions_private:
        out.append("Last session's actions are private: the partner-safe report leaves them out.")
    elif d.actions:
        header, rows = _action_table(d)
        out += _md_table([name[0].upper() + name[1:] for name in header], rows)
    else:
        out.append("No next actions were agreed last time.")
    return "\n".join(out) + "\n"


def render_csv(d: SessionDiff) -> str:
    """daff-style CSV: one row per new (`+++`), gone (`---`) or changed (`->`) account; a changed
    cell is written `old->new`, other cells show the current value. Every data cell a
    spreadsheet would run as a formula gets a leading apostrophe (export.safe_cell); the daff
    marks in the first column are ours, not data, and stay as they are."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["@@", *_keyed(d, "key"), "name", *d.fields, "movement", "hint"])
    for a in d.accounts:
        if a.kind == SAME:
            continue
        v = _shown_values(d, a)
        for c in a.changes:
            v[c.field] = f"{c.old}->{c.new}"
        cells = [*_keyed(d, a.key), a.name, *(v[f] for f in d.fields), a.movement, a.hint]
        w.writerow([DAFF_MARK[a.kind], *(safe_cell(c) for c in cells)])
    return buf.getvalue()


def render_json(d: SessionDiff) -> str:
    """The whole diff as JSON (unchanged accounts are counted, not listed). Where last session's
    actions are private (a partner-safe report), `actions_private` is true and `actions` and
    `action_counts` are null, not an empty list and zero counts."""
    def side(acc: Account | None, rank: int | None) -> dict[str, str] | None:
        return None if acc is None else {f: v for f, v in values(acc, rank).items()
                                          if f in d.fields}

    def named(key: str, name: str) -> dict[str, str]:
        return {"key": key, "name": name} if d.keyed else {"name": name}

    doc = {
        "partner_safe": d.partner_safe,
        "private_fields": list(d.private),
        "old": {"title": d.old_title, "date": d.old_date.isoformat()},
        "new": {"title": d.new_title, "date": d.new_date.isoformat()},
        "counts": d.counts(),
        "summary": [{"metric": m, "old": a, "new": b, "change": c}
                    for m, a, b, c in d.summary.rows],
        "accounts": [
            {**named(a.key, a.name), "kind": a.kind, "movement": a.movement,
             "hint": a.hint,
             "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in a.changes],
             "old": side(a.old, a.old_rank), "new": side(a.new, a.new_rank)}
            for a in d.accounts if a.kind != SAME
        ],
        "actions_private": d.actions_private,
        "actions": None if d.actions_private else [
            {**named(a.key, a.name), "owner": a.owner, "next_action": a.next_action,
             "due": a.due.isoformat() if a.due else None, "state": a.state}
            for a in d.actions
        ],
        "action_counts": None if d.actions_private else d.action_counts(),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- history over several sessions ------------------------------------------------------------


@dataclass
class HistoryPoint:
    date: date
    title: str
    per_category: dict[str, int]  # category key -> overlap accounts
    overlap: int
    activation: float  # % of priority accounts with owner and next action
    hidden: frozenset[str] = frozenset()  # the metrics a view may not show of it (private_metrics)

    @property
    def quarter(self) -> str:
        return quarter(self.date)


def history(sessions: list[Session],
            shows_of: Callable[[Session], Shows] | None = None) -> list[HistoryPoint]:
    """One point per session, oldest first: overlap per category, total and activation rate.
    `shows_of(session)`: what a view may show of that session; each point's `hidden` metrics
    follow it (the summary's rule, `private_metrics`)."""
    points = []
    for s in sorted(sessions, key=lambda s: (s.date, s.created, s.title)):
        fig = overlap_figures(s)
        hidden = (frozenset() if shows_of is None
                  else frozenset(private_metrics(compared_shows(shows_of(s)))))
        points.append(HistoryPoint(s.date, s.title, dict(fig.per_category), fig.overlap,
                                   activation_rate(s), hidden))
    return points


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: int, top: int, width: int) -> str:
    """A horizontal bar in unicode blocks, `width` cells for `top`."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * value / top))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def period_labels(days: list[date]) -> list[str]:
    """'2026-Q3' per session date, or the dates themselves when two fall in one quarter."""
    quarters = [quarter(d) for d in days]
    return quarters if len(set(quarters)) == len(quarters) else [d.isoformat() for d in days]


def render_history(points: list[HistoryPoint], width: int = 30) -> str:
    """A table of the sessions, then one bar chart per category across the sessions."""
    if not points:
        return "No sessions.\n"
    labels = period_labels([p.date for p in points])
    rows = [["when", "date", "session", *(c.code for c in CATEGORIES), "overlap", "activation %"]]
    for label, p in zip(labels, points):
        rows.append([label, p.date.isoformat(), p.title,
                     *(str(p.per_category.get(c.key, 0)) for c in CATEGORIES),
                     str(p.overlap), f"{p.activation:.1f}"])
    ncat = len(CATEGORIES)
    out = ["Overlap per session", *_table(rows, right=set(range(3, 3 + ncat + 2)))]
    top = max((p.per_category.get(c.key, 0) for p in points for c in CATEGORIES), default=0)
    lw = max(len(x) for x in labels)
    for c in CATEGORIES:
        out += ["", f"{c.label} ({c.code})"]
        for label, p in zip(labels, points):
            n = p.per_category.get(c.key, 0)
            out.append(f"  {label:<{lw}}  {bar(n, top, width):<{width + 1}} {n}")
    return "\n".join(out) + "\n"
