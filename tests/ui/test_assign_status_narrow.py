"""Assign at 80 columns has no Status column: a row's status other than open shows in the lines
under the table, unless the share-safe view keeps the status private."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from acctmap_tui.core.model import ACTION_DONE, ACTION_DROPPED, SESSION_SIDE
from tests.ui.test_assign import assign_app, go_to, row_of, scored_workbench

NARROW = (80, 24)


def detail(app) -> str:
    return str(app.screen.query_one("#assign-detail", Static).content)


def with_status(status: str):
    """The scored workbench with Deltaworks' action (owner, next action, due) set to `status`."""
    wb = scored_workbench()
    delta = next(a for a in wb.session.overlap() if a.ours.name == "Deltaworks Ltd")
    wb.set_fields(delta, action_status=status)
    return wb


@pytest.mark.parametrize("status", [ACTION_DONE, ACTION_DROPPED])
async def test_at_80_columns_a_done_action_says_so_under_the_table(sessions_dir: Path,
                                                                   status: str) -> None:
    app = assign_app(with_status(status), sessions_dir)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert "action_status" not in row_of(app, "Deltaworks Ltd")  # no Status column here
        await go_to(pilot, "Deltaworks Ltd")
        lines = detail(app).splitlines()
        assert lines[-1].startswith(f"Status: {status}  ·  Next action: Joint demo")


async def test_an_open_action_adds_nothing_under_the_table(sessions_dir: Path) -> None:
    app = assign_app(scored_workbench(), sessions_dir)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await go_to(pilot, "Deltaworks Ltd")
        assert "Status" not in detail(app)
        assert detail(app).splitlines()[-1] == "Next action: Joint demo for their CFO"


async def test_the_share_safe_view_shows_the_status_only_while_it_is_shared(
        sessions_dir: Path) -> None:
    wb = with_status(ACTION_DONE)
    app = assign_app(wb, sessions_dir)
    app.share_safe = True
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await go_to(pilot, "Deltaworks Ltd")
        assert "Status: done" in detail(app)  # the call's plan is shared by default
        wb.set_shareable(SESSION_SIDE, "action_status", False)
        await pilot.pause()
        await go_to(pilot, "Deltaworks Ltd")
        assert "Status" not in detail(app) and ACTION_DONE not in detail(app)
