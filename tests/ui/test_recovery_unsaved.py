"""Unsaved work a killed new session left (`.unsaved-<id>.recovery.toml`): listed on the start
screen, restored from there, and told apart when a partnership left several (audit 15 F7, F9)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import OptionList

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.start import start_offer
from acctmap_tui.screens.base import PhaseScreen
from acctmap_tui.screens.dialogs import RestoreDialog
from acctmap_tui.screens.start import StartScreen, unsaved_line
from tests.ui.factory import small_workbench, write_lists

SIZE = (100, 30)


def killed(sessions_dir: Path, notes: str, minutes_ago: int, owners: int = 0) -> Path:
    """The recovery file a new session killed after its edits left (an autosave, no save)."""
    wb = small_workbench()
    for account in wb.session.accounts[:owners]:
        account.owner = "Bob B"
    wb.set_icp_notes(notes)
    rec = wb.autosave(sessions_dir)
    assert rec is not None and rec.name.startswith(session_io.UNSAVED_PREFIX)
    past = time.time() - 60 * minutes_ago
    os.utime(rec, (past, past))
    return rec


def message(app: AcctmapApp) -> str:
    return str(app.screen.query_one("#restore-message").render())


async def until(pilot, condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


# --- the start screen lists it (F7) ------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding two lists and, in sessions/, the unsaved work of a killed demo."""
    monkeypatch.chdir(tmp_path)
    write_lists(tmp_path)
    (tmp_path / "sessions").mkdir()
    return tmp_path


def test_the_start_offer_holds_unsaved_work_newest_first(folder: Path, tmp_path: Path) -> None:
    older = killed(folder / "sessions", "first call notes", minutes_ago=30)
    newer = killed(folder / "sessions", "second call notes", minutes_ago=5)
    offer = start_offer(folder, folder / "sessions")
    assert [w.path for w in offer.unsaved] == [newer, older]
    assert offer.unsaved[0].partnership == "Northwind × Globex"
    assert offer.unsaved[0].notes_said == "ICP notes of 3 words"
    alone = tmp_path / "alone"  # no lists, no sessions: the unsaved work alone is worth the screen
    (alone / "sessions").mkdir(parents=True)
    killed(alone / "sessions", "only this", minutes_ago=1)
    assert start_offer(alone, alone / "sessions")


def test_an_unsaved_line_says_the_day_when_not_today_and_never_the_notes_words(folder: Path) -> None:
    """The start screen comes before any session, so before the share-safe view can be on (audit
    17 M2: a screen-shared start showed "G private: PRIVG budget 40k"): the notes are counted."""
    killed(folder / "sessions", "private plans", minutes_ago=0)
    work = start_offer(folder, "sessions").unsaved[0]
    tomorrow = work.autosaved.date() + timedelta(days=1)
    assert f"autosaved {work.autosaved:%Y-%m-%d %H:%M}" in str(unsaved_line(work, tomorrow))
    assert "private plans" not in str(unsaved_line(work))
    assert "ICP notes of 2 words" in str(unsaved_line(work))


async def test_the_start_screen_lists_unsaved_work_and_r_restores_it(folder: Path) -> None:
    rec = killed(folder / "sessions", "typed before kill -9", minutes_ago=0)
    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(folder, "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        listed = app.screen.query_one("#start-list", OptionList)
        line = str(listed.get_option("unsaved:0").prompt)
        stamp = time.strftime("%H:%M", time.localtime(rec.stat().st_mtime))  # today's
        assert f"Northwind × Globex, autosaved {stamp}" in line
        assert "ICP notes of 4 words" in line and "kill" not in line
        assert "r" in {key for key, b in app.screen.active_bindings.items() if b.binding.show}
        await pilot.press("r")
        assert await until(pilot, lambda: isinstance(app.screen, PhaseScreen))
        wb = app.workbench
        assert wb is not None and wb.session.icp_notes == "typed before kill -9"
        assert wb.path is None and wb.dirty  # still unsaved: ctrl+s asks for a name
        assert wb.recovery_file(app.sessions_dir).resolve() == rec.resolve()  # its autosaves go there
        wb.save(folder / "sessions" / "q4.toml")
    assert not rec.exists()  # saved: the unsaved work is in the session file now


# --- several unsaved sessions of one partnership (F9) ------------------------------------------


async def test_the_dialog_says_how_many_and_what_each_holds(sessions_dir: Path) -> None:
    first = killed(sessions_dir, "FIRST crash notes", minutes_ago=20)
    second = killed(sessions_dir, "SECOND crash notes, a longer line that goes on and on", 10,
                    owners=2)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        assert "2 unsaved sessions of Northwind × Globex were found" in message(app)
        assert "discarding it offers the other" in message(app)
        assert "ICP notes of 11 words" in message(app) and "SECOND" not in message(app)
        assert await until(pilot, lambda: "2 owners" in message(app))
        assert "0 decisions, 2 owners, 0 next actions" in message(app)
        await pilot.press("d")  # discard the newest, for good: the other is offered next
        await pilot.pause()
        assert not second.exists() and first.exists()
        assert isinstance(app.screen, RestoreDialog)
        assert "Unsaved work from an earlier session of Northwind × Globex" in message(app)
        assert "ICP notes of 3 words" in message(app) and "FIRST" not in message(app)
        await pilot.press("r")
        await pilot.pause()
        assert app.workbench.session.icp_notes == "FIRST crash notes"
        assert isinstance(app.screen, PhaseScreen)


@pytest.mark.parametrize("share_safe", [False, True])
async def test_the_restore_question_never_shows_the_notes_words(sessions_dir: Path,
                                                               share_safe: bool) -> None:
    """It comes as a session opens, before the share-safe view may be switched on."""
    killed(sessions_dir, "private plans for Acme", minutes_ago=5)
    app = AcctmapApp(small_workbench(), sessions_dir)
    app.share_safe = share_safe
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        assert "ICP notes of 4 words" in message(app)
        assert "private plans" not in message(app)


async def test_keys_typed_before_the_restore_question_do_not_answer_it(sessions_dir: Path,
                                                                       monkeypatch) -> None:
    """ "2 d a" typed while a session loaded: the `d` answered the question that came up meanwhile
    and discarded the unsaved work for good (audit 17 M3). Keys typed once it is asked do."""
    from textual import events

    rec = killed(sessions_dir, "work typed before the kill", minutes_ago=5)
    offer = AcctmapApp._offer_recovery

    def typed_while_loading(app: AcctmapApp) -> bool:
        for character in "2da":  # arrived and held for a screen still mounting
            key = events.Key(character, character)
            app._typed[key] = app._arrived = app._arrived + 1
            app._hold(key)
        return offer(app)

    monkeypatch.setattr(AcctmapApp, "_offer_recovery", typed_while_loading)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(10):
            await pilot.pause()
        assert isinstance(app.screen, RestoreDialog) and rec.exists()
        await pilot.press("r")  # typed once asked: the answer
        assert await until(pilot, lambda: isinstance(app.screen, PhaseScreen))
        assert app.workbench.session.icp_notes == "work typed before the kill"
