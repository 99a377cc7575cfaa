"""The whole agenda on the bundled demo, by keyboard only: first key to saved TOML and back."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.cli import demo_session
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import ACCEPTED, REJECTED
from acctmap_tui.core.score import priority_accounts
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.assign import AssignScreen
from acctmap_tui.screens.assign_edit import AssignEditScreen
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.review import ReviewScreen

DAY = date(2026, 11, 25)
SIZE = (120, 40)


def demo_workbench() -> Workbench:
    built = demo_session(day=DAY)
    return Workbench(built.session, built.ours, built.theirs)


async def test_one_person_runs_the_agenda_and_finds_everything_after_reopening(sessions_dir: Path):
    wb = demo_workbench()
    session = wb.session
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # 2. review: accept the first queue item, reject the next
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        queue = sorted(session.review_queue(), key=lambda a: -a.match.score)
        first = app.screen.current()
        await pilot.press("a")
        await pilot.pause()
        second = app.screen.current()
        assert first.match.decision == ACCEPTED and second is not first
        await pilot.press("r")
        await pilot.pause()
        assert second.match.decision == REJECTED
        assert len(session.review_queue()) == len(queue) - 2

        # 3. prioritize: score the top row's first factor, straight from the keyboard
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        table = app.screen.query_one("#prio-table")
        while table.cursor_column_key != "f:relationship" and table.cursor_column < 10:
            await pilot.press("right")
        await pilot.press("enter", "3", "down", "enter", "2", "down", "enter", "1")
        await pilot.pause()
        scored = [a for a in session.overlap() if a.priority]
        assert sorted(a.priority for a in scored) == [3, 6, 9]

        # 4. assign (`n` moves the agenda on; 4 would too): the top
        # account gets an owner and a next action; due defaults to two weeks out
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssignEditScreen)
        owner = dialog.query_one("#assign-owner", Input)
        owner.value = "Dana Kowalski"
        dialog.query_one("#assign-action", Input).value = "Joint QBR intro"
        await pilot.press("ctrl+s")
        await pilot.pause()
        top = priority_accounts(session)[0]
        assert (top.owner, top.next_action, top.due) == (
            "Dana Kowalski", "Joint QBR intro", DAY + timedelta(days=14))

        # save: the name is asked once, suggested from companies and quarter
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = sessions_dir / "2026-Q4-northwind-globex.toml"
        assert saved.exists() and not wb.dirty

    again = session_io.load(saved)
    assert again == session
    reopened = {a.pair_id: a for a in again.accounts}
    assert reopened[first.pair_id].match.decision == ACCEPTED
    assert reopened[second.pair_id].match.decision == REJECTED
    assert reopened[top.pair_id].owner == "Dana Kowalski"
    assert again.agenda.current == "assign"


def test_demo_review_screen_snapshot(snap_compare, sessions_dir: Path):
    """The picture the README shows: the demo's review queue with a real conflict in the diff pane."""

    async def go_to_review(pilot):
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(AcctmapApp(demo_workbench(), sessions_dir), terminal_size=SIZE,
                        run_before=go_to_review)


def test_demo_prioritize_screen_snapshot(snap_compare, sessions_dir: Path):
    async def score_some(pilot):
        await pilot.press("3")
        await pilot.pause()
        table = pilot.app.screen.query_one("#prio-table")
        while table.cursor_column_key != "f:relationship" and table.cursor_column < 10:
            await pilot.press("right")
        await pilot.press("enter", "3", "right", "enter", "3", "down", "left", "enter", "2", "right",
                          "enter", "3", "down", "left", "enter", "1", "o")
        await pilot.pause()

    assert snap_compare(AcctmapApp(demo_workbench(), sessions_dir), terminal_size=SIZE,
                        run_before=score_some)
