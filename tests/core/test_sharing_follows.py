"""Fields that would tell private ones stay private with them (audits 10 F1, F2 and 11 F1, F4):
a category names both statuses and a play its category; our status beside theirs names the
category; an action's status and due date tell which accounts have a next action. Marked shared,
each is kept private while a field it tells is marked private, in the policy every view, export
and diff asks (`sharing.FOLLOWS`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.core import compare, export
from acctmap_tui.core.model import CATEGORIES, OURS, PARTNER, SESSION_SIDE
from acctmap_tui.core.sharing import SharePolicy, default_field_policy
from tests.core.compare_factory import Q3, acct, session
from tests.ui.factory import small_workbench

CATEGORY, PLAY, ACTION_STATUS = ((SESSION_SIDE, n) for n in ("category", "play", "action_status"))


@pytest.mark.parametrize("side", [OURS, PARTNER])
def test_a_private_status_keeps_the_category_and_its_play_private(side):
    wb = small_workbench()
    policy = SharePolicy(wb.session)
    assert policy.shareable(*CATEGORY) and policy.shareable(*PLAY)
    wb.set_shareable(side, "status", False)
    policy = SharePolicy(wb.session)
    assert policy.marked(*CATEGORY) and not policy.shareable(*CATEGORY)
    assert policy.kept_private_by(*CATEGORY) == [(side, "status")]
    assert not policy.shareable(*PLAY) and policy.kept_private_by(*PLAY) == [(side, "status")]
    assert policy.shareable(OURS if side == PARTNER else PARTNER, "status")  # the other stays
    assert not policy.column_shareable("category") and not policy.column_shareable("play")
    assert not policy.compared_shareable("category")


def test_a_private_category_keeps_its_play_and_our_status_private():
    """Our status beside theirs named the category marked private (audit 11 F1); theirs alone,
    the partner's own, tells nothing of it."""
    wb = small_workbench()
    wb.set_shareable(*CATEGORY, False)
    policy = SharePolicy(wb.session)
    assert not policy.shareable(*PLAY) and policy.kept_private_by(*PLAY) == [CATEGORY]
    assert policy.kept_private_by(*CATEGORY) == []  # private by its own mark
    assert not policy.shareable(OURS, "status") and policy.kept_private_by(OURS, "status") == [CATEGORY]
    assert policy.shareable(PARTNER, "status")
    assert not policy.column_shareable("our status") and policy.column_shareable("their status")


def test_a_private_next_action_keeps_its_status_and_due_date_private():
    wb = small_workbench()
    wb.set_shareable(SESSION_SIDE, "next_action", False)
    policy = SharePolicy(wb.session)
    for name, compared in (("action_status", "action status"), ("due", "due")):
        assert not policy.shareable(SESSION_SIDE, name) and not policy.compared_shareable(compared)
        assert policy.kept_private_by(SESSION_SIDE, name) == [(SESSION_SIDE, "next_action")]
    assert policy.shareable(SESSION_SIDE, "owner")  # who follows up is a choice of its own


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_a_partner_safe_list_holds_no_category_or_play_while_our_status_is_private(tmp_path: Path, fmt):
    wb = small_workbench()
    wb.set_shareable(OURS, "status", False)
    path = export.write_export(wb.session, tmp_path / f"list.{fmt}", fmt, partner_safe=True)
    text = path.read_text(encoding="utf-8").lower()
    for cat in CATEGORIES:  # "We vouch: ..." with their status shared told our status
        assert cat.play.lower() not in text and cat.label.lower() not in text, cat
    header = next(line for line in text.splitlines() if "account" in line)
    assert "play" not in header and "category" not in header
    assert "their status" in header  # shared: it tells nothing of ours


def test_a_partner_safe_diff_tells_no_action_status_while_the_next_action_is_private():
    old = session([acct(f"a{n}.com", f"A{n}", "customer", "prospect") for n in range(6)], day=Q3)
    new = session([acct(f"a{n}.com", f"A{n}", "customer", "prospect",
                        next_action="Intro call" if n < 2 else "") for n in range(6)])
    for s in (old, new):
        s.fields = default_field_policy(s)
        for f in s.fields:
            if (f.side, f.name) == (SESSION_SIDE, "next_action"):
                f.shareable = False
    internal = compare.diff_sessions(old, new)
    assert "action status" in compare.render_text(internal)  # the two accounts given an action
    safe = compare.partner_safe(internal, old, new)
    for render in (compare.render_text, compare.render_markdown, compare.render_csv,
                   compare.render_json):
        assert "action status" not in render(safe).lower(), render
