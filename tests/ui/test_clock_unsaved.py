"""Leaving a saved session after the call clock ran: its minutes are not lost without a question."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.dialogs import UnsavedChangesDialog
from acctmap_tui.screens.load import LoadScreen
from tests.ui.factory import opened, small_workbench
from tests.ui.test_share_safe_everywhere import screen_lines

SIZE = (100, 30)


def saved_workbench(sessions_dir: Path) -> tuple[Workbench, Path]:
    """A session opened from its file, as `acctmap S.toml` opens one."""
    path = sessions_dir / "northwind-globex.toml"
    small_workbench().save(path)
    return opened(path), path


def clock_app(wb: Workbench, sessions_dir: Path) -> AcctmapApp:
    """The app on `wb`, its clock moved by `run_clock` only, no autosave mid-test."""
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    app.CLOCK_TICK_S = 3600
    return app


def run_clock(app: AcctmapApp, seconds: int) -> None:
    app.clock_running = True
    for _ in range(seconds):
        app.clock_tick()


def question(app: AcctmapApp) -> str:
    return str(app.screen.query_one("#unsaved-message", Static).content)


async def test_quit_asks_when_the_clock_ran_a_minute_since_the_save_and_s_keeps_it(sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    before = sum(session_io.load(path).agenda.elapsed_s.values())
    app = clock_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        run_clock(app, 130)
        assert not wb.dirty  # the clock is not an edit: no unsaved mark in the header
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        assert question(app) == "This session ran the call clock 2 min since it was last saved."
        # the header says "saved" (no edit is unsaved): the question says what is not
        assert "Call clock not saved" in "\n".join(screen_lines(app))
        assert "Unsaved changes" not in "\n".join(screen_lines(app))
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._exit
    assert sum(session_io.load(path).agenda.elapsed_s.values()) == before + 130


async def test_quit_does_not_ask_for_seconds_after_the_save(sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    app = clock_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        run_clock(app, 300)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        run_clock(app, 45)  # the save, then a goodbye
        await pilot.press("q")
        await pilot.pause()
        assert app._exit
        assert not isinstance(app.screen, UnsavedChangesDialog)


async def test_discarding_the_clock_minutes_leaves_the_file_as_saved(sessions_dir: Path) -> None:
    wb, path = saved_workbench(sessions_dir)
    saved = path.read_bytes()
    app = clock_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        run_clock(app, 60)
        await pilot.press("q")
        await pilot.pause()
        assert "1 min" in question(app)
        await pilot.press("d")
        await pilot.pause()
        assert app._exit
    assert path.read_bytes() == saved


async def test_opening_new_lists_asks_about_the_clock_minutes_too(sessions_dir: Path) -> None:
    wb, _path = saved_workbench(sessions_dir)
    app = clock_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        run_clock(app, 61 * 3)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        assert question(app) == ("Opening new lists closes this session, which ran the call clock 3 min "
                                 "since it was last saved.")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)


async def test_edits_are_asked_about_as_before(sessions_dir: Path) -> None:
    wb, _path = saved_workbench(sessions_dir)
    app = clock_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        run_clock(app, 600)
        wb.set_icp_notes("mid-market only")
        await pilot.press("q")
        await pilot.pause()
        assert question(app) == "This session has unsaved changes."
