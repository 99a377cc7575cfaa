"""With the due date private, last session's actions never say "overdue" to the partner.

"Overdue" is "open and due before the new session's date": it tells of the due date. The
partner-safe diff (every format) merges it into "open": in each row's state, in the counts and
in the rows' order; so its output is the same whether the hidden due dates are past or future.
With the due date shared, nothing changes.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from acctmap_tui import cli
from acctmap_tui.core import compare
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import SESSION_SIDE as SESSION
from acctmap_tui.core.model import PROSPECT
from acctmap_tui.core.sharing import default_field_policy
from tests.core.compare_factory import Q3, Q4, acct, session

PAST, FUTURE = Q4 - timedelta(days=30), Q4 + timedelta(days=30)
# names in the opposite order of what an "overdue first" order puts them in
NAMES = ("Alpha", "Bravo", "Yankee", "Zulu")
MIXED = (FUTURE, FUTURE, PAST, PAST)  # Yankee and Zulu overdue, Alpha and Bravo open
FORMATS = ("text", "md", "json")  # the CSV lists accounts, not actions


def _sessions(dues: tuple[date, ...], due_private: bool):
    def accounts(with_due: bool):
        return [acct(f"{n.lower()}.com", n, PROSPECT, PROSPECT, owner="Dana",
                     next_action=f"Call {n}", due=d if with_due else None)
                for n, d in zip(NAMES, dues)]

    old = session(accounts(True), day=Q3, our_size=10, their_size=10)
    new = session(accounts(False), day=Q4, our_size=10, their_size=10)
    for s in (old, new):
        s.fields = default_field_policy(s)
        for f in s.fields:
            if (f.side, f.name) == (SESSION, "due"):
                f.shareable = not due_private
    return old, new


def _diff(tmp_path, capsys, fmt: str, dues: tuple[date, ...], due_private: bool = True) -> str:
    old, new = _sessions(dues, due_private)
    a, b = tmp_path / "old.toml", tmp_path / "new.toml"
    session_io.save(old, a)
    session_io.save(new, b)
    assert cli.main(["diff", str(a), str(b), "--format", fmt, "--partner-safe"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", FORMATS)
def test_partner_safe_diff_says_overdue_only_while_due_is_shared(tmp_path, capsys, fmt):
    shared = _diff(tmp_path, capsys, fmt, MIXED, due_private=False)
    out = _diff(tmp_path, capsys, fmt, MIXED)
    assert "overdue" in shared and "overdue" not in out.casefold()
    if fmt == "text":
        assert "Actions from last time: 2 overdue, 2 open, 0 gone, 0 dropped, 0 done" in shared
        assert "Actions from last time: 4 open, 0 gone, 0 dropped, 0 done" in out
    if fmt == "md":
        assert "## Actions from last time (4 open, 0 gone, 0 dropped, 0 done)" in out
    if fmt == "json":
        doc = json.loads(shared)
        assert doc["action_counts"] == {"overdue": 2, "open": 2, "gone": 0, "dropped": 0,
                                        "done": 0}
        assert [(a["name"], a["state"]) for a in doc["actions"]] == [
            ("Yankee", "overdue"), ("Zulu", "overdue"), ("Alpha", "open"), ("Bravo", "open")]
        doc = json.loads(out)
        assert doc["action_counts"] == {"open": 4, "gone": 0, "dropped": 0, "done": 0}
        assert [(a["name"], a["state"], a["due"]) for a in doc["actions"]] == [
            (n, "open", None) for n in NAMES]


@pytest.mark.parametrize("fmt", FORMATS)
def test_partner_safe_diff_is_the_same_for_past_and_future_hidden_due_dates(
        tmp_path, capsys, fmt):
    outs = {_diff(tmp_path, capsys, fmt, dues)
            for dues in (MIXED, (PAST,) * 4, (FUTURE,) * 4, MIXED[::-1])}
    assert len(outs) == 1, "\n----\n".join(outs)


def test_one_rule_for_the_report_and_the_screen():
    """shareable_actions (the screen's and the report's) merges overdue into open by the due
    date's mark, and count_actions counts by the same states."""
    old, new = _sessions(MIXED, due_private=True)
    actions = compare.diff_sessions(old, new).actions
    assert {a.state for a in actions} == {compare.OVERDUE, compare.OPEN}
    hidden = compare.shareable_actions(actions, lambda f: f != "due")
    assert {a.state for a in hidden} == {compare.OPEN} and {a.due for a in hidden} == {None}
    assert compare.count_actions(hidden, False) == {"open": 4, "gone": 0, "dropped": 0, "done": 0}
    shown = compare.shareable_actions(actions, lambda f: True)
    assert [a.state for a in shown] == [a.state for a in actions]
    assert compare.count_actions(shown, True)["overdue"] == 2
    # the report without --partner-safe is for internal use: it tells overdue actions
    d = compare.diff_sessions(old, new)
    assert d.action_counts()["overdue"] == 2 and "2 overdue" in compare.render_text(d)


@pytest.mark.parametrize("fmt", ("text", "md"))
def test_a_private_due_date_is_no_empty_column_of_the_actions_table(tmp_path, capsys, fmt):
    """The partner-safe table of last time's actions left the due date as an empty column; a
    field the report leaves out is no column at all, as in the rest of the report."""
    def header(out: str) -> str:
        lines = out.splitlines()
        at = next(i for i, line in enumerate(lines) if line.casefold().startswith(("## actions",
                                                                                   "actions from")))
        return next(line for line in lines[at + 1:] if line.strip()).casefold()

    shared = header(_diff(tmp_path, capsys, fmt, MIXED, due_private=False))
    private = header(_diff(tmp_path, capsys, fmt, MIXED))
    assert "due" in shared and "next action" in shared
    assert "due" not in private and "next action" in private
