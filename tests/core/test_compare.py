"""Comparing two sessions of one partnership: account changes, last time's actions, the summary,
the four report formats and the history over several quarters."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date

import pytest

from acctmap_tui.core import compare
from acctmap_tui.core.compare import PartnerMismatch, diff_sessions
from acctmap_tui.core.model import (
    ACTION_DONE,
    ACTION_DROPPED,
    CHURNED,
    CUSTOMER,
    MUTUAL_PROSPECT,
    OPEN_DEAL,
    OURS_CUSTOMER,
    PROSPECT,
    REVIEW,
    SHARED_CUSTOMER,
    THEIRS_CUSTOMER,
)

try:  # tests/core may or may not become a package
    from .compare_factory import Q3, Q4, acct, session
except ImportError:
    from compare_factory import Q3, Q4, acct, session

C, P, D = CUSTOMER, PROSPECT, OPEN_DEAL
PAST_Q3 = date(2026, 9, 30)  # after the Q3 call, before the Q4 call
PAST_Q4 = date(2026, 12, 31)  # after the Q4 call


def quarter_pair():
    """Q3 and Q4 sessions with one account for each kind of change (see the comments)."""
    old = [
        acct("joint.com", "Joint Ventures", P, P),  # -> shared: joint approach closed
        acct("intro.com", "Intro Labs", P, C),  # their customer -> shared: intro converted
        acct("vouch.com", "Vouch Media", C, P),  # our customer -> shared: vouch converted
        acct("churn.com", "Churn Co", C, C),  # shared -> they churned
        acct("steady.com", "Steady State", C, C),  # unchanged
        acct("status.com", "Status Quo", P, P),  # our status prospect -> open deal, same category
        acct("leader.com", "Leader Inc", C, C, priority=20),  # rank 1 -> 2
        acct("prio.com", "Priority Partners", C, C, priority=10),  # priority 10 -> 25, rank 2 -> 1
        acct("assign.com", "Assign Corp", C, P, owner="Dana Reyes", next_action="Intro to VP Eng",
             due=PAST_Q3),  # owner, next action, due, notes all change
        acct("renamed.com", "Foo Widgets", C, C),  # our name changes, same domain
        acct("kestrelfoods.com", "Kestrel Foods", C, C),  # domain changes
        acct("goneaway.com", "Gone Away", C, P, owner="Sam Ito", next_action="Send deck"),
        acct("reviewed.com", "Reviewed Ltd", C, C),  # goes back to review: leaves the overlap
        acct("done.com", "Done Deal", C, P, owner="Dana Reyes", next_action="Send case study"),
        acct("open.com", "Open Door", P, C, owner="Sam Ito", next_action="Book call",
             due=PAST_Q4),
        acct("late.com", "Late Bloom", P, C, owner="Sam Ito", next_action="Ask for intro",
             due=date(2026, 10, 1)),
        acct("dropped.com", "Drop Zone", P, P, owner="Lena Vogt", next_action="Joint webinar"),
        acct("replaced.com", "Replaced Plan", C, P, owner="Lena Vogt", next_action="Ref call",
             action_status=ACTION_DONE),
    ]
    new = [
        acct("joint.com", "Joint Ventures", C, C),
        acct("intro.com", "Intro Labs", C, C),
        acct("vouch.com", "Vouch Media", C, C),
        acct("churn.com", "Churn Co", C, CHURNED),
        acct("steady.com", "Steady State", C, C),
        acct("status.com", "Status Quo", D, P),
        acct("leader.com", "Leader Inc", C, C, priority=20),
        acct("prio.com", "Priority Partners", C, C, priority=25),
        acct("assign.com", "Assign Corp", C, P, owner="Sam Ito", next_action="Joint QBR",
             due=PAST_Q4, notes="met at the summit"),
        acct("renamed.com", "Foobar Widgets", C, C, their_name="Foo Widgets"),
        acct("kestrel-foods.com", "Kestrel Foods Ltd", C, C),
        acct("reviewed.com", "Reviewed Ltd", C, C, decision=REVIEW),
        acct("done.com", "Done Deal", C, P, owner="Dana Reyes", next_action="Send case study",
             action_status=ACTION_DONE),
        acct("open.com", "Open Door", P, C, owner="Sam Ito", next_action="Book call",
             due=PAST_Q4),
        acct("late.com", "Late Bloom", P, C, owner="Sam Ito", next_action="Ask for intro",
             due=date(2026, 10, 1)),
        acct("dropped.com", "Drop Zone", P, P, owner="Lena Vogt", next_action="Joint webinar",
             action_status=ACTION_DROPPED),
        acct("replaced.com", "Replaced Plan", C, P, owner="Lena Vogt", next_action="Case study"),
        acct("fresh.com", "Fresh Start", P, C),  # new in the overlap
        acct("waiting.com", "Waiting Room", C, C, decision=REVIEW),  # not in the overlap
    ]
    return (session(old, day=Q3, title="Q3 mapping", our_size=40, their_size=50),
            session(new, day=Q4, title="Q4 mapping", our_size=44, their_size=50))


@pytest.fixture
def qdiff():
    return diff_sessions(*quarter_pair())


def by_key(d):
    return {a.key: a for a in d.accounts}


def change(d, key, field):
    c = by_key(d)[key].change(field)
    return None if c is None else (c.old, c.new)


# --- accounts ---------------------------------------------------------------------------------


def test_each_account_gets_its_kind(qdiff):
    kinds = {a.key: a.kind for a in qdiff.accounts}
    assert {k for k, v in kinds.items() if v == "new"} == {"fresh.com", "kestrel-foods.com"}
    assert {k for k, v in kinds.items() if v == "gone"} == {
        "goneaway.com", "kestrelfoods.com", "reviewed.com"}
    # leader.com's rank moved only because prio.com's priority rose past it: not its change
    assert {k for k, v in kinds.items() if v == "same"} == {"steady.com", "open.com", "late.com",
                                                          "leader.com"}
    assert "waiting.com" not in kinds  # in review, not in the overlap
    # 18 old overlap accounts: 3 gone, 4 same, the rest changed
    assert qdiff.counts() == {"new": 2, "gone": 3, "changed": 11, "same": 4}


@pytest.mark.parametrize("key, old_cat, movement", [
    ("joint.com", MUTUAL_PROSPECT, "win: joint approach closed"),
    ("intro.com", THEIRS_CUSTOMER, "warm intro converted"),
    ("vouch.com", OURS_CUSTOMER, "vouch converted"),
])
def test_moves_into_shared_customer_are_labelled(qdiff, key, old_cat, movement):
    a = by_key(qdiff)[key]
    assert a.kind == "changed"
    assert a.movement == movement
    assert change(qdiff, key, "category") == (old_cat.label, SHARED_CUSTOMER.label)


def test_move_away_from_shared_customer_is_churn_risk(qdiff):
    a = by_key(qdiff)["churn.com"]
    assert a.movement.startswith("churn risk")
    assert change(qdiff, "churn.com", "category") == (SHARED_CUSTOMER.label, OURS_CUSTOMER.label)
    assert change(qdiff, "churn.com", "their status") == (CUSTOMER, CHURNED)


@pytest.mark.parametrize("old_statuses, new_statuses, movement", [
    ((P, P), (C, P), "our win: now our customer"),
    ((P, P), (P, C), "their win: now their customer"),
    ((C, P), (P, P), "churn risk: no longer our customer"),
    ((P, C), (P, D), "churn risk: no longer their customer"),
])
def test_other_category_moves_are_labelled(old_statuses, new_statuses, movement):
    old = session([acct("x.com", "X", *old_statuses)], day=Q3)
    new = session([acct("x.com", "X", *new_statuses)], day=Q4)
    assert diff_sessions(old, new).accounts[0].movement == movement


def test_status_change_within_a_category_has_no_movement(qdiff):
    a = by_key(qdiff)["status.com"]
    assert a.kind == "changed"
    assert a.movement == ""
    assert change(qdiff, "status.com", "our status") == (PROSPECT, OPEN_DEAL)
    assert a.change("category") is None


def test_priority_and_rank_moves(qdiff):
    assert change(qdiff, "prio.com", "priority") == ("10", "25")
    assert change(qdiff, "prio.com", "rank") == ("2", "1")
    # leader's own fields did not change; its rank moved only because prio.com rose past it,
    # which prio.com's own change reports: leader is unchanged, its ranks are still told
    leader = by_key(qdiff)["leader.com"]
    assert (leader.kind, leader.changes) == ("same", [])
    assert (leader.old_rank, leader.new_rank) == (1, 2)


def test_ranks_moved_by_others_leaving_or_falling_are_not_changes():
    """Audit 16 L5: accounts leaving, or one account falling to the bottom, moved the rank of
    every other one, and each read "changed", burying the real changes. Only the account whose
    own priority moved it is changed, with its rank then and now."""
    scored = {"a.com": 50, "b.com": 40, "c.com": 30, "d.com": 20, "e.com": 10}
    old = session([acct(k, k[0].upper(), C, C, priority=p) for k, p in scored.items()], day=Q3)
    now = {**scored, "c.com": 0}
    del now["a.com"]  # left the overlap: b, d and e each move up one or two
    new = session([acct(k, k[0].upper(), C, C, priority=p) for k, p in now.items()])
    d = diff_sessions(old, new)
    kinds = {a.key: a.kind for a in d.accounts}
    assert kinds == {"a.com": "gone", "b.com": "same", "c.com": "changed", "d.com": "same",
                     "e.com": "same"}
    assert change(d, "c.com", "priority") == ("30", "0")
    assert change(d, "c.com", "rank") == ("3", "4")
    assert d.counts() == {"new": 0, "gone": 1, "changed": 1, "same": 3}


def test_rank_shifts_outside_the_priority_list_are_not_reported(qdiff):
    # every unscored account shifts rank when accounts come and go; none of them is "changed"
    for key in ("steady.com", "open.com", "late.com"):
        assert by_key(qdiff)[key].kind == "same"


def test_owner_next_action_due_and_notes_changes(qdiff):
    assert change(qdiff, "assign.com", "owner") == ("Dana Reyes", "Sam Ito")
    assert change(qdiff, "assign.com", "next action") == ("Intro to VP Eng", "Joint QBR")
    assert change(qdiff, "assign.com", "due") == (PAST_Q3.isoformat(), PAST_Q4.isoformat())
    assert change(qdiff, "assign.com", "notes") == ("", "met at the summit")


def test_action_status_change(qdiff):
    assert change(qdiff, "done.com", "action status") == ("open", "done")
    assert change(qdiff, "dropped.com", "action status") == ("open", "dropped")


def test_renamed_company_on_same_domain_is_a_change_not_gone_and_new(qdiff):
    a = by_key(qdiff)["renamed.com"]
    assert a.kind == "changed"
    assert change(qdiff, "renamed.com", "our name") == ("Foo Widgets", "Foobar Widgets")
    assert a.change("their name") is None


def test_domain_change_is_gone_and_new_with_a_hint_on_both(qdiff):
    gone, new = by_key(qdiff)["kestrelfoods.com"], by_key(qdiff)["kestrel-foods.com"]
    assert (gone.kind, new.kind) == ("gone", "new")
    assert "kestrel-foods.com" in gone.hint and "domain changed" in gone.hint
    assert "kestrelfoods.com" in new.hint and "domain changed" in new.hint
    assert by_key(qdiff)["goneaway.com"].hint == ""
    assert by_key(qdiff)["fresh.com"].hint == ""


def test_one_to_many_pairs_on_one_domain_are_both_compared():
    a1 = acct("multi.com", "Multi A", C, C)
    a2 = acct("multi.com", "Multi B", C, P)
    d = diff_sessions(session([a1, a2], day=Q3), session([acct("multi.com", "Multi A", C, C)]))
    assert d.counts()["same"] == 1
    assert d.counts()["gone"] == 1


# --- actions ----------------------------------------------------------------------------------


def test_actions_from_last_time(qdiff):
    states = {a.key: a.state for a in qdiff.actions}
    assert states == {
        "done.com": "done",  # marked done in Q4
        "replaced.com": "done",  # marked done in Q3, a new action since
        "dropped.com": "dropped",
        "late.com": "overdue",  # due 2026-10-01, still open at the Q4 call
        "assign.com": "overdue",  # due 2026-09-30, not marked done
        "open.com": "open",  # due after the Q4 call
        "goneaway.com": "gone",  # left the overlap with the action open
    }
    late = next(a for a in qdiff.actions if a.key == "late.com")
    assert (late.owner, late.next_action, late.due) == ("Sam Ito", "Ask for intro",
                                                        date(2026, 10, 1))
    assert qdiff.actions[0].state == "overdue"  # what needs chasing comes first


def test_a_done_action_goes_by_one_name_in_the_internal_and_partner_safe_reports():
    """Audit 16 L6: the internal report named a renamed account's action by last session's name
    ("Birchgate Ceramics Inc."), the partner-safe one by this session's: both by this one's, as
    the account's own row is named."""
    old = session([acct("birchgate.com", "Birchgate Ceramics Inc.", P, C, owner="Hana",
                        next_action="Ask for intro", action_status=ACTION_DONE)], day=Q3)
    new = session([acct("birchgate.com", "Birchgate Ceramics", P, C)])
    d = diff_sessions(old, new)
    safe = compare.partner_safe(d, old, new)
    assert [a.name for a in d.actions] == [a.name for a in safe.actions] == [
        d.accounts[0].name] == ["Birchgate Ceramics"]
    for report in (compare.render_text(d), compare.render_text(safe)):
        assert "Birchgate Ceramics Inc." not in report.split("Actions from last time")[1]


def test_an_action_closed_last_time_and_not_carried_is_no_change_of_the_account():
    """Carry-forward leaves a done or dropped action in last quarter: the account then has no
    next action, which read "next action: X -> (none)" (dropped, to the partner too). It stays
    in the list of last session's actions as done or dropped; the account is unchanged."""
    old = session([acct("raven.com", "Raven", C, C, owner="Priya", next_action="Intro to CISO",
                        due=PAST_Q3, action_status=ACTION_DONE),
                   acct("orchid.com", "Orchid", C, C, owner="Hana", next_action="Reference call",
                        action_status=ACTION_DROPPED),
                   acct("kestrel.com", "Kestrel", C, C, owner="Omar", next_action="Joint webinar")],
                  day=Q3)
    new = session([acct("raven.com", "Raven", C, C, owner="Priya"),
                   acct("orchid.com", "Orchid", C, C, owner="Hana"),
                   acct("kestrel.com", "Kestrel", C, C, owner="Omar")])
    d = diff_sessions(old, new)
    for report in (d, compare.partner_safe(d, old, new)):
        assert {a.key: a.kind for a in report.accounts}["raven.com"] == "same"
        assert {a.key: a.kind for a in report.accounts}["orchid.com"] == "same"
    assert {a.key: a.state for a in d.actions} == {"raven.com": "done", "orchid.com": "dropped",
                                                   "kestrel.com": "open"}
    assert change(d, "kestrel.com", "next action") == ("Joint webinar", "")  # an open one, gone


