"""Share-safe Assign with the owner (or next action) private: a row's "incomplete" styling and the
count above the table go by the plan fields the partner sees only. They used the hidden owner, so
the italics told which accounts had one (audit 4, Assign's `incomplete`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.core.workbench import Workbench
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.test_assign import assign_app, planned_workbench, status_line


async def shown(wb: Workbench, sessions_dir: Path) -> tuple[list[tuple[str, ...]], str]:
    """Each row's cells as text and style, and the line above the table, share-safe on."""
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()
        table = app.screen.query_one(AccountTable)
        cells = [tuple(f"{c.plain}|{c.style}" for c in table.get_row_at(i))
                 for i in range(table.row_count)]
        return cells, status_line(app)


@pytest.mark.parametrize("private", [("owner",), ("owner", "next_action")])
async def test_a_hidden_owner_does_not_change_how_a_row_looks(sessions_dir: Path, private) -> None:
    plain = planned_workbench((), private=private)
    owned = planned_workbench((), private=private)
    for account in owned.session.overlap():  # every account given an owner nobody may see
        owned.set_fields(account, owner="ZZS Hidden Owner")
    seen_plain, seen_owned = await shown(plain, sessions_dir), await shown(owned, sessions_dir)
    assert seen_plain == seen_owned
    assert "ZZS" not in str(seen_owned)
    if private == ("owner", "next_action"):
        assert "Owner and next action are private" in seen_owned[1]
    else:
        assert "still need a next action" in seen_owned[1]
