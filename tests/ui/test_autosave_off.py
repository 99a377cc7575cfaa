"""A failed autosave is said for as long as it lasts (audit 15, F11): the 10-second toast went, and
nothing on screen said that a crash would now lose the unsaved changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import SessionError
from tests.ui.factory import small_workbench
from tests.ui.test_recovery import _wait_for
from tests.ui.test_shell import header


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Recovery files cannot be written while the list holds True (a full disk, a folder made
    read-only); the session file itself still can."""
    full = [True]
    write = session_io.write_snapshot

    def refusing(snap, path, **kwargs):
        if full[0] and str(path).endswith(session_io.RECOVERY_SUFFIX):
            raise SessionError(f"{path}: cannot write: File too large")
        return write(snap, path, **kwargs)

    monkeypatch.setattr(session_io, "write_snapshot", refusing)
    return full


@pytest.mark.parametrize(("size", "mark"), [((120, 40), "● unsaved · autosave off"),
                                            ((80, 24), "● autosave off")])
async def test_the_header_says_autosave_off_until_an_autosave_works(sessions_dir: Path, full_disk,
                                                                     size, mark: str) -> None:
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    wb.save(path)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=size) as pilot:
        wb.set_icp_notes("full disk")
        assert await _wait_for(lambda: app.autosave_off != "")
        await pilot.pause()
        assert header(app, "saved") == mark
        app.clear_notifications()  # the toast has gone: the mark stays
        wb.set_icp_notes("full disk, still")  # a later failure says nothing new, the mark stays
        await pilot.pause(0.3)
        assert header(app, "saved") == mark
        full_disk[0] = False  # space again: the next autosave works
        wb.set_icp_notes("space again")
        assert await _wait_for(lambda: app.autosave_off == "")
        await pilot.pause()
        assert header(app, "saved") == "● unsaved"
    assert session_io.load(session_io.recovery_path(path)).icp_notes == "space again"
