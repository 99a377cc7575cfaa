"""From two account lists to a session: match, carry forward, categorize, score.

The CLI and the TUI both start sessions through `new_session`, and refresh one through
`carry_forward`, so the two drivers cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from acctmap_tui.core.bulk import paused_gc
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.ingest import map_status
from acctmap_tui.core.model import (
    ACTION_OPEN,
    REJECTED,
    REVIEW,
    Account,
    AcctmapError,
    AccountList,
    Factor,
    Record,
    Session,
    Source,
    Thresholds,
    quarter,
)
from acctmap_tui.core.privacy import hash_for_matching, likely_key_mismatch
from acctmap_tui.core.score import rescore
from acctmap_tui.core.sharing import carry_marks, default_field_policy, marks_unlike_default

if TYPE_CHECKING:  # the matcher (numpy, rapidfuzz) is imported when a match runs
    from acctmap_tui.core.match import MatchResult

MAX_PROBLEMS_KEPT = 200


@dataclass
class NewSession:
    """A fresh session and what the matcher said about it."""

    session: Session
    result: MatchResult
    ours: AccountList
    theirs: AccountList
    carried: int = 0  # accounts that took owner/action/scores from a prior session
    notes: list[str] = field(default_factory=list)


def source_of(lst: AccountList) -> Source:
    return Source(
        side=lst.side,
        company=lst.company,
        path=lst.path,
        sha256=lst.sha256,
        rows=lst.rows_read,
        accounts=len(lst.records),
        columns=dict(lst.columns),
        problems=[str(p) for p in lst.problems[:MAX_PROBLEMS_KEPT]],
        hashed=lst.hashed,
        status_map=dict(lst.status_map),
    )


def new_session(
    ours: AccountList,
    theirs: AccountList,
    *,
    title: str = "",
    day: date | None = None,
    thresholds: Thresholds | None = None,
    prior: Session | None = None,
    progress: Callable[[float], None] | None = None,
    key: bytes | None = None,
) -> NewSession:
    """Match two lists into a new session; with `prior`, carry its decisions and plans forward.

    When one list is a keyed-hash list, `key` hashes the other side's domains for the match; the
    session keeps each side's own records (our names stay readable, theirs stay hashes).
    """
    with paused_gc():  # matching, categorizing and scoring build a million small objects
        thresholds = thresholds or (prior.thresholds if prior else Thresholds())
        decisions = [a for a in prior.accounts if a.match.decision in ("accepted", "rejected")] if prior else []
        if prior is not None:
            for lst in (ours, theirs):
                _carry_status_words(lst, prior.source(lst.side))
                if lst.company_guessed:  # from the file name: the prior's name is the better
                    lst.company = prior.company(lst.side)
        result = _match(ours, theirs, thresholds, decisions, progress, key)
        day = day or date.today()
        session = Session(
            ours=ours.company,
            partner=theirs.company,
            title=title or f"{ours.company} x {theirs.company} — {quarter(day)} mapping",
            date=day,
            sources=[source_of(ours), source_of(theirs)],
            thresholds=thresholds,
            accounts=result.accounts,
        )
        session.fields = default_field_policy(session)
        out = NewSession(session, result, ours, theirs, notes=list(result.notes))
        if prior is not None:
            out.carried = carry_forward(session, prior, out.notes)
            kept = marks_unlike_default(session)
            if kept:
                out.notes.append(f"What the partner sees is as the prior session had it ({kept})")
        apply_categories(session)
        rescore(session)
        return out


def _carry_status_words(lst: AccountList, prior: Source | None) -> None:
    """Map the status words a person mapped last time (with `m`) on this quarter's list too."""
    if prior is None or not prior.status_map:
        return
    lst.status_map = {**prior.status_map, **lst.status_map}
    for rec in lst.records:
        if rec.status is None and rec.raw_status.strip():
            rec.status = map_status(rec.raw_status, lst.status_map)


def _match(ours: AccountList, theirs: AccountList, thresholds: Thresholds, decisions: list,
           progress: Callable[[float], None] | None, key: bytes | None) -> MatchResult:
    from acctmap_tui.core.match import match_lists

    if ours.hashed == theirs.hashed:
        return match_lists(ours, theirs, thresholds, decisions=decisions, progress=progress)
    plain, hashed = (theirs, ours) if ours.hashed else (ours, theirs)
    if key is None:
        raise AcctmapError(
            f"{hashed.path} is a hashed list: give the shared key (--key-file, or the key file "
            f"field in the app) to hash {plain.path} the same way"
        )
    hashed_plain, originals = hash_for_matching(plain, key)
    pair = (hashed_plain, theirs) if plain is ours else (ours, hashed_plain)
    result = match_lists(*pair, thresholds, decisions=decisions, progress=progress)
    unmatched = result.unmatched_ours if plain is ours else result.unmatched_theirs  # hashed records
    restore = (lambda a: setattr(a, "ours", originals.get(a.ours.domain, a.ours))) if plain is ours \
        else (lambda a: setattr(a, "theirs", originals.get(a.theirs.domain, a.theirs)))
    for account in result.accounts:
        restore(account)
    if plain is ours:
        result.unmatched_ours = [originals.get(r.domain, r) for r in unmatched]
    else:
        result.unmatched_theirs = [originals.get(r.domain, r) for r in unmatched]
    side = "partner" if hashed is theirs else "our"
    result.notes = [n for n in result.notes if "hashed" not in n] + [
        f"the {side} list is hashed: matched on keyed domain hashes only; "
        "fuzzy name matching is not possible"
    ]
    matched = sum(1 for a in result.accounts if a.in_overlap)
    if likely_key_mismatch(*pair, matched):
        result.notes.append(
            "no hashed domain matched at all: the two sides most likely used different keys "
            "(check that both ran `acctmap hash` with the same key file)"
        )
    return result


