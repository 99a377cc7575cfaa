"""Priority: a weighted sum of factor levels, the rank it gives, and the order of a list by name.

Each factor has levels (e.g. Weak / Moderate / Strong) scored 1..n; an unscored factor counts 0.
priority = sum(weight x level). Rank orders the overlap by priority, highest first, ties by name.

"By name" is by the name a view shows (`name_order`): on a shared screen whose names are private,
an order by the real names would tell the hidden names' alphabetical order.

What a partner sees is never chosen by a private priority (`goes_by_priority`): a top N would give
the private order away one account at a time (`--top 1`, `--top 2`, ...), and "scored or planned"
tells which accounts have a priority at all. While the priority is private, a partner-safe list
refuses a top N (`planned_accounts` raises `PRIVATE_TOP`) and lists the whole overlap; the
share-safe Assign list is `shared_plan`: the planned accounts and the first N by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE, Account, AcctmapError, Factor, Session
from acctmap_tui.core.sharing import Shows, account_name, record_name

# What names an account on screen: a row with any of these hidden must not be ordered by them.
IDENTITY_FIELDS = ((OURS, "name"), (PARTNER, "name"), (OURS, "domain"), (PARTNER, "domain"))
Order = Callable[[Account], tuple]


def identity_shown(shows: Shows | None) -> tuple[bool, ...]:
    """Which of IDENTITY_FIELDS a view that `shows(side, field)` shows (all without `shows`):
    what `name_order` and `names_order` go by, so a view makes its order again when it moves."""
    return tuple(shows is None or shows(*f) for f in IDENTITY_FIELDS)


def _identity_as_shown(flags: tuple[bool, ...]) -> Shows:
    """A `shows` that answers `identity_shown`'s `flags` for the name and domain fields (the
    order is made once for a view: it must not change while the view does not)."""
    shown = dict(zip(IDENTITY_FIELDS, flags))
    return lambda side, name: shown.get((side, name), True)


def neutral_key(account: Account, salt: str = "") -> bytes:
    """A stable place for an account that tells nothing of its names or domains: a keyed hash
    of its pair id (which holds the domains, or the name keys of records without one). `salt`:
    the session's id, so no one can work the order out from guessed domains."""
    return hashlib.blake2b(account.pair_id.encode(), key=salt.encode()[:64], digest_size=8).digest()


def name_order(shows: Shows | None = None, salt: str = "") -> Order:
    """Sort key of a list of accounts by name, one name a row (`sharing.account_name`), for a view
    that `shows(side, field)`: by name, identity and pair id while every name and domain shows;
    else by the text shown, then `neutral_key` (ties of placeholders such as "(our name hidden)"
    go neither by the hidden names nor by the pair ids that hold the hidden domains)."""
    flags = identity_shown(shows)
    if all(flags):
        return lambda a: (a.name.casefold(), a.key, a.pair_id)
    fixed = _identity_as_shown(flags)
    return lambda a: (account_name(a, fixed).casefold(), neutral_key(a, salt))


def names_order(shows: Shows | None = None, salt: str = "", neutral: bool = False) -> Order:
    """Sort key of a list of pairs that shows each side's name (`sharing.record_name`), for a
    view that `shows(side, field)`: our name, then theirs, while every name and domain shows; else
    by the two names as shown, then `neutral_key` (see `name_order`). `neutral`: end with
    `neutral_key` while every name and domain shows too (a share-safe order, never the session's,
    which is the matcher's): so it always ends with it, and no caller adds it a second time."""
    flags = identity_shown(shows)
    if all(flags) and neutral:
        return lambda a: (a.name.casefold(), a.theirs.name.casefold(), neutral_key(a, salt))
    if all(flags):
        return lambda a: (a.name.casefold(), a.theirs.name.casefold())
    fixed = _identity_as_shown(flags)
    return lambda a: (record_name(a.ours, OURS, fixed).casefold(),
                      record_name(a.theirs, PARTNER, fixed).casefold(), neutral_key(a, salt))


def priority(account: Account, factors: list[Factor]) -> int:
    """The weighted score of one account."""
    if not account.scores:  # unscored: every level 0 (most accounts of a new session)
        return 0
    return sum(f.weight * f.level(account) for f in factors)


