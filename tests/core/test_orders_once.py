"""Share-safe orders work their keyed hash out once an account: `score.names_order(...,
neutral=True)` ends with `score.neutral_key`, so the review queue (`queue_order`) and the other
candidates (`diff_pane.best_first`) no longer add it after names that end with it already; and
every order is the one it was."""

from __future__ import annotations

from itertools import product

import pytest

from acctmap_tui.core import review_order, score
from acctmap_tui.core.model import CUSTOMER, FLAG_COMMON_NAME, OURS, PARTNER, PROSPECT, Account
from acctmap_tui.core.review_order import _priority, evidence_view, queue_order, review_priority
from acctmap_tui.core.score import IDENTITY_FIELDS, names_order, neutral_key
from acctmap_tui.widgets.diff_pane import best_first
from tests.core.compare_factory import acct

SALT = "a-session"


def pairs() -> list[Account]:
    """Pairs alike in names, scores and flags (ties every order must break the same way), and
    some that differ."""
    out = []
    for n, (ours, theirs, score_) in enumerate([
            ("Acme", "Acme", 90.0), ("Acme", "Acme", 90.0), ("Acme", "ACME Inc", 90.0),
            ("Zeta", "Alpha", 80.0), ("Zeta", "Alpha", 80.0), ("Beta", "Beta", 99.0),
            ("acme", "acme", 90.0), ("Mu", "Mu", 80.0)]):
        a = acct(f"d{n}.com", ours, CUSTOMER, PROSPECT, their_name=theirs)
        a.match.score = score_
        if n % 3 == 0:
            a.match.flags = [FLAG_COMMON_NAME]
        out.append(a)
    return out


def views():
    """The internal view, and the share-safe view with each name and domain shown or hidden."""
    yield None
    for hidden in product([False, True], repeat=4):
        private = {f for f, off in zip(IDENTITY_FIELDS, hidden) if off}
        yield lambda side, name, private=private: (side, name) not in private


def queue_as_before(shows, salt: str):
    """`queue_order` as it was written: the names, then the keyed hash added again."""
    by_names = names_order(shows, salt)
    if shows is None:
        return lambda a: (*review_priority(a), *by_names(a))
    shown = evidence_view(shows)
    return lambda a: (*_priority(shown(a).method, shown(a).score, set(shown(a).flags)),
                      *by_names(a), neutral_key(a, salt))


def best_first_as_before(account, sharing, shows, salt):
    seen = {a.pair_id: a for a in sharing if a.pair_id != account.pair_id}
    if shows is None:
        return sorted(seen.values(), key=lambda a: (-a.match.score, a.name.casefold()))
    shown, by_names = evidence_view(shows), names_order(shows, salt)
    return sorted(seen.values(), key=lambda a: (-(shown(a).score or 0.0), *by_names(a),
                                                neutral_key(a, salt)))


@pytest.mark.parametrize("shows", list(views()))
def test_every_order_is_the_one_it_was(shows):
    accounts = pairs()
    assert sorted(accounts, key=queue_order(shows, SALT)) == \
        sorted(accounts, key=queue_as_before(shows, SALT))
    assert best_first(accounts[0], accounts, shows, SALT) == \
        best_first_as_before(accounts[0], accounts, shows, SALT)


def test_a_share_safe_names_order_ends_with_the_keyed_hash_whatever_shows():
    a = pairs()[0]
    for shows in list(views())[1:]:
        assert names_order(shows, SALT, neutral=True)(a)[-1] == neutral_key(a, SALT)
    assert neutral_key(a, SALT) not in names_order(None, SALT)(a)  # internal: the session's order


@pytest.mark.parametrize("hidden", [(), ((OURS, "name"),), ((OURS, "name"), (PARTNER, "domain"))])
def test_share_safe_orders_hash_each_account_once(monkeypatch, hidden):
    """The queue and the other candidates hashed each pair id twice where a name or domain was
    private (names_order ended with the hash, and they added it again)."""
    hashed: list[str] = []

    def counted(account: Account, salt: str = "") -> bytes:
        hashed.append(account.pair_id)
        return neutral_key(account, salt)

    monkeypatch.setattr(score, "neutral_key", counted)
    monkeypatch.setattr(review_order, "neutral_key", counted, raising=False)
    from acctmap_tui.widgets import diff_pane
    monkeypatch.setattr(diff_pane, "neutral_key", counted, raising=False)

    def shows(side: str, name: str) -> bool:
        return (side, name) not in hidden

    accounts = pairs()
    sorted(accounts, key=queue_order(shows, SALT))
    assert sorted(hashed) == sorted(a.pair_id for a in accounts)
    hashed.clear()
    best_first(accounts[0], accounts, shows, SALT)
    assert sorted(hashed) == sorted(a.pair_id for a in accounts[1:])
