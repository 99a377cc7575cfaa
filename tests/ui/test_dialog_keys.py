"""The keys of a dialog: what its footer offers is what works there.

A dialog (a modal screen) gets every key that is not a priority binding, so the app's keys
(`5` Compare, `q` Quit, `?` Help, ctrl+s ...) and those of the screen under it do nothing while it
is up: the footer under it does not offer them. The phase keys `1`-`4` are the one exception a
dialog may make, by its class (`Dialog.PHASE_KEYS_LEAVE`): Compare's picker and account view close
on them and go to that phase; on every other dialog they do nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import REVIEW
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.compare_account import CompareAccountScreen
from acctmap_tui.screens.compare_pick import ComparePickScreen
from acctmap_tui.screens.dialogs import Dialog, UnsavedChangesDialog
from acctmap_tui.widgets.agenda_header import AgendaFooter
from tests.ui.factory import small_workbench
from tests.ui.test_compare import choose, make_app, open_compare, settle
from tests.ui.test_footers import shown_keys

SIZE = (80, 24)
# What the footer of the Compare screen offers (each works there), and none of it under a dialog;
# before an earlier session is chosen, the keys that act on a comparison are not offered.
COMPARE_KEYS = ["c Choose earlier", "f Filter", "a Actions", "12345 Phase", "^s Save", "^z Undo",
                "? Help", "q Quit"]
NOTHING_CHOSEN_KEYS = [key for key in COMPARE_KEYS if key not in ("f Filter", "a Actions")]


def footer(app: AcctmapApp) -> list[str]:
    """The keys the footer on screen offers (the one of the phase screen under a dialog)."""
    return shown_keys(app.screen_stack[0].query_one(AgendaFooter))


async def open_dialog(pilot, which: str) -> None:
    """Compare's session picker, or (an earlier session chosen) its account dialog."""
    await open_compare(pilot)
    if which == "account":
        await choose(pilot, pilot.app, "2026-08-20")
        await pilot.press("enter")
        await settle(pilot)
    assert isinstance(pilot.app.screen,
                      CompareAccountScreen if which == "account" else ComparePickScreen)


@pytest.mark.parametrize("which", ["picker", "account"])
async def test_compares_dialogs_offer_only_the_phase_keys_they_take(sessions_dir: Path,
                                                                    which: str) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, which)
        dialog, compare = app.screen, app.screen_stack[0]
        assert isinstance(compare, CompareScreen)
        assert footer(app) == ["1234 Phase"], footer(app)
        # `5`, `?`, ctrl+s, ctrl+z and the Compare screen's `c` and `f` do nothing here
        for key in ("5", "question_mark", "ctrl+s", "ctrl+z", "c", "f"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is dialog and app.screen_stack == [compare, dialog], key
        assert compare.view.filter == "all" and app.workbench.path is None
        await pilot.press("q")  # the account view closes on it; the picker ignores it
        await settle(pilot)
        assert not app._exit
        assert (app.screen is dialog) == (which == "picker")
        if which == "picker":
            await pilot.press("escape")
            await settle(pilot)
        assert app.screen is compare
        # back on the screen: all of them again (f and a once a session is chosen)
        expected = COMPARE_KEYS if which == "account" else NOTHING_CHOSEN_KEYS
        assert footer(app) == expected, footer(app)


async def test_a_dialog_that_keeps_the_phase_keys_offers_no_key_of_the_app(
        sessions_dir: Path) -> None:
    """The unsaved-changes question: `1`, `5`, `q` and `?` do nothing, and the footer says none."""
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("escape")
        await settle(pilot)
        wb = app.workbench
        wb.reject(next(a for a in wb.session.accounts if a.match.decision == REVIEW))
        assert wb.dirty
        await pilot.press("q")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, UnsavedChangesDialog)
        assert footer(app) == [], footer(app)
        for key in ("1", "5", "q", "question_mark", "c"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is dialog and app.current_mode == "compare" and not app._exit, key
        await pilot.press("escape")
        await settle(pilot)
        assert footer(app) == NOTHING_CHOSEN_KEYS, footer(app)


class Leaves(Dialog[str]):
    PHASE_KEYS_LEAVE = True

    def compose(self) -> ComposeResult:
        yield Static("leaves on a phase key")


class Stays(Dialog[str]):
    def compose(self) -> ComposeResult:
        yield Static("stays on a phase key")


@pytest.mark.parametrize("dialog_class", [Leaves, Stays])
async def test_the_dialogs_class_decides_whether_a_phase_key_leaves_it(
        sessions_dir: Path, dialog_class: type[Dialog]) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        results: list[str | None] = []
        app.push_screen(dialog_class(), results.append)
        await pilot.pause()
        leaves = dialog_class is Leaves
        keys = footer(app)
        assert ("1234 Phase" in keys) == leaves, keys
        assert not {"12345 Phase", "5 Compare", "q Quit", "? Help", "^s Save"} & set(keys), keys
        await pilot.press("2")
        await pilot.pause()
        if leaves:  # closed, as esc would close it, and on the review phase
            assert results == [None] and not isinstance(app.screen, Dialog)
            assert app.current_mode == "review" and app.workbench.session.agenda.current == "review"
        else:
            assert isinstance(app.screen, Stays) and not results and app.current_mode == "icp"
        await pilot.press("5")  # Compare: on no dialog
        await pilot.pause()
        assert isinstance(app.screen, Stays) if not leaves else app.current_mode == "compare"


async def test_ctrl_q_still_quits_over_a_dialog(sessions_dir: Path) -> None:
    """`q` and ctrl+q are two actions: q is not offered under a dialog, ctrl+q quits from it."""
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, "picker")
        assert not app.workbench.dirty
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit
