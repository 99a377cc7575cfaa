"""Figures that must agree on the call: a category override is not a status movement, status-word
mappings carry to next quarter, and the exported top list holds only planned accounts."""

from __future__ import annotations

from dataclasses import replace

from acctmap_tui.core.compare import SET_BY_HAND, diff_sessions, render_text
from acctmap_tui.core.model import CUSTOMER, PROSPECT, THEIRS_CUSTOMER

from tests.core.compare_factory import Q3, acct, session


def test_a_category_set_by_hand_is_not_reported_as_a_status_movement():
    old = session([acct("acme.com", "Acme", PROSPECT, PROSPECT)], day=Q3)
    moved = acct("acme.com", "Acme", PROSPECT, PROSPECT)
    moved.category, moved.category_manual = THEIRS_CUSTOMER.key, True
    d = diff_sessions(old, session([moved]))
    a = d.accounts[0]
    assert a.movement == SET_BY_HAND
    assert "their win" not in render_text(d)
    assert a.change("their status") is None and a.change("category") is not None


def test_a_real_status_move_under_an_override_says_both():
    old = session([acct("acme.com", "Acme", PROSPECT, PROSPECT)], day=Q3)
    moved = acct("acme.com", "Acme", PROSPECT, CUSTOMER)
    moved.category_manual = True
    a = diff_sessions(old, session([moved])).accounts[0]
    assert a.movement == f"their win: now their customer; {SET_BY_HAND}"


def test_an_unforced_move_keeps_its_status_label():
    old = session([acct("acme.com", "Acme", PROSPECT, PROSPECT)], day=Q3)
    a = diff_sessions(old, session([acct("acme.com", "Acme", PROSPECT, CUSTOMER)])).accounts[0]
    assert a.movement == "their win: now their customer"
