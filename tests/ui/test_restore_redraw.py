"""Restoring a crash's recovery file when the session was opened from the start screen (or the
load form): the phase screen was built for the session as saved before the question came, and
after `r` it kept showing that one; edits typed there went to the old session's accounts and
the next save lost them (call re-audit, F1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.start import start_offer
from acctmap_tui.screens.base import PhaseScreen
from acctmap_tui.screens.dialogs import RestoreDialog
from tests.ui.factory import small_workbench
from tests.ui.test_start_screen import settle

SIZE = (120, 40)
RECOVERED = "Rita Recovered"


def saved_with_crash(folder: Path, phase: str) -> tuple[Path, str]:
    """A session saved on `phase`, and a newer recovery file whose first overlap account has an
    owner the saved file does not: (the session file, that account's pair id)."""
    sessions = folder / "sessions"
    sessions.mkdir()
    wb = small_workbench()
    wb.session.agenda.current = phase
    path = sessions / "call.toml"
    wb.save(path)
    account = wb.session.overlap()[0]
    wb.set_fields(account, owner=RECOVERED)
    recovery = session_io.write_recovery(wb.session, path)
    later = path.stat().st_mtime + 60
    os.utime(recovery, (later, later))
    return path, account.pair_id


@pytest.mark.parametrize("phase", ["icp", "review", "prioritize", "assign"])
async def test_a_restore_after_opening_from_the_start_screen_shows_and_keeps_the_restored_session(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, phase: str) -> None:
    monkeypatch.chdir(tmp_path)
    path, key = saved_with_crash(tmp_path, phase)
    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(tmp_path, "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the newest session
        await settle(pilot)
        assert isinstance(app.screen, RestoreDialog)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PhaseScreen) and screen.workbench is app.workbench
        assert not screen.stale  # drawn for the restored session
        await pilot.press("4")  # Assign: the recovered owner on screen, and an edit that lands
        await settle(pilot)
        assert RECOVERED in str(app.screen.query_one("#assign-table").get_row(key))
        wb = app.workbench
        other = next(a for a in wb.session.overlap() if a.pair_id != key)
        table = app.screen.query_one("#assign-table")
        table.move_cursor(row=table.get_row_index(other.pair_id))
        await pilot.press("o", *"Sam", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await app.wait_for_save()
    saved = {a.pair_id: a.owner for a in session_io.load(path).overlap()}
    assert saved[key] == RECOVERED and saved[other.pair_id] == "Sam"
