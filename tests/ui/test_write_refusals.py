"""A file the app will not write is refused in one line, and the call goes on: export to a named
pipe nobody reads (it hung for ever, "Exporting…" and no way out), ctrl+s over a read-only
session or into a named pipe (it replaced the frozen file without a word, or said "saving…" for
ever). The export dialog's hint says what happens to a named pipe or a device: written through."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.dialogs import SaveAsDialog
from acctmap_tui.screens.export_dialog import target_hint
from tests.core.test_atomic_refusals import bind_permissions
from tests.ui.factory import opened, small_workbench
from tests.ui.test_export_in_worker import hint, written
from tests.ui.test_shell import errors
from tests.ui.test_sharing import SIZE, export_to, make_app, open_export

NOBODY_READING = "a named pipe nobody is reading; start the reader first, or give a file"


def _drain(fifo: Path) -> None:
    """Readers from now on (a daemon thread): a writer stuck in open() (before the fix) gets its
    file written, and the app can stop."""
    def read_for_ever() -> None:
        while True:
            with open(fifo, "rb") as fh:
                fh.read()

    threading.Thread(target=read_for_ever, daemon=True).start()


async def _within(seconds: float, done: Callable[[], bool], fifo: Path) -> None:
    """Wait until `done()`, polling: a write stuck in open() cannot be cancelled, so waiting on
    its worker would hang the test too."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            _drain(fifo)
            pytest.fail(f"still writing to {fifo.name} after {seconds} s: it waits for a reader")
        await asyncio.sleep(0.05)


async def test_export_to_a_named_pipe_nobody_reads_says_so_and_the_dialog_goes_on(
        sessions_dir: Path) -> None:
    fifo = sessions_dir / "ff.csv"
    os.mkfifo(fifo)
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        name = dialog.query_one("#export-name", Input)
        name.value = str(fifo)
        await pilot.pause()
        assert hint(dialog) == (f"{fifo} is a named pipe: exporting writes through it (start its "
                                "reader first).")
        await export_to(pilot, fifo, top="")
        await _within(5, lambda: not dialog.exporting, fifo)
        await written(app)
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#export-error", Static).content)
        assert error == f"Could not export: {fifo}: cannot write: {NOBODY_READING}"
        assert name.has_focus and not name.disabled  # to give a file instead
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_hint_says_a_device_is_written_through_and_a_file_replaced(tmp_path: Path) -> None:
    assert target_hint(Path(os.devnull)) == f"{os.devnull} is a device: exporting writes through it."
    path = tmp_path / "a.csv"
    assert target_hint(path) == f"Will write {path}"
    path.write_text("old")
    assert target_hint(path) == f"{path} exists: exporting replaces it."


async def test_ctrl_s_over_a_read_only_session_is_refused_and_keeps_the_edit(
        sessions_dir: Path, monkeypatch) -> None:
    bind_permissions(monkeypatch)  # as root, chmod 444 binds as for any user
    path = sessions_dir / "q3.toml"
    small_workbench().save(path)
    frozen = path.read_bytes()
    path.chmod(0o444)  # last quarter's session, frozen on purpose
    wb = opened(path)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wb.set_icp_notes("over read-only")
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
        assert any(e.startswith(f"Could not save {path}: ") and "the file is read-only" in e
                   for e in errors(app)), errors(app)
        assert not any(f"{path}: {path}" in e for e in errors(app))  # the file named once
        assert wb.dirty and wb.session.icp_notes == "over read-only"
    assert path.read_bytes() == frozen


async def test_save_as_into_a_named_pipe_nobody_reads_is_refused_not_saving_for_ever(
        sessions_dir: Path) -> None:
    fifo = sessions_dir / "pipe.toml"
    os.mkfifo(fifo)
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wb.set_icp_notes("not saved anywhere")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        app.screen.query_one("#save-name", Input).value = "pipe"
        await pilot.pause()
        said = str(app.screen.query_one("#save-hint", Static).content)
        assert said == f"{fifo} is a named pipe: saving writes through it (start its reader first)."
        await pilot.press("enter")  # no "not an acctmap session: replace it?" question
        await pilot.pause()
        await _within(5, lambda: not app.saving, fifo)
        await app.wait_for_save()
        await pilot.pause()
        assert not app.saving
        assert any(e.startswith(f"Could not save {fifo}: ") and NOBODY_READING in e
                   for e in errors(app)), errors(app)
        assert not any(f"{fifo}: {fifo}" in e for e in errors(app))  # the file named once
        assert wb.dirty and wb.path is None  # not counted as saved into the pipe
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
