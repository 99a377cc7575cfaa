"""Quitting with the Assign editor open: what was typed in it is not lost without a question
(audit 9: ctrl+q quit at once, and "Save and quit" wrote the file without it)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import SESSION_SIDE
from acctmap_tui.screens.assign_edit import AssignEditScreen
from acctmap_tui.screens.dialogs import UnsavedChangesDialog
from tests.ui.test_clock_unsaved import question, saved_workbench

SIZE = (100, 30)


async def open_editor_and_type(app: AcctmapApp, pilot, owner: str, action: str = "",
                               due: str | None = None) -> AssignEditScreen:
    """Assign, enter on the first row, then the owner (and next action, due) typed."""
    await pilot.press("4")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, AssignEditScreen)
    await pilot.press(*owner)
    if action:
        await pilot.press("tab", *action)
    if due is not None:
        editor.query_one("#assign-due", Input).value = due
    await pilot.pause()
    return editor


def plan_saved(path: Path) -> list[tuple[str, str]]:
    return [(a.owner, a.next_action) for a in session_io.load(path).accounts if a.owner or a.next_action]


async def test_ctrl_q_asks_and_save_and_quit_writes_what_the_editor_holds(sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    before = plan_saved(path)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_type(app, pilot, "Kim Lee", "Webinar invite")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app._exit and isinstance(app.screen, UnsavedChangesDialog)
        assert question(app) == ("This session has unsaved changes: the owner and next action "
                                 f"typed for {editor.pair} in the open editor.")
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._exit
    assert plan_saved(path) == before + [("Kim Lee", "Webinar invite")]


async def test_quit_without_saving_leaves_the_file_and_esc_goes_back_to_the_editor(
        sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    before = plan_saved(path)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_type(app, pilot, "Kim Lee")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("escape")  # not quitting after all: the editor, as typed
        await pilot.pause()
        assert app.screen is editor and not app._exit
        assert editor.query_one("#assign-owner", Input).value.startswith("Kim Lee")
        assert not wb.dirty  # nothing applied by the question
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert app._exit
    assert plan_saved(path) == before


async def test_a_due_date_that_does_not_read_keeps_the_editor_open_and_nothing_is_saved(
        sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    before = path.read_bytes()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_type(app, pilot, "Kim Lee", due="someday soon")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "typed for" in question(app)
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is editor and not app._exit
        assert "⚠" in str(editor.query_one("#assign-error").content)
    assert path.read_bytes() == before


async def test_the_question_names_the_session_edits_and_what_the_editor_holds(sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_shareable(SESSION_SIDE, "notes", True)  # an edit of the session, unsaved
        editor = await open_editor_and_type(app, pilot, "Kim Lee")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert question(app) == ("This session has unsaved changes, and the owner typed for "
                                 f"{editor.pair} in the open editor.")


async def test_an_editor_open_with_nothing_typed_does_not_ask(sessions_dir: Path) -> None:
    wb, _ = saved_workbench(sessions_dir)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        await open_editor_and_type(app, pilot, "")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit


async def test_the_scoring_factors_being_edited_are_asked_about_and_saved(sessions_dir: Path) -> None:
    from acctmap_tui.screens.prioritize_weights import FactorsScreen

    wb, path = saved_workbench(sessions_dir)
    weights = [f.weight for f in wb.session.scoring.factors]
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, FactorsScreen)
        await pilot.press("+")  # the first factor's weight, one up
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert question(app) == ("This session has unsaved changes: the scoring factors being "
                                 "edited.")
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._exit
    assert [f.weight for f in session_io.load(path).scoring.factors] == [weights[0] + 1, *weights[1:]]
