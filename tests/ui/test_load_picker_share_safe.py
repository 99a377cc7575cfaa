"""The load form's file picker in the share-safe view lists the sessions of the partnership on the
call only, as the Compare picker does: a session's file name names its partner (audit 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DirectoryTree

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.screens.load import LoadScreen
from tests.ui.factory import small_workbench
from tests.ui.test_share_safe_everywhere import screen_lines

SIZE = (100, 30)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder acctmap runs in: a session of this call's partnership (Northwind x Globex), one
    of another partnership, a file that is not a session, and a list."""
    monkeypatch.chdir(tmp_path)
    this = small_workbench().session
    session_io.save(this, tmp_path / "2026-Q3-northwind-globex.toml")
    other = small_workbench().session
    other.partner = "Initech"
    session_io.save(other, tmp_path / "2026-Q3-northwind-initech.toml")
    (tmp_path / "scratch-initech-notes.toml").write_text("not = = a session", encoding="utf-8")
    (tmp_path / "initech_hubspot.csv").write_text("Company name,Website\nAcme,acme.com\n", encoding="utf-8")
    return tmp_path


async def picker_files(app: AcctmapApp, pilot) -> tuple[set[str], str]:
    """ctrl+n's load form: the file names its picker lists, and the picker's title."""
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(app.screen, LoadScreen)
    tree = app.screen.query_one(DirectoryTree)
    for _ in range(50):  # the tree reads the folder in a worker
        await pilot.pause(0.05)
        if tree.root.children:
            break
    names = {str(node.label) for node in tree.root.children}
    return names, str(tree.border_title or "")


async def test_share_safe_picker_lists_only_this_partnerships_sessions(folder: Path) -> None:
    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        app.share_safe = True
        names, title = await picker_files(app, pilot)
        assert "2026-Q3-northwind-globex.toml" in names
        assert "2026-Q3-northwind-initech.toml" not in names
        assert "scratch-initech-notes.toml" not in names  # unreadable: it may be anyone's
        assert "initech_hubspot.csv" in names  # lists are the user's to pick
        assert "other partnerships' sessions not listed" in title
        assert not any("northwind-initech" in line for line in screen_lines(app))


async def test_internal_picker_lists_every_session(folder: Path) -> None:
    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        names, title = await picker_files(app, pilot)
        assert {"2026-Q3-northwind-globex.toml", "2026-Q3-northwind-initech.toml",
                "scratch-initech-notes.toml"} <= names
        assert title == ""


@pytest.mark.parametrize("share_safe", [False, True])
async def test_a_prior_that_is_not_toml_is_not_named_by_file_in_the_share_safe_view(
        folder: Path, share_safe: bool) -> None:
    from tests.ui.factory import write_lists
    from tests.ui.test_load import _fill_and_load

    ours, theirs = write_lists(folder)
    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        app.share_safe = share_safe
        await pilot.press("ctrl+n")
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs),
                             ours_name="Northwind", theirs_name="Globex",
                             prior_path="scratch-initech-notes.toml")
        error = str(app.screen.query_one("#load-error").content)
        assert "not valid TOML" in error, error
        assert ("scratch-initech-notes" in error) is not share_safe, error


async def test_a_fifo_named_like_a_session_is_not_read(folder: Path) -> None:
    """The share-safe picker reads each session's head to know its partnership: a FIFO named
    x.toml would block that read for ever (and the tree with it)."""
    import os

    os.mkfifo(folder / "pipe.toml")
    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        app.share_safe = True
        names, _title = await picker_files(app, pilot)
        assert "2026-Q3-northwind-globex.toml" in names and "pipe.toml" not in names
