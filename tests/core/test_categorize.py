"""Categories from status pairs, and the overlap figures."""

import pytest

from acctmap_tui.core.categorize import apply_categories, bucket, categorize, overlap_figures
from acctmap_tui.core.model import (
    AUTO, CHURNED, CUSTOMER, MUTUAL_PROSPECT, OPEN_DEAL, OURS, OURS_CUSTOMER, PARTNER, PROSPECT,
    REJECTED, REVIEW, SHARED_CUSTOMER, THEIRS_CUSTOMER, Account, MatchInfo, Record, Session, Source,
)


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (CUSTOMER, CUSTOMER, SHARED_CUSTOMER),
        (CUSTOMER, PROSPECT, OURS_CUSTOMER),
        (CUSTOMER, OPEN_DEAL, OURS_CUSTOMER),
        (CUSTOMER, CHURNED, OURS_CUSTOMER),
        (PROSPECT, CUSTOMER, THEIRS_CUSTOMER),
        (OPEN_DEAL, CUSTOMER, THEIRS_CUSTOMER),
        (PROSPECT, PROSPECT, MUTUAL_PROSPECT),
        (OPEN_DEAL, CHURNED, MUTUAL_PROSPECT),
        (CHURNED, PROSPECT, MUTUAL_PROSPECT),
    ],
)
def test_status_pair_gives_category(ours, theirs, expected):
    assert categorize(ours, theirs) is expected


def test_unknown_status_gives_no_category():
    assert categorize(None, CUSTOMER) is None
    assert categorize(CUSTOMER, None) is None


def test_every_category_has_a_distinct_code_and_play():
    cats = [SHARED_CUSTOMER, OURS_CUSTOMER, THEIRS_CUSTOMER, MUTUAL_PROSPECT]
    assert len({c.code for c in cats}) == 4
    assert all(c.play for c in cats)


def _acct(domain, ours, theirs, decision=AUTO):
    return Account(Record(domain.title(), domain, ours), Record(domain.upper(), domain, theirs),
                   MatchInfo("domain", 100.0, decision))


def test_overlap_figures_count_categories_matrix_and_rates():
    accounts = [
        _acct("a.com", CUSTOMER, CUSTOMER),
        _acct("b.com", CUSTOMER, OPEN_DEAL),
        _acct("c.com", PROSPECT, CUSTOMER),
        _acct("d.com", CHURNED, PROSPECT),
        _acct("e.com", None, PROSPECT),
        _acct("f.com", CUSTOMER, CUSTOMER, decision=REVIEW),
        _acct("g.com", CUSTOMER, CUSTOMER, decision=REJECTED),
    ]
    s = Session("Us", "Them", accounts=accounts,
                sources=[Source(OURS, "Us", "u.csv", accounts=10), Source(PARTNER, "Them", "t.csv", accounts=20)])
    apply_categories(s)
    fig = overlap_figures(s)
    assert fig.overlap == 5
    assert fig.review == 1
    assert fig.per_category == {SHARED_CUSTOMER.key: 1, OURS_CUSTOMER.key: 1, THEIRS_CUSTOMER.key: 1,
                                MUTUAL_PROSPECT.key: 1}
    assert fig.uncategorized == 1
    assert fig.win_back == 1
    assert fig.matrix[(CUSTOMER, CUSTOMER)] == 1
    assert fig.matrix[(CUSTOMER, PROSPECT)] == 1
    assert fig.matrix[(PROSPECT, CUSTOMER)] == 1
    assert fig.matrix[(PROSPECT, PROSPECT)] == 1
    assert fig.rate(OURS) == pytest.approx(0.5)
    assert fig.rate(PARTNER) == pytest.approx(0.25)
    assert fig.outside(PARTNER) == 15


def test_manual_category_survives_recategorize():
    a = _acct("a.com", CUSTOMER, CUSTOMER)
    a.category, a.category_manual = MUTUAL_PROSPECT.key, True
    s = Session("Us", "Them", accounts=[a])
    apply_categories(s)
    assert a.category == MUTUAL_PROSPECT.key




def test_apply_categories_gives_each_account_what_categorize_says_of_its_statuses():
    statuses = (CUSTOMER, OPEN_DEAL, PROSPECT, CHURNED, None, "partner")  # "partner": a hand edit
    accounts = [_acct(f"{i}-{j}.com", o, t) for i, o in enumerate(statuses) for j, t in enumerate(statuses)]
    for a in accounts:
        a.category = "stale"
    apply_categories(Session("Us", "Them", accounts=accounts))
    for a in accounts:
        expected = categorize(a.ours.status, a.theirs.status)
        assert a.category == (expected.key if expected else None), (a.ours.status, a.theirs.status)


def test_bucket():
    assert bucket(CUSTOMER) == CUSTOMER
    assert bucket(OPEN_DEAL) == PROSPECT
    assert bucket(CHURNED) == PROSPECT
    assert bucket(None) is None
