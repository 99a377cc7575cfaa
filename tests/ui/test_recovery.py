"""Recovery after a crash or a kill, discarding for good, and saving in the background.

A "kill" here is leaving `run_test` without quitting: nothing is cleaned up, as after kill -9.
Writes that must be caught in the middle wait on a threading.Event the test releases.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.widgets import Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.load import LoadRequest
from acctmap_tui.core import atomic
from acctmap_tui.core import session as session_io
from acctmap_tui.screens.dialogs import RestoreDialog, SaveAsDialog, UnsavedChangesDialog
from tests.ui.factory import opened, small_workbench
from tests.ui.test_save_cost import autosave_then_save
from tests.ui.test_shell import _loaded, _write_lists, header

SIZE = (120, 40)


# --- an unsaved new session is found again ---------------------------------------------------------


async def test_a_new_session_with_no_edit_writes_no_recovery_file(tmp_path: Path,
                                                                   sessions_dir: Path) -> None:
    """Opened to look, then the window closed: the next `acctmap new` asked to restore "unsaved
    work" that never was (14 MB a run at 50k, audit 12). The lists make the session again."""
    ours, theirs = _write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs), autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(app)
        await pilot.pause()
        assert app.workbench.dirty and app._autosave_timer is None  # unsaved, nothing to keep
        app.workbench.set_icp_notes("an edit")
        assert app._autosave_timer is not None  # the first edit schedules it
        app._autosave_timer.stop()
    assert not any(sessions_dir.glob("*recovery*"))


async def test_a_new_session_only_looked_at_leaves_no_recovery_file_on_a_crash_or_a_signal(
        tmp_path: Path, sessions_dir: Path) -> None:
    """Phases switched (a change, not an edit), then the terminal closed: SIGHUP's crash write
    left a file the start screen offered as unsaved work holding "0 decisions, 0 owners". After
    an edit it is written; with the edit undone, it is not worth one again."""
    ours, theirs = _write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs), autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(app)
        await pilot.press("2", "3", "1")
        await pilot.pause(0.2)  # an autosave, had the phase switches scheduled one
        assert app.write_crash_recovery() is None
        assert not any(sessions_dir.glob("*recovery*"))
        app.workbench.set_icp_notes("an edit")
        written = app.write_crash_recovery()
        assert written is not None and written.exists()
        app.workbench.undo()
        assert app.write_crash_recovery() is None
        app._drop_undone_recovery()
        assert not written.exists()  # this run's file of work undone


async def test_new_a_b_edit_kill_and_new_a_b_again_offers_the_edit(tmp_path: Path,
                                                                    sessions_dir: Path) -> None:
    ours, theirs = _write_lists(tmp_path)
    first = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs), autosave_delay=0.05)
    async with first.run_test(size=SIZE) as pilot:
        await _loaded(first)
        await pilot.pause()
        first.workbench.set_icp_notes("typed before kill -9")
        first._autosave_due()  # the autosave timer fires
        await first.workers.wait_for_complete([w for w in first.workers if w.group == "autosave"])
        crashed = first.workbench.recovery_file(sessions_dir)
    assert session_io.load(crashed).icp_notes == "typed before kill -9"  # killed: nothing cleaned

    again = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs), autosave_delay=0.05)
    async with again.run_test(size=SIZE) as pilot:
        await _loaded(again)
        await pilot.pause()
        assert isinstance(again.screen, RestoreDialog)
        text = str(again.screen.query_one("#restore-message").render())
        assert "Unsaved work from an earlier session of Northwind × Globex" in text
        again._autosave_due()  # an autosave of the fresh session runs meanwhile...
        await again.workers.wait_for_complete([w for w in again.workers if w.group == "autosave"])
        assert session_io.load(crashed).icp_notes == "typed before kill -9"  # ...and spares it
        await pilot.press("r")
        await pilot.pause()
        assert again.workbench.session.icp_notes == "typed before kill -9"
        assert again.workbench.path is None and again.workbench.dirty
        assert again.workbench.ours is not None  # the lists just read are the same lists
    # the fresh session that gave way left no recovery file of its own
    assert sorted(p.name for p in sessions_dir.glob(".unsaved-*")) == [crashed.name]


async def test_discarding_the_offered_unsaved_work_removes_it(tmp_path: Path, sessions_dir: Path) -> None:
    crashed = small_workbench()
    crashed.set_icp_notes("work nobody wants")
    rec = crashed.autosave(sessions_dir)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        await pilot.press("d")
        await pilot.pause()
        assert app.workbench.session.icp_notes == ""
    assert not rec.exists()
    again = AcctmapApp(small_workbench(), sessions_dir)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(again.screen, RestoreDialog)