def test_what_a_partner_may_see_of_the_summary_and_the_actions(qdiff):
    """One rule for the partner-safe diff and the share-safe Compare screen, by compared field."""
    def all_but(*private: str):
        return lambda field: field not in private

    action_figures = {compare.ACTIONS_DONE, compare.ACTIONS_OPEN, compare.ACTIONS_OVERDUE}
    assert compare.private_metrics(all_but()) == set()
    for field in ("priority", "owner"):  # counted over the top accounts by priority
        assert compare.private_metrics(all_but(field)) == {compare.ACTIVATION}
    assert compare.private_metrics(all_but("next action")) == {compare.ACTIVATION, *action_figures}
    assert compare.private_metrics(all_but("due")) == action_figures
    assert SHARED_CUSTOMER.label in compare.private_metrics(all_but("category"))
    metrics = [r[0] for r in compare.shareable_summary(qdiff.summary, all_but("priority")).rows]
    assert compare.ACTIVATION not in metrics and compare.OVERLAP_TOTAL in metrics
    assert compare.shareable_actions(qdiff.actions, all_but("action status")) == []
    safe = compare.shareable_actions(qdiff.actions, all_but("owner", "due"))
    assert [a.next_action for a in safe] == [a.next_action for a in qdiff.actions]
    assert {a.owner for a in safe} == {""} and {a.due for a in safe} == {None}


