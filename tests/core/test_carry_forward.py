"""Next quarter's session takes last quarter's plan only where it is the same account on both
sides, keeps a hand-set category only while its statuses stand, and leaves done and dropped
actions with last quarter (audit 16 H1, M1, M2, M3)."""

from datetime import date

from acctmap_tui.core.categorize import apply_categories, categorize
from acctmap_tui.core.compare import DONE, DROPPED, activation_rate, diff_sessions, review_actions
from acctmap_tui.core.model import (
    ACCEPTED,
    ACTION_DONE,
    ACTION_DROPPED,
    ACTION_OPEN,
    AUTO,
    CUSTOMER,
    OPEN_DEAL,
    PROSPECT,
    REJECTED,
    REVIEW,
    Account,
    MatchInfo,
    Record,
)
from acctmap_tui.core.normalize import name_key
from acctmap_tui.core.pipeline import carry_forward
from acctmap_tui.core.score import rescore
from acctmap_tui.core.workbench import Workbench
from tests.core.compare_factory import Q3, session


def record(name: str, domain: str = "", status: str = CUSTOMER) -> Record:
    return Record(name=name, domain=domain, status=status, raw_status=status, name_key=name_key(name))


def pair(ours: Record, theirs: Record, decision: str = AUTO, **plan) -> Account:
    cat = categorize(ours.status, theirs.status)
    return Account(ours, theirs, MatchInfo("domain", 100.0, decision),
                   category=cat.key if cat else None, **plan)


def both(name: str, decision: str = AUTO, **plan) -> Account:
    """A pair of two records of one name at the same domain (name.com)."""
    domain = f"{name.split()[0].lower()}.com"
    return pair(record(name, domain), record(name, domain), decision, **plan)


PLAN = dict(scores={"relationship": 3}, owner="Omar Haddad", next_action="Joint webinar",
            due=date(2026, 10, 1), notes="met their CMO")


def plan_of(a: Account) -> tuple:
    return a.scores, a.owner, a.next_action, a.due, a.notes


def test_a_pair_in_review_because_the_partners_domain_changed_keeps_its_plan_when_accepted():
    """Kestrel Foods: the partner's record moved from kestrel-foods.com to kestrelfoods.com, so
    the pair waits in review; accepting it keeps owner, next action, notes and scores, and
    Compare reports no plan removed."""
    q3 = session([pair(record("Kestrel Foods", "kestrel-foods.com"),
                       record("Kestrel Foods", "kestrel-foods.com", PROSPECT), **PLAN)], day=Q3)
    kestrel = pair(record("Kestrel Foods", "kestrel-foods.com"),
                   record("Kestrel Foods", "kestrelfoods.com", PROSPECT), REVIEW)
    q4 = session([kestrel])

    assert carry_forward(q4, q3) == 1
    assert kestrel.carried and plan_of(kestrel) == plan_of(q3.accounts[0])
    Workbench(q4).accept(kestrel)
    rescore(q3), rescore(q4)
    (d,) = diff_sessions(q3, q4).accounts
    assert {c.field for c in d.changes} <= {"rank"}, d.changes


def test_the_same_partner_key_wins_over_a_namesake_with_another_domain():
    q3 = session([pair(record("Kestrel Foods", "kestrel-foods.com"),
                       record("Kestrel Foods", "kestrel-foods.com"), **PLAN)], day=Q3)
    same = pair(record("Kestrel Foods", "kestrel-foods.com"), record("Kestrel Foods", "kestrel-foods.com"))
    namesake = pair(record("Kestrel Foods", "kestrel-foods.com"),
                    record("Kestrel Foods", "kestrelfoods.com"), REVIEW)
    q4 = session([namesake, same])

    assert carry_forward(q4, q3) == 1
    assert same.owner == "Omar Haddad" and not namesake.owner and not namesake.carried


def test_a_plan_does_not_move_onto_another_partner_record():
    """Summit Outdoor was paired by hand with "Summit Outdoor Gear"; this quarter that row is gone
    and another one, "Summit Outdoor", is paired by name: the plan stays last quarter's."""
    q3 = session([pair(record("Summit Outdoor", "summitoutdoor.com"), record("Summit Outdoor Gear"),
                       ACCEPTED, **PLAN)], day=Q3)
    summit = pair(record("Summit Outdoor", "summitoutdoor.com"), record("Summit Outdoor", status=PROSPECT))
    q4 = session([summit])

    assert carry_forward(q4, q3) == 0
    assert not summit.carried and plan_of(summit) == ({}, "", "", None, "")