async def test_escape_decides_later_and_keeps_the_recovery_file(sessions_dir: Path) -> None:
    crashed = small_workbench()
    crashed.set_icp_notes("maybe later")
    rec = crashed.autosave(sessions_dir)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RestoreDialog)
    assert session_io.load(rec).icp_notes == "maybe later"


# --- recovery files belong to one session ------------------------------------------------------------


async def test_an_unsaved_session_never_restores_into_the_saved_one_of_the_same_name(
        sessions_dir: Path) -> None:
    saved = small_workbench()
    path = sessions_dir / session_io.suggest_filename(saved.session)
    saved.save(path)
    newer = small_workbench()  # a new, unsaved session of the same partnership and quarter
    newer.set_icp_notes("a different, discarded session")
    newer.autosave(sessions_dir)
    later = time.time() + 60
    for rec in sessions_dir.glob(".*.recovery.toml"):
        os.utime(rec, (later, later))
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, RestoreDialog)
        assert app.workbench.session.icp_notes == ""


# --- discard means discard --------------------------------------------------------------------------


async def test_quit_without_saving_removes_the_recovery_file(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("thrown away")
        rec = app.autosave_now()
        assert rec is not None and rec.is_file()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("d")
        await pilot.pause()
    assert not rec.exists()
    assert list(sessions_dir.iterdir()) == []


async def test_quit_without_saving_a_saved_session_removes_its_recovery_file(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    wb.save(path)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("thrown away")
        await pilot.press("q")  # an autosave may be due meanwhile: it must not come back
        await pilot.pause(0.3)
        await pilot.press("d")
        await pilot.pause(0.3)
    assert not session_io.recovery_path(path).exists()
    assert session_io.load(path).icp_notes == ""


async def test_keep_the_saved_session_removes_the_recovery_file(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    wb.save(path)
    wb.set_icp_notes("typed before the crash")
    rec = wb.autosave(sessions_dir)
    later = path.stat().st_mtime + 60
    os.utime(rec, (later, later))
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        await pilot.press("k")
        await pilot.pause()
        assert app.workbench.session.icp_notes == ""
    assert not rec.exists()
    again = AcctmapApp(opened(path), sessions_dir)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(again.screen, RestoreDialog)


async def test_open_without_saving_removes_the_recovery_file(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("thrown away")
        rec = app.autosave_now()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("d")
        await pilot.pause()
        assert not rec.exists()


# --- snapshots on the UI thread, writes in a thread ---------------------------------------------------


@pytest.fixture
def held_writes(monkeypatch: pytest.MonkeyPatch):
    """Session writes wait for `release.set()`; `started` is set when one is waiting."""
    started, release = threading.Event(), threading.Event()
    real = atomic.write_bytes

    def held(path, data, **kw):
        if threading.current_thread() is not threading.main_thread():
            started.set()
            assert release.wait(20), "the test never released the write"
        return real(path, data, **kw)

    monkeypatch.setattr(atomic, "write_bytes", held)
    return started, release


async def test_the_session_is_read_on_the_ui_thread_only(sessions_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    readers: list[str] = []
    real = session_io._document

    def watched(session, inline):
        readers.append(threading.current_thread().name)
        return real(session, inline)

    monkeypatch.setattr(session_io, "_document", watched)
    app = AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        await autosave_then_save(app, pilot, sessions_dir)
    assert len(readers) >= 3
    assert set(readers) == {threading.main_thread().name}


async def test_an_edit_during_the_write_is_not_torn_into_the_file(sessions_dir: Path, held_writes) -> None:
    started, release = held_writes
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE):
        account = wb.session.accounts[0]
        wb.set_field(account, "owner", "Before Snapshot")
        app._autosave_due()  # the timer fires: snapshot now, write in the thread
        assert await _wait(started)
        wb.set_field(account, "owner", "During The Write")
        wb.set_icp_notes("also during the write")
        release.set()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "autosave"])
        written = session_io.load(wb.recovery_file(sessions_dir))
        assert written.accounts[0].owner == "Before Snapshot"
        assert written.icp_notes == ""


async def _wait(event: threading.Event, seconds: float = 10) -> bool:
    import asyncio

    deadline = time.monotonic() + seconds
    while not event.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return event.is_set()


@asynccontextmanager
async def saving(sessions_dir: Path, held_writes, notes: str):
    """A saved session whose ICP notes are edited, then ctrl+s: the write is held (`started` is
    set) until the test sets `release`. Yields (app, pilot, workbench, path, release)."""
    started, release = held_writes
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    wb.save(path)
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes(notes)
        await pilot.press("ctrl+s")
        assert await _wait(started)
        yield app, pilot, wb, path, release


async def test_ctrl_s_writes_in_the_background_and_the_header_says_saving(sessions_dir: Path,
                                                                          held_writes) -> None:
    async with saving(sessions_dir, held_writes, "saved in the background") as (app, pilot, wb,
                                                                                path, release):
        await pilot.pause()
        assert header(app, "saved") == "saving…"
        await pilot.press("p")  # the screen keeps working while the file is written
        await pilot.pause()
        assert app.share_safe and "SHARE-SAFE" in header(app, "privacy")
        release.set()
        await app.wait_for_save()
        await pilot.pause()
        assert header(app, "saved") == "saved"
        assert not wb.dirty
    assert session_io.load(path).icp_notes == "saved in the background"


async def test_an_edit_during_the_save_keeps_the_session_unsaved(sessions_dir: Path, held_writes) -> None:
    async with saving(sessions_dir, held_writes, "in the file") as (app, pilot, wb, path, release):
        wb.set_icp_notes("after the snapshot")
        release.set()
        await app.wait_for_save()
        await pilot.pause()
        assert wb.dirty and header(app, "saved") == "● unsaved"
    assert session_io.load(path).icp_notes == "in the file"


async def test_an_autosave_waiting_for_the_save_is_not_written_after_it(sessions_dir: Path,
                                                                         held_writes) -> None:
    async with saving(sessions_dir, held_writes, "in the file") as (app, pilot, _wb, path, release):
        app._autosave_due()  # the autosave timer fires while the save is being written
        release.set()
        await app.wait_for_save()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "autosave"])
        await pilot.pause()
    assert not session_io.recovery_path(path).exists()  # it would be offered on the next open


