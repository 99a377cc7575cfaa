"""A partner-safe Compare report says what it leaves out, never a blank or a zero that reads as
"none": last session's actions when they are private (audit 11 F3), a private column of the new
and gone accounts (F5); and the history's figures of each session follow that session's marks (F2).
"""

from __future__ import annotations

import json

import pytest

from acctmap_tui.core.compare import (
    ACTIVATION, diff_sessions, history, partner_safe, render_json, render_markdown, render_text,
)
from acctmap_tui.core.model import CATEGORIES, CUSTOMER, PROSPECT, SESSION_SIDE
from acctmap_tui.core.sharing import SharePolicy
from tests.core.compare_factory import Q3, Q4, acct, session
from tests.core.test_compare_policy import marked, sessions

NEXT_ACTION = (SESSION_SIDE, "next_action")


@pytest.mark.parametrize("which", ["old", "new"])
def test_private_actions_are_said_private_not_none(which: str) -> None:
    """Five actions agreed last time, the next action private in one session: the report says
    the actions are private, not "0 open" or "no next actions were agreed"."""
    old, new = sessions(5)
    marked(old if which == "old" else new, NEXT_ACTION)
    d = diff_sessions(old, new)
    assert len(d.actions) == 5
    safe = partner_safe(d, old, new)

    text = render_text(safe)
    assert "Actions from last time: private, left out of the partner-safe report" in text
    assert "0 open" not in text and "0 done" not in text

    md = render_markdown(safe)
    assert ("## Actions from last time\n\nLast session's actions are private: the partner-safe "
            "report leaves them out.") in md
    assert "No next actions were agreed last time." not in md and "0 open" not in md

    doc = json.loads(render_json(safe))
    assert doc["actions_private"] is True
    assert doc["action_counts"] is None and doc["actions"] is None


def test_shared_actions_are_counted_as_before() -> None:
    old, new = sessions(5)
    safe = partner_safe(diff_sessions(old, new), old, new)
    assert "Actions from last time: 0 overdue, 5 open" in render_text(safe)
    doc = json.loads(render_json(safe))
    assert doc["actions_private"] is False and doc["action_counts"]["open"] == 5
    assert len(doc["actions"]) == 5
    # the internal report, with the actions private, still lists them
    marked(new, NEXT_ACTION)
    doc = json.loads(render_json(diff_sessions(old, new)))
    assert doc["actions_private"] is False and len(doc["actions"]) == 5


def _with_new_and_gone(*private: tuple[str, str]):
    """An account gone and one new (each with an owner and a next action), both sessions with
    these fields private."""
    keep = acct("kept.com", "Kept Co", CUSTOMER, CUSTOMER)
    gone = acct("gone.com", "Gone Co", CUSTOMER, PROSPECT, owner="Dana", next_action="call")
    new = acct("new.com", "New Co", PROSPECT, CUSTOMER, owner="Sam", next_action="demo")
    old_s = marked(session([keep, gone], day=Q3), *private)
    new_s = marked(session([acct("kept.com", "Kept Co", CUSTOMER, CUSTOMER), new], day=Q4),
                   *private)
    return partner_safe(diff_sessions(old_s, new_s), old_s, new_s)


@pytest.mark.parametrize("private, left_out", [
    ((SESSION_SIDE, "category"), "Category"),
    ((SESSION_SIDE, "owner"), "Owner"),
    (NEXT_ACTION, "Next action"),
])
def test_markdown_leaves_a_private_column_of_new_and_gone_accounts_out(private, left_out):
    md = render_markdown(_with_new_and_gone(private))
    heads = [line for line in md.splitlines() if line.startswith("| Key | Account")]
    assert len(heads) == 2  # new, gone
    for head in heads:
        assert left_out not in head, head
        assert "Hint" in head
    rows = [line for line in md.splitlines() if line.startswith(("| new.com", "| gone.com"))]
    assert len(rows) == 2
    assert all(row.count("|") == heads[0].count("|") for row in rows), rows


def test_markdown_keeps_the_shared_columns():
    md = render_markdown(_with_new_and_gone())
    assert "| Key | Account | Category | Owner | Next action | Hint |" in md
    assert "| new.com | New Co | Their customer / our prospect | Sam | demo |  |" in md


def test_text_says_no_owner_of_a_new_account_where_the_owner_is_private():
    """"owner: (none)" reads as nobody assigned, when the owner is only private."""
    text = render_text(_with_new_and_gone((SESSION_SIDE, "owner")))
    line = next(line for line in text.splitlines() if "New Co" in line)
    assert "owner" not in line and "next action: demo" in line


def test_a_history_point_hides_what_its_session_keeps_private() -> None:
    """The chart's figures of a session follow its own marks (the summary's rule)."""
    old, new = sessions(3)
    marked(old, (SESSION_SIDE, "category"))
    marked(new, (SESSION_SIDE, "priority"))  # the default too: no activation rate
    points = history([new, old], lambda s: SharePolicy(s).shareable)
    categories = {c.label for c in CATEGORIES}
    assert [p.date for p in points] == [Q3, Q4]
    assert categories <= points[0].hidden and ACTIVATION in points[0].hidden
    assert not categories & points[1].hidden and ACTIVATION in points[1].hidden
    assert all(not p.hidden for p in history([old, new]))  # nothing asked, nothing hidden