def test_what_was_not_carried_is_said_in_counts_without_naming_an_account():
    raven = pair(record("Raven", "raven.com", OPEN_DEAL), record("Raven", "raven.com", PROSPECT), **PLAN)
    raven.category, raven.category_manual = "their-customer-our-prospect", True
    q3 = session([
        pair(record("Summit Outdoor", "summitoutdoor.com"), record("Summit Outdoor Gear"), ACCEPTED, **PLAN),
        both("Kestrel Foods", **PLAN), raven,
    ], day=Q3)
    q4 = session([
        pair(record("Summit Outdoor", "summitoutdoor.com"), record("Summit Outdoor")),
        pair(record("Kestrel Foods", "kestrel.com"), record("Kestrel Foods", "kestrelfoods.com"), REVIEW),
        both("Raven"),
    ])
    notes: list[str] = []

    assert carry_forward(q4, q3, notes) == 2
    assert notes == [
        "Last quarter's plan waits on 1 pair in review: accepting keeps it",
        "Last quarter's plan not carried for 1 account now paired with another partner record "
        "(Compare with the prior session shows that plan)",
        "Category set by hand not carried for 1 account whose statuses changed since",
    ]
    assert not any(name in note for note in notes for name in ("Summit", "Kestrel", "Raven"))


def test_a_rejected_pair_takes_no_plan():
    q3 = session([both("Granite", **PLAN)], day=Q3)
    granite = both("Granite", REJECTED)
    q4 = session([granite])

    assert carry_forward(q4, q3) == 0 and not granite.owner


def test_a_plan_left_waiting_in_review_carries_again_next_quarter():
    """Kestrel's pair was not decided last quarter: the plan it held is not lost a quarter later."""
    held = pair(record("Kestrel Foods", "kestrel-foods.com"), record("Kestrel Foods", "kestrelfoods.com"),
                REVIEW, carried=True, **PLAN)
    q4 = session([held])
    again = pair(record("Kestrel Foods", "kestrel-foods.com"), record("Kestrel Foods", "kestrelfoods.com"),
                 REVIEW)
    q1 = session([again], day=date(2027, 2, 20))

    assert carry_forward(q1, q4) == 1 and plan_of(again) == plan_of(held)


def test_a_category_set_by_hand_carries_only_while_both_statuses_are_what_they_were():
    """Quarry's override (statuses unchanged) stays; Raven's (open deal/prospect set to INTRO,
    both now customers) goes, so the win shows in Compare."""
    quarry_q3 = both("Quarry", **PLAN)
    raven_q3 = pair(record("Raven", "raven.com", OPEN_DEAL), record("Raven", "raven.com", PROSPECT), **PLAN)
    quarry_q3.category, quarry_q3.category_manual = "ours-customer-their-prospect", True
    raven_q3.category, raven_q3.category_manual = "their-customer-our-prospect", True
    q3 = session([quarry_q3, raven_q3], day=Q3)
    quarry, raven = both("Quarry"), both("Raven")
    q4 = session([quarry, raven])

    assert carry_forward(q4, q3) == 2
    apply_categories(q4)
    assert (quarry.category, quarry.category_manual) == ("ours-customer-their-prospect", True)
    assert (raven.category, raven.category_manual) == ("shared-customer", False)
    assert raven.owner == "Omar Haddad"  # the rest of the plan carries
    moved = {d.name: d.movement for d in diff_sessions(q3, q4).accounts}
    assert moved["Raven"].startswith("win: joint approach closed")


def test_done_and_dropped_actions_stay_last_quarters():
    """Raven's action was done and Orchid's dropped: this quarter they start without a next
    action (owner, notes and scores carry), the activation rate counts only Delta's open one,
    and Compare still reads them from last quarter as done and dropped."""
    names = ("Raven", "Orchid", "Delta")
    q3 = session([both(n, action_status=status, **PLAN)
                  for n, status in zip(names, (ACTION_DONE, ACTION_DROPPED, ACTION_OPEN))], day=Q3)
    q4 = session([both(n) for n in names])
    raven, orchid, delta = q4.accounts

    assert carry_forward(q4, q3) == 3
    for a in (raven, orchid):
        assert (a.next_action, a.due, a.action_status) == ("", None, ACTION_OPEN)
        assert (a.owner, a.notes, a.scores) == ("Omar Haddad", "met their CMO", {"relationship": 3})
        assert a.carried
    assert (delta.next_action, delta.due) == ("Joint webinar", date(2026, 10, 1))
    rescore(q4)
    assert activation_rate(q4) == round(100 / 3, 1)
    states = {r.name: r.state for r in review_actions(q3, q4)}
    assert (states["Raven"], states["Orchid"]) == (DONE, DROPPED)
