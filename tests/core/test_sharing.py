"""The one share policy and its vocabulary of fields (screen label, export column, compared field)."""

from __future__ import annotations

import pytest

from acctmap_tui.core import compare, export, sharing
from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE, FieldInfo
from acctmap_tui.core.sharing import SharePolicy
from tests.ui.factory import small_workbench


def test_every_export_column_is_governed_by_a_field():
    governed = set(sharing.EXPORT_COLUMN_FIELDS)
    assert governed == set(export.ACTION_COLUMNS + [export.NOTES_COLUMN])
    assert sharing.EXPORT_COLUMN_FIELDS["rank"] == ((SESSION_SIDE, "priority"),)  # it tells priority


def test_every_compared_field_is_governed_by_a_field():
    assert set(sharing.COMPARED_FIELD) == set(compare.FIELDS)
    assert sharing.COMPARED_FIELD["rank"] == (SESSION_SIDE, "priority")  # a rank tells priority


@pytest.mark.parametrize("side,name,shared", [
    (OURS, "name", True), (PARTNER, "domain", True), (PARTNER, "status", True),
    (OURS, "owner", False), (OURS, "Annual Revenue", False),
    (SESSION_SIDE, "next_action", True), (SESSION_SIDE, "action_status", True),
    (SESSION_SIDE, "notes", False), (SESSION_SIDE, "scores", False),
    (SESSION_SIDE, "priority", False), (SESSION_SIDE, "something new", False),
])
def test_default_policy(side, name, shared):
    assert sharing.default_shareable(side, name) is shared


def test_session_marks_override_the_default_everywhere():
    wb = small_workbench()
    session = wb.session
    wb.set_shareable(SESSION_SIDE, "priority", True)
    wb.set_shareable(PARTNER, "status", False)
    policy = SharePolicy(session)
    assert policy.compared_shareable("rank") and policy.compared_shareable("priority")
    assert not policy.compared_shareable("their status") and policy.compared_shareable("our status")
    assert policy.column_shareable("priority") and not policy.column_shareable("their status")
    assert sharing.is_shareable(session, SESSION_SIDE, "priority")
    assert wb.undo() and sharing.is_shareable(session, PARTNER, "status")  # undone: shared again


def test_a_column_needs_only_one_side_shared():
    wb = small_workbench()
    wb.set_shareable(OURS, "name", False)
    assert SharePolicy(wb.session).column_shareable("account")  # their name still shows
    wb.set_shareable(PARTNER, "name", False)
    assert not SharePolicy(wb.session).column_shareable("account")
    assert not SharePolicy(wb.session).column_shareable("rank")  # the priority is private
    wb.set_shareable(SESSION_SIDE, "priority", True)
    assert SharePolicy(wb.session).column_shareable("rank")


def test_labels_people_know_fields_by():
    assert sharing.field_label(OURS, "name") == "Account name"
    assert sharing.field_label(SESSION_SIDE, "owner") == "Owner (who follows up)"
    assert sharing.field_label(SESSION_SIDE, "next_step") == "Next step"
    assert sharing.field_label(PARTNER, "Billing Country") == "Billing Country"


def test_default_field_policy_lists_every_field_once():
    fields = small_workbench().session.fields
    keys = [(f.side, f.name) for f in fields]
    assert len(keys) == len(set(keys))
    assert [f.name for f in fields if f.side == SESSION_SIDE] == list(sharing.CALL_FIELDS)
    extras = [f for f in fields if f.side != SESSION_SIDE and f.name not in sharing.CORE_ROLES
              and f.name != "owner"]
    assert extras and not any(f.shareable for f in extras)
    assert all(isinstance(f, FieldInfo) for f in fields)