def test_dropped_last_time_stays_dropped_and_open_without_due_is_open():
    old = [acct("a.com", "A", C, P, next_action="x", action_status=ACTION_DROPPED),
           acct("b.com", "B", C, P, next_action="y")]
    new = [acct("a.com", "A", C, P, next_action="x"), acct("b.com", "B", C, P, next_action="y")]
    d = diff_sessions(session(old, day=Q3), session(new))
    assert {a.key: a.state for a in d.actions} == {"a.com": "dropped", "b.com": "open"}


# --- partner check ----------------------------------------------------------------------------


def test_sessions_of_different_partners_are_refused():
    old = session([acct("a.com", "A", C, C)], day=Q3, partner="Globex")
    new = session([acct("a.com", "A", C, C)], partner="Initech")
    with pytest.raises(PartnerMismatch) as err:
        diff_sessions(old, new)
    assert "Globex" in str(err.value) and "Initech" in str(err.value)
    assert "--force" in str(err.value)


def test_different_own_company_is_refused():
    old = session([], day=Q3, ours="Northwind")
    new = session([], ours="Contoso")
    with pytest.raises(PartnerMismatch, match="Contoso"):
        diff_sessions(old, new)


def test_force_compares_different_partners():
    old = session([acct("a.com", "A", P, C)], day=Q3, partner="Globex")
    new = session([acct("a.com", "A", C, C)], partner="Initech")
    d = diff_sessions(old, new, force=True)
    assert d.accounts[0].movement == "warm intro converted"