def max_priority(factors: list[Factor]) -> int:
    return sum(f.weight * len(f.levels) for f in factors)


def rescore(session: Session) -> None:
    """Recompute every account's priority from its scores and the session's factors."""
    for account in session.accounts:
        account.priority = priority(account, session.scoring.factors)


def ranked(session: Session, shows: Shows | None = None) -> list[Account]:
    """The overlap, highest priority first, ties by name (`name_order`: as the view that
    `shows(side, field)` shows it)."""
    by_name = name_order(shows, session.session_id)
    return sorted(session.overlap(), key=lambda a: (-a.priority, *by_name(a)))


def ranks(session: Session, order: list[Account] | None = None) -> dict[str, int]:
    """pair_id -> rank (1 = top) over the overlap (`order`: `ranked(session)`, when made)."""
    return {a.pair_id: i for i, a in enumerate(ranked(session) if order is None else order, start=1)}


PRIVATE_TOP = ("--top picks accounts by priority, which is private in this session: mark priority "
               "shared (ctrl+o in the app) or leave out --top")
# the call's fields that make an account "planned", as a partner may see them
PLAN_FIELDS = ("owner", "next_action")


def goes_by_priority(shows: Shows | None) -> bool:
    """May a view or a list that `shows(side, field)` (None: an internal one) choose, cut or order
    accounts by the priority? Only while the priority is shared: a choice by it tells it."""
    return shows is None or shows(SESSION_SIDE, "priority")


def planned_accounts(session: Session, top: int | None = None, shows: Shows | None = None
                     ) -> list[Account]:
    """The action list: the first `top` (the session's top N) of the accounts that are scored
    or have an owner or a next action, by rank (`ranked`, for the view that `shows`). Never
    padded: "top 15" with 4 such accounts lists those 4, and an owner given before anything was
    scored keeps the account listed.

    Refused (AcctmapError `PRIVATE_TOP`) for a view that may not go by the priority
    (`goes_by_priority`): both the cut and "scored" are the private priority."""
    if not goes_by_priority(shows):
        raise AcctmapError(PRIVATE_TOP)
    top = session.scoring.top_n if top is None else top
    return [a for a in ranked(session, shows)
            if a.priority > 0 or a.owner or a.next_action][: max(top, 0)]


def plan_fields_shown(shows: Shows | None) -> tuple[str, ...]:
    """Which of PLAN_FIELDS a view that `shows(side, field)` shows: only they may say an account
    is planned (a row chosen by a private owner would tell which accounts have one)."""
    return tuple(f for f in PLAN_FIELDS if shows is None or shows(SESSION_SIDE, f))


def shared_plan(session: Session, shows: Shows | None, top: int | None = None) -> list[Account]:
    """What a view that may not go by the priority lists to plan on (the share-safe Assign list
    while the priority is private), chosen by what the partner sees, never by the priority:
    every account with an owner or a next action (of those fields the view shows: what was
    planned on the call), and the first `top` (the session's top N) of the overlap by name, to
    work down. By name (`name_order`). Change the priorities: the same accounts, in the same order."""
    top = session.scoring.top_n if top is None else top
    fields = plan_fields_shown(shows)
    overlap = sorted(session.overlap(), key=name_order(shows, session.session_id))
    return [a for i, a in enumerate(overlap)
            if i < top or any(getattr(a, f) for f in fields)]


def in_shown_order(accounts: list[Account], rank_shown: bool, by_name: Order | None = None
                   ) -> list[Account]:
    """Accounts as a view lists them: in rank order, or by name (`by_name`, the view's
    `name_order`) while the rank may not show (the order would tell the private priority)."""
    return accounts if rank_shown else sorted(accounts, key=by_name or name_order())


def priority_accounts(session: Session, order: list[Account] | None = None) -> list[Account]:
    """The top-N accounts the call assigns owners and actions to (`order`: `ranked(session)`,
    when made).

    Only accounts with a score count: before anything is scored, no account is "priority".
    """
    order = ranked(session) if order is None else order
    return [a for a in order if a.priority > 0][: session.scoring.top_n]
