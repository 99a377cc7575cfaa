"""The load form in the share-safe view: no file picker, since file and folder names name partners
(a session's file, "initech_hubspot.csv", "archive-initech/"; audits 6 and 7); the paths are typed.
A prior session that cannot be read is named "the prior session you gave", not by its file."""

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


async def load_form(app: AcctmapApp, pilot) -> LoadScreen:
    """ctrl+n's load form, its picker (if any) read."""
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(app.screen, LoadScreen)
    for _ in range(50):  # the tree reads the folder in a worker
        trees = app.screen.query(DirectoryTree)
        if not trees or trees.first().root.children:
            break
        await pilot.pause(0.05)
    return app.screen


async def test_the_share_safe_load_form_shows_no_file_names(folder: Path) -> None:
    (folder / "archive-initech").mkdir()
    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        app.share_safe = True
        form = await load_form(app, pilot)
        assert not form.query(DirectoryTree)
        seen = " ".join(" ".join(screen_lines(app)).split())  # the hint wraps beside the buttons
        assert "Type the paths: the file picker is hidden in the" in seen, seen
        assert "initech" not in seen.lower(), seen


async def test_the_internal_load_form_picks_from_every_file(folder: Path) -> None:
    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        form = await load_form(app, pilot)
        names = {str(node.label) for node in form.query_one(DirectoryTree).root.children}
        assert {"2026-Q3-northwind-globex.toml", "2026-Q3-northwind-initech.toml",
                "scratch-initech-notes.toml", "initech_hubspot.csv"} <= names


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


async def test_the_share_safe_exchange_dialog_shows_no_file_names(folder: Path) -> None:
    """ctrl+r from the load form: the private exchange's own file picker, as the form's."""
    from acctmap_tui.screens.psi_dialog import PsiDialog

    app = AcctmapApp(small_workbench(), folder / "sessions", autosave_delay=600)
    async with app.run_test(size=(120, 40)) as pilot:
        app.share_safe = True
        await load_form(app, pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PsiDialog)
        assert not app.screen.query(DirectoryTree)
        seen = " ".join(" ".join(screen_lines(app)).split())
        assert "file picker is hidden" in seen and "initech" not in seen.lower(), seen