def test_partner_names_are_compared_normalized():
    old = session([acct("a.com", "A", C, C)], day=Q3, partner="Globex Inc.", ours="Northwind")
    new = session([acct("a.com", "A", C, C)], partner="GLOBEX", ours="Northwind, Ltd")
    assert diff_sessions(old, new).counts()["same"] == 1


# --- summary ----------------------------------------------------------------------------------


def summary_pair():
    """Q3: 3 shared, 1 vouch, 2 intro, 1 joint (7); Q4: 4 shared (e converted), 1 vouch,
    1 intro, 2 joint (h is new) = 8. Top 4 by priority: a, b, c, d in both."""
    old = [
        acct("a.com", "A", C, C, priority=30, owner="Dana", next_action="QBR", due=PAST_Q3),
        acct("b.com", "B", C, C, priority=25, owner="Sam"),
        acct("c.com", "C", C, C, priority=20, owner="Lena", next_action="Case",
             action_status=ACTION_DONE),
        acct("d.com", "D", C, P, priority=15),
        acct("e.com", "E", P, C, priority=10, owner="Sam", next_action="Intro",
             due=date(2026, 7, 1)),
        acct("f.com", "F", P, C),
        acct("g.com", "G", P, P),
        acct("r.com", "R", C, C, decision=REVIEW),
    ]
    new = [
        acct("a.com", "A", C, C, priority=30, owner="Dana", next_action="QBR", due=PAST_Q3,
             action_status=ACTION_DONE),
        acct("b.com", "B", C, C, priority=25, owner="Sam", next_action="Demo", due=PAST_Q4),
        acct("c.com", "C", C, C, priority=20, owner="Lena", next_action="Case",
             action_status=ACTION_DONE),
        acct("d.com", "D", C, P, priority=15),
        acct("e.com", "E", C, C, priority=10, owner="Sam", next_action="Intro",
             due=date(2026, 7, 1)),
        acct("f.com", "F", P, C),
        acct("g.com", "G", P, P),
        acct("h.com", "H", D, P),
    ]
    return (session(old, day=Q3, our_size=20, their_size=28, top_n=4),
            session(new, day=Q4, our_size=20, their_size=32, top_n=4))