async def test_quit_right_after_ctrl_s_waits_for_the_save(sessions_dir: Path, held_writes) -> None:
    async with saving(sessions_dir, held_writes, "must reach the disk") as (app, pilot, _wb, path,
                                                                            release):
        await pilot.press("q")
        await pilot.pause()
        assert not app._exit and not isinstance(app.screen, UnsavedChangesDialog)
        release.set()
        await app.wait_for_save()
        await pilot.pause()
        await pilot.pause()
        assert app._exit
    assert session_io.load(path).icp_notes == "must reach the disk"


async def test_save_and_quit_quits_only_once_the_file_is_written(sessions_dir: Path, held_writes) -> None:
    started, release = held_writes
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("save and quit")
        await pilot.press("q", "s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        name = app.screen.query_one("#save-name", Input).value
        await pilot.press("enter")
        assert await _wait(started)
        await pilot.pause()
        assert not app._exit
        release.set()
        await app.wait_for_save()
        await pilot.pause()
        assert app._exit
    assert session_io.load(sessions_dir / name).icp_notes == "save and quit"
    assert list(sessions_dir.glob(".*recovery.toml")) == []


# --- stale temp files ----------------------------------------------------------------------------------


async def test_opening_a_session_removes_temp_files_a_killed_save_left(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    leftover = sessions_dir / ".call.toml.k1ll3d99.tmp"
    leftover.write_bytes(b"x" * 100_000)
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert not leftover.exists()


# --- an edit undone back to the save ---------------------------------------------------------------


async def test_an_edit_undone_on_a_saved_session_is_saved_again(sessions_dir: Path) -> None:
    """Accept a pair on a saved session, ctrl+z: the header says saved, the recovery file the
    edit's autosave wrote is gone (it would be offered on the next open), quitting asks nothing."""
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    wb.session.agenda.current = "review"
    wb.save(path)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert header(app, "saved") == "saved"
        await pilot.press("a")
        await pilot.pause()
        assert wb.dirty and header(app, "saved") == "● unsaved"
        assert await _wait_for(lambda: session_io.recovery_path(path).exists())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not wb.dirty and header(app, "saved") == "saved"
        assert await _wait_for(lambda: not session_io.recovery_path(path).exists())
        await pilot.press("q")
        await pilot.pause()
        assert app._exit and not isinstance(app.screen, UnsavedChangesDialog)


async def test_undoing_an_edit_the_file_holds_still_asks_and_keeps_the_recovery(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    wb.session.agenda.current = "review"
    app = AcctmapApp(wb, sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        app.save_to(path)
        await app.wait_for_save()
        await pilot.pause()
        assert header(app, "saved") == "saved"
        await pilot.press("ctrl+z")  # the file has the pair accepted
        await pilot.pause()
        assert wb.dirty and header(app, "saved") == "● unsaved"
        assert await _wait_for(lambda: session_io.recovery_path(path).exists())
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("escape")
        await pilot.pause()
    assert session_io.recovery_path(path).exists()


async def _wait_for(condition, seconds: float = 10) -> bool:
    import asyncio

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return condition()
