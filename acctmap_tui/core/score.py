"""Priority: a weighted sum of factor levels, and the rank it gives.

Each factor has levels (e.g. Weak / Moderate / Strong) scored 1..n; an unscored factor counts 0.
priority = sum(weight x level). Rank orders the overlap by priority, highest first, ties by name.
"""

from __future__ import annotations

from acctmap_tui.core.model import Account, Factor, Session


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


def ranked(session: Session) -> list[Account]:
    """The overlap, highest priority first (ties broken by account name)."""
    return sorted(session.overlap(), key=lambda a: (-a.priority, a.name.casefold(), a.key))


def ranks(session: Session) -> dict[str, int]:
    """pair_id -> rank (1 = top) over the overlap."""
    return {a.pair_id: i for i, a in enumerate(ranked(session), start=1)}


def planned_accounts(session: Session, top: int | None = None) -> list[Account]:
    """The action list: the first `top` (the session's top N) of the accounts that are scored
    or have an owner or a next action, by rank. Never padded: "top 15" with 4 such accounts
    lists those 4, and an owner given before anything was scored keeps the account listed."""
    top = session.scoring.top_n if top is None else top
    return [a for a in ranked(session) if a.priority > 0 or a.owner or a.next_action][: max(top, 0)]


def in_shown_order(accounts: list[Account], rank_shown: bool) -> list[Account]:
    """Accounts as a view lists them: in rank order, or by name while the rank may not show
    (the order would tell the private priority)."""
    return accounts if rank_shown else sorted(accounts, key=lambda a: (a.name.casefold(), a.pair_id))


def priority_accounts(session: Session) -> list[Account]:
    """The top-N accounts the call assigns owners and actions to.

    Only accounts with a score count: before anything is scored, no account is "priority".
    """
    return [a for a in ranked(session) if a.priority > 0][: session.scoring.top_n]