def test_summary_counts_per_category_and_total():
    s = diff_sessions(*summary_pair()).summary
    assert s.row(SHARED_CUSTOMER.label) == (SHARED_CUSTOMER.label, 3, 4, 1)
    assert s.row(OURS_CUSTOMER.label)[1:] == (1, 1, 0)
    assert s.row(THEIRS_CUSTOMER.label)[1:] == (2, 1, -1)
    assert s.row(MUTUAL_PROSPECT.label)[1:] == (1, 2, 1)
    assert s.row(compare.OVERLAP_TOTAL)[1:] == (7, 8, 1)


def test_summary_overlap_rates_per_side():
    s = diff_sessions(*summary_pair()).summary
    assert s.row(compare.RATE_OURS)[1:] == (35.0, 40.0, 5.0)  # 7/20, 8/20
    assert s.row(compare.RATE_PARTNER)[1:] == (25.0, 25.0, 0.0)  # 7/28, 8/32


def test_overlap_rate_is_zero_when_list_size_unknown():
    d = diff_sessions(session([acct("a.com", "A", C, C)], day=Q3),
                      session([acct("a.com", "A", C, C)]))
    assert d.summary.row(compare.RATE_OURS)[1:] == (0.0, 0.0, 0.0)


def test_summary_activation_rate_of_top_n():
    s = diff_sessions(*summary_pair()).summary
    # Q3: of a, b, c, d only a and c have owner and next action; Q4: a, b, c
    assert s.row(compare.ACTIVATION)[1:] == (50.0, 75.0, 25.0)


def test_a_diff_sorts_each_session_by_priority_once_per_question(monkeypatch):
    """The ranks and the priority (top-N) accounts come from one sort of the overlap; the
    summary's activation rate asks the priority accounts the diff has already (it sorted both
    sessions a third time: 0.03 s of a 20,000-account diff)."""
    from acctmap_tui.core import score

    sorted_by_priority: list[object] = []
    ranked = score.ranked

    def counted(session, shows=None):
        sorted_by_priority.append(session)
        return ranked(session, shows)

    monkeypatch.setattr(score, "ranked", counted)
    monkeypatch.setattr(compare, "ranked", counted)
    old, new = summary_pair()
    s = diff_sessions(old, new).summary
    assert s.row(compare.ACTIVATION)[1:] == (50.0, 75.0, 25.0)
    # one sort gives both the ranks and the priority accounts
    assert [sorted_by_priority.count(x) for x in (old, new)] == [1, 1]


def test_summary_counts_last_sessions_actions_then_and_now():
    """One set of actions, last session's, as the list of them counts it: read aloud, the
    summary's "overdue" and the list's never differ (the summary counted each session's own
    actions: "2 overdue" above a list of "3 overdue")."""
    d = diff_sessions(*summary_pair())
    s = d.summary
    # Q3 (Aug 20): c done; a due Sep 30 open; e due Jul 1 overdue.
    # by Q4 (Nov 25): a, c done; e still overdue (b's new Demo is this session's, not last's)
    assert s.row(compare.ACTIONS_DONE)[1:] == (1, 2, 1)
    assert s.row(compare.ACTIONS_OPEN)[1:] == (1, 0, -1)
    assert s.row(compare.ACTIONS_OVERDUE)[1:] == (1, 1, 0)
    for metric, state in ((compare.ACTIONS_DONE, "done"), (compare.ACTIONS_OPEN, "open"),
                          (compare.ACTIONS_OVERDUE, "overdue")):
        assert s.row(metric)[2] == d.action_counts()[state]
        assert metric.startswith("Last session's actions")  # whose, where it is read


