"""Fields the partner could work out from others stay private with them (audit 10 F1, F2): a
category names both statuses, a play is its category's, an action's status tells which accounts
have a next action. Marked shared, each is kept private while what it tells is private, in the
policy every view, export and diff asks (`sharing.FOLLOWS`)."""

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
    assert not policy.shareable(*PLAY) and policy.kept_private_by(*PLAY) == [CATEGORY]
    assert not policy.column_shareable("category") and not policy.column_shareable("play")
    assert not policy.compared_shareable("category")


def test_a_private_category_keeps_its_play_private_and_a_private_next_action_its_status():
    wb = small_workbench()
    wb.set_shareable(*CATEGORY, False)
    wb.set_shareable(SESSION_SIDE, "next_action", False)
    policy = SharePolicy(wb.session)
    assert not policy.shareable(*PLAY) and policy.kept_private_by(*PLAY) == [CATEGORY]
    assert policy.kept_private_by(*CATEGORY) == []  # private by its own mark
    assert not policy.shareable(*ACTION_STATUS) and not policy.compared_shareable("action status")
    assert policy.kept_private_by(*ACTION_STATUS) == [(SESSION_SIDE, "next_action")]


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