def carry_forward(session: Session, prior: Session, notes: list[str] | None = None) -> int:
    """Copy last quarter's plan (scores, owner, next action, notes, a category set by hand) onto
    the pairs that are the same account on both sides (`same_pairs`), in the overlap or waiting
    in review, so accepting a pair keeps its plan.

    A category set by hand carries only while both statuses are what they were, and an action
    done or dropped stays last quarter's (`_carry_plan`). The scoring factors and weights carry
    over too, and so do the marks of what the partner sees (`sharing.carry_marks`: a field the
    prior kept private stays private, a field it shared stays shared; a column new this quarter
    keeps the default), before any private value is carried. Returns how many accounts were
    carried; the others keep `carried = False`, which the UI shows as new. `notes` gets what was
    left behind, in counts (no account named: the app may be in the share-safe view).
    """
    carry_marks(session.fields, prior.fields)
    session.scoring.factors = [Factor(f.key, f.label, f.weight, list(f.levels)) for f in prior.scoring.factors]
    session.scoring.top_n = prior.scoring.top_n
    session.icp_notes = session.icp_notes or prior.icp_notes
    pairs, other_partner = same_pairs(session, prior)
    overrides_left = 0
    for before, account in pairs:
        overrides_left += _carry_plan(before, account)
    if notes is not None:
        waiting = sum(1 for _, account in pairs if account.match.decision == REVIEW)
        if waiting:
            notes.append(f"Last quarter's plan waits on {_pairs(waiting)} in review: accepting keeps it")
        if other_partner:
            notes.append(f"Last quarter's plan not carried for {_accounts(other_partner)} now paired with "
                         "another partner record (Compare with the prior session shows that plan)")
        if overrides_left:
            notes.append(f"Category set by hand not carried for {_accounts(overrides_left)} whose "
                         "statuses changed since")
    return len({id(before) for before, _ in pairs})


def same_pairs(session: Session, prior: Session) -> tuple[list[tuple[Account, Account]], int]:
    """(last quarter's pair, this quarter's pair) for each account that is the same on both sides,
    and how many planned accounts of last quarter are paired with another partner record now.

    The same account: our record's key is equal and the partner's record is the same (the same
    key, or the same name key where its domain changed: kestrel-foods.com -> kestrelfoods.com).
    Last quarter's pairs are those of its overlap and those still waiting in review with a
    carried plan; this quarter's are any not rejected (a review pair holds the plan until a
    person decides). A pair takes one plan, and a plan goes to the pairs of its best match (the
    same partner key first).
    """
    now: dict[str, list[Account]] = {}
    for account in session.accounts:
        if account.match.decision != REJECTED:
            now.setdefault(account.ours.key, []).append(account)
    before_all = [a for a in prior.accounts
                  if a.in_overlap or (a.match.decision == REVIEW and a.carried)]
    pairs: list[tuple[Account, Account]] = []
    taken: set[int] = set()
    found: set[int] = set()
    for same in (_same_key, _same_name):
        for before in before_all:
            if id(before) in found:
                continue
            to = [a for a in now.get(before.ours.key, ())
                  if id(a) not in taken and same(before.theirs, a.theirs)]
            if to:
                pairs += [(before, a) for a in to]
                taken.update(map(id, to))
                found.add(id(before))
    other_partner = sum(1 for b in before_all if id(b) not in found and _has_plan(b) and b.ours.key in now)
    return pairs, other_partner


def _same_key(before: Record, now: Record) -> bool:
    return before.key == now.key


def _same_name(before: Record, now: Record) -> bool:
    return bool(before.name_key) and not before.hashed and before.name_key == now.name_key


def _has_plan(account: Account) -> bool:
    return bool(account.scores or account.owner or account.next_action or account.notes
                or account.category_manual)


def _carry_plan(before: Account, account: Account) -> bool:
    """Copy one account's plan; True when its hand-set category is left behind (the statuses it
    overrode changed: Raven is now customer on both sides, a win the override would hide).

    An action done or dropped stays last quarter's (Compare reads it from the prior session):
    it is not this quarter's next action, so Assign and the activation rate do not count it.
    """
    account.scores = dict(before.scores)
    account.owner = before.owner
    account.notes = before.notes
    if before.action_status == ACTION_OPEN:
        account.next_action, account.due = before.next_action, before.due
    account.carried = True
    if not before.category_manual:
        return False
    if (before.ours.status, before.theirs.status) != (account.ours.status, account.theirs.status):
        return True
    account.category, account.category_manual = before.category, True
    return False


def _accounts(n: int) -> str:
    return f"{n} account" if n == 1 else f"{n:,} accounts"


def _pairs(n: int) -> str:
    return f"{n} pair" if n == 1 else f"{n:,} pairs"