def test_an_action_the_new_session_lost_counts_overdue_in_the_summary_too():
    """Audit 16 M4: an open action last session agreed, gone from this session's account (no
    next action now), is overdue in the list of last session's actions and in the summary."""
    old = session([acct("k.com", "Kestrel", C, C, owner="Omar", next_action="Webinar",
                        due=date(2026, 10, 1)),
                   acct("s.com", "Summit", C, C, owner="Hana", next_action="Event",
                        due=date(2026, 10, 10))], day=Q3)
    new = session([acct("k.com", "Kestrel", C, C),
                   acct("s.com", "Summit", C, C, owner="Hana", next_action="Event",
                        due=date(2026, 10, 10))], day=Q4)
    d = diff_sessions(old, new)
    assert d.action_counts()["overdue"] == 2
    assert d.summary.row(compare.ACTIONS_OVERDUE)[1:] == (0, 2, 2)
    text = compare.render_text(d)
    row = next(line.split() for line in text.splitlines() if "actions overdue" in line)
    assert row == ["Last", "session's", "actions", "overdue", "0", "2", "+2"]
    assert "Actions from last time: 2 overdue" in text


# --- renderers --------------------------------------------------------------------------------


def test_text_report_shows_old_to_new(qdiff):
    text = compare.render_text(qdiff)
    assert "owner: Dana Reyes -> Sam Ito" in text
    assert f"category: {MUTUAL_PROSPECT.label} -> {SHARED_CUSTOMER.label}" in text
    assert "win: joint approach closed" in text
    assert "+++ fresh.com" in text and "--- goneaway.com" in text
    assert "Q3 mapping" in text and "Q4 mapping" in text
    assert "steady.com" not in text  # unchanged accounts are counted, not listed
    assert "overdue" in text and "Ask for intro" in text


def test_markdown_report_shows_old_to_new(qdiff):
    md = compare.render_markdown(qdiff)
    assert "owner: Dana Reyes -> Sam Ito" in md
    assert "our name: Foo Widgets -> Foobar Widgets" in md
    # shared in Q3: churn, steady, leader, prio, renamed, kestrel, reviewed (7); in Q4 churn and
    # reviewed leave, joint, intro and vouch convert, kestrel-foods comes (8)
    assert f"| {SHARED_CUSTOMER.label} | 7 | 8 | +1 |" in md
    assert "## New in the overlap (2)" in md and "## Gone from the overlap (3)" in md


def test_markdown_report_keeps_a_multi_line_note_in_its_table_row():
    """Notes typed with Windows line ends ("\r\n") or a lone "\r" used to leave a carriage return
    in the cell: the table row broke in two. Markdown is escaped by one rule (export.md_cell)."""
    note = "call after QBR\r\nbudget | timing\rsecond line"
    old = session([acct("a.com", "Acme", C, C, owner="Dana")], day=Q3, title="Q3")
    new = session([acct("a.com", "Acme", C, C, owner="Dana", notes=note)], title="Q4")
    md = compare.render_markdown(diff_sessions(old, new))
    assert "\r" not in md
    row = next(line for line in md.splitlines() if line.startswith("| a.com"))
    assert row.endswith("|") and "budget \\| timing" in row
    assert row.count("<br>") == 2


