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
    AcctmapError,
    AccountList,
    Factor,
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
            out.carried = carry_forward(session, prior)
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


def carry_forward(session: Session, prior: Session) -> int:
    """Copy scores, owners, actions, notes and category overrides for accounts still in the overlap.

    The scoring factors and weights carry over too, and so do the marks of what the partner
    sees (`sharing.carry_marks`: a field the prior kept private stays private, a field it shared
    stays shared; a column new this quarter keeps the default), before any private value is
    carried. Returns how many accounts were carried; the others keep `carried = False`, which
    the UI shows as new.
    """
    carry_marks(session.fields, prior.fields)
    session.scoring.factors = [Factor(f.key, f.label, f.weight, list(f.levels)) for f in prior.scoring.factors]
    session.scoring.top_n = prior.scoring.top_n
    session.icp_notes = session.icp_notes or prior.icp_notes
    old = {a.key: a for a in prior.overlap()}
    carried = 0
    for account in session.overlap():
        before = old.get(account.key)
        if before is None:
            continue
        account.scores = dict(before.scores)
        account.owner = before.owner
        account.next_action = before.next_action
        account.due = before.due
        account.notes = before.notes
        account.action_status = before.action_status
        if before.category_manual:
            account.category, account.category_manual = before.category, True
        account.carried = True
        carried += 1
    return carried
