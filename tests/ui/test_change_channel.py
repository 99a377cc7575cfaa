"""One path from an edit to the screen: one workbench notice per command, one redraw per notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.workbench import Change, ChangeKind
from acctmap_tui.screens.assign_edit import AssignEditScreen
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.review import ReviewScreen
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.factory import small_workbench
from tests.ui.test_assign import assign_app, scored_workbench
from tests.ui.test_review import review_app

SIZE = (120, 40)


def count_calls(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> list[tuple]:
    """Record every call of `cls.name` (the method still runs)."""
    calls: list[tuple] = []
    original = getattr(cls, name)

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counting)
    return calls


async def test_one_score_key_redraws_the_scored_row_once(sessions_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    wb = small_workbench()
    wb.session.agenda.current = "prioritize"
    notices: list[Change] = []
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        listener = wb.on_change
        assert listener is not None
        wb.on_change = lambda change: (notices.append(change), listener(change))
        redraws = count_calls(monkeypatch, PrioritizeScreen, "_after_score")
        await pilot.press("plus")
        await pilot.pause()
        assert [c.kind for c in notices] == [ChangeKind.SCORE]
        assert len(redraws) == 1
        account = app.screen.query_one("#prio-table", AccountTable).cursor_account
        assert account is not None and account.priority == 3  # relationship x3, level 1


async def test_an_assign_dialog_with_three_fields_is_one_change_and_one_redraw(
        sessions_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    notices: list[Change] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listener = wb.on_change
        assert listener is not None
        wb.on_change = lambda change: (notices.append(change), listener(change))
        table = app.screen.query_one("#assign-table", AccountTable)
        account = table.cursor_account
        assert account is not None
        before = (account.owner, account.next_action, account.notes)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssignEditScreen)
        dialog.query_one("#assign-owner", Input).value = "Ada Byron"
        dialog.query_one("#assign-action", Input).value = "Joint QBR"
        dialog.query_one("#assign-notes", Input).value = "met at the summit"
        redraws = count_calls(monkeypatch, AccountTable, "refresh_cells")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (account.owner, account.next_action, account.notes) == (
            "Ada Byron", "Joint QBR", "met at the summit")
        assert [c.kind for c in notices] == [ChangeKind.ASSIGN]
        assert len(redraws) == 1
        wb.undo()  # one undo step takes the whole dialog back
        assert (account.owner, account.next_action, account.notes) == before


async def test_review_rows_are_keyed_by_pair(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.table
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert keys and keys == [screen._accounts[k].pair_id for k in keys]
        assert set(keys) <= {a.pair_id for a in wb.session.accounts}


async def test_the_load_screen_reports_back_by_message(sessions_dir: Path) -> None:
    from acctmap_tui.messages import ListsLoaded, LoadCancelled
    from acctmap_tui.screens.icp import IcpScreen
    from acctmap_tui.screens.load import LoadScreen

    app = AcctmapApp(None, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen) and app.workbench is None
        app.screen.post_message(LoadCancelled())  # nothing open: stays on the form
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        wb = small_workbench()
        app.screen.post_message(ListsLoaded(wb))
        await pilot.pause()
        await pilot.pause()
        assert app.workbench is wb and isinstance(app.screen, IcpScreen)
