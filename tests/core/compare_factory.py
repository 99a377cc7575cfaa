"""Hand-built sessions for the compare tests: no ingest, matcher or TOML needed.

`acct(...)` makes one overlap account from a domain and two statuses (the category follows from the
statuses, as the app computes it); `session(...)` wraps accounts with list sizes for overlap rates.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from acctmap_tui.core.categorize import categorize
from acctmap_tui.core.model import (
    ACTION_OPEN,
    AUTO,
    OURS,
    PARTNER,
    Account,
    MatchInfo,
    Record,
    Scoring,
    Session,
    Source,
)

Q3 = date(2026, 8, 20)
Q4 = date(2026, 11, 25)


def acct(
    domain: str,
    name: str,
    our_status: str,
    their_status: str,
    *,
    their_name: str | None = None,
    priority: int = 0,
    owner: str = "",
    next_action: str = "",
    due: date | None = None,
    notes: str = "",
    action_status: str = ACTION_OPEN,
    decision: str = AUTO,
) -> Account:
    """One account pair matched on `domain` (empty for a name match)."""
    ours = Record(name=name, domain=domain, status=our_status, raw_status=our_status)
    theirs = Record(name=their_name or name, domain=domain, status=their_status,
                    raw_status=their_status)
    cat = categorize(our_status, their_status)
    return Account(
        ours, theirs, MatchInfo("domain" if domain else "name", 100.0, decision),
        category=cat.key if cat else None, priority=priority, owner=owner,
        next_action=next_action, due=due, notes=notes, action_status=action_status,
    )


def session(
    accounts: list[Account],
    *,
    day: date = Q4,
    title: str = "",
    ours: str = "Northwind",
    partner: str = "Globex",
    our_size: int = 0,
    their_size: int = 0,
    top_n: int = 15,
) -> Session:
    """A session of `accounts`; list sizes of 0 mean "unknown" (no source recorded)."""
    sources = []
    if our_size:
        sources.append(Source(OURS, ours, "ours.csv", rows=our_size, accounts=our_size))
    if their_size:
        sources.append(Source(PARTNER, partner, "theirs.csv", rows=their_size,
                              accounts=their_size))
    return Session(
        ours=ours, partner=partner, title=title or f"{ours} x {partner} {day.isoformat()}",
        created=datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc), date=day,
        sources=sources, scoring=Scoring(top_n=top_n), accounts=accounts,
    )
