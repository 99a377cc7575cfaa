"""Weighted priority and rank."""

from acctmap_tui.core.model import AUTO, REVIEW, Account, Factor, MatchInfo, Record, Session
from acctmap_tui.core.score import max_priority, priority, priority_accounts, ranked, ranks, rescore


def _acct(name, decision=AUTO, **scores):
    a = Account(Record(name, f"{name.lower()}.com"), Record(name, f"{name.lower()}.com"),
                MatchInfo("domain", 100.0, decision))
    a.scores = dict(scores)
    return a


def test_priority_is_weighted_sum_of_levels():
    factors = [Factor("a", "A", 3, ["l", "m", "h"]), Factor("b", "B", 1, ["l", "h"])]
    acct = _acct("X", a=2, b=1)
    assert priority(acct, factors) == 3 * 2 + 1 * 1
    assert max_priority(factors) == 3 * 3 + 1 * 2


def test_unscored_and_out_of_range_levels():
    factors = [Factor("a", "A", 2, ["l", "m", "h"])]
    assert priority(_acct("X"), factors) == 0
    assert priority(_acct("Y", a=9), factors) == 6  # clamped to the top level


def test_rank_orders_overlap_by_priority_then_name():
    s = Session("Us", "Them", accounts=[
        _acct("Beta", relationship=1), _acct("Alpha", relationship=1), _acct("Gamma", relationship=3),
        _acct("Queued", decision=REVIEW, relationship=3),
    ])
    rescore(s)
    order = [a.name for a in ranked(s)]
    assert order == ["Gamma", "Alpha", "Beta"]
    r = ranks(s)
    assert r[s.accounts[2].pair_id] == 1 and r[s.accounts[1].pair_id] == 2


def test_priority_accounts_are_scored_top_n():
    s = Session("Us", "Them", accounts=[_acct(f"A{i}", relationship=(i % 3) + 1) for i in range(30)]
                + [_acct("Unscored")])
    s.scoring.top_n = 12
    rescore(s)
    top = priority_accounts(s)
    assert len(top) == 12
    assert all(a.priority > 0 for a in top)
    assert min(a.priority for a in top) >= max(a.priority for a in ranked(s)[12:])