def test_ranks_follow_the_pair_not_the_object():
    """A session compared with a copy of itself (other objects, same pairs) shows no rank moves."""
    accounts = [acct(f"r{i}.com", f"R {i}", C, C, priority=30 - i) for i in range(20)]
    old = session(accounts, day=Q3, title="Q3")
    new = session(copy.deepcopy(accounts), title="Q4")
    d = diff_sessions(old, new)
    assert d.counts()["changed"] == 0
    assert {a.key: a.new_rank for a in d.accounts} == {f"r{i}.com": i + 1 for i in range(20)}


def test_csv_report_is_daff_like(qdiff):
    rows = list(csv.DictReader(io.StringIO(compare.render_csv(qdiff))))
    by = {r["key"]: r for r in rows}
    assert set(by) == {a.key for a in qdiff.accounts if a.kind != "same"}
    assert by["fresh.com"]["@@"] == "+++"
    assert by["goneaway.com"]["@@"] == "---"
    assert by["goneaway.com"]["next action"] == "Send deck"  # gone rows keep the old values
    assert by["assign.com"]["@@"] == "->"
    assert by["assign.com"]["owner"] == "Dana Reyes->Sam Ito"
    assert by["assign.com"]["our status"] == CUSTOMER  # unchanged cell: plain value
    assert by["prio.com"]["priority"] == "10->25"
    assert "domain changed" in by["kestrel-foods.com"]["hint"]


def test_json_report_round_trips(qdiff):
    doc = json.loads(compare.render_json(qdiff))
    assert doc["counts"] == qdiff.counts()
    acc = {a["key"]: a for a in doc["accounts"]}
    assert {"field": "owner", "old": "Dana Reyes", "new": "Sam Ito"} in acc["assign.com"]["changes"]
    assert acc["fresh.com"]["old"] is None and acc["fresh.com"]["new"]["category"]
    assert {a["key"]: a["state"] for a in doc["actions"]}["goneaway.com"] == "gone"
    total = next(r for r in doc["summary"] if r["metric"] == compare.OVERLAP_TOTAL)
    assert (total["old"], total["new"]) == (18, 17)  # 18 - 3 gone + 2 new


# --- history ----------------------------------------------------------------------------------


def _shared(n: int, prefix: str):
    return [acct(f"{prefix}{i}.com", f"{prefix} {i}", C, C) for i in range(n)]


def test_history_is_sorted_by_date_with_counts():
    q2 = session(_shared(2, "s") + [acct("j.com", "J", P, P)], day=date(2026, 5, 20), title="Q2")
    q3 = session(_shared(3, "s") + [acct("i.com", "I", P, C)], day=Q3, title="Q3")
    q4 = session(_shared(5, "s"), day=Q4, title="Q4")
    points = compare.history([q4, q2, q3])
    assert [p.title for p in points] == ["Q2", "Q3", "Q4"]
    assert [p.per_category[SHARED_CUSTOMER.key] for p in points] == [2, 3, 5]
    assert [p.per_category[MUTUAL_PROSPECT.key] for p in points] == [1, 0, 0]
    assert [p.overlap for p in points] == [3, 4, 5]
    assert [p.quarter for p in points] == ["2026-Q2", "2026-Q3", "2026-Q4"]


def test_render_history_bars_grow_with_counts():
    sessions = [session(_shared(n, "s"), day=day, title=t)
                for n, day, t in ((5, Q4, "Q4"), (2, date(2026, 5, 20), "Q2"), (3, Q3, "Q3"))]
    text = compare.render_history(compare.history(sessions))
    assert text.index("Q2") < text.index("Q3") < text.index("Q4")
    section = text.split(SHARED_CUSTOMER.label, 1)[1].split("\n\n", 1)[0]
    bars = [line for line in section.splitlines() if line.strip().startswith("2026-Q")]
    lengths = [len(line.split()[1]) for line in bars]
    assert [line.split()[0] for line in bars] == ["2026-Q2", "2026-Q3", "2026-Q4"]
    assert lengths[0] < lengths[1] < lengths[2]
    assert all(line.split()[-1] == str(n) for line, n in zip(bars, (2, 3, 5)))
