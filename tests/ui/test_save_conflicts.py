"""Saving over work that is not this window's (audit 15): the session file changed on disk since it
was opened (another acctmap, an editor: F1), and a first save onto the quarter's file name that
holds another session (F2).
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Input, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.screens.dialogs import (
    ChangedOnDiskDialog,
    RestoreDialog,
    SaveAsDialog,
    UnsavedChangesDialog,
)
from tests.ui.factory import opened, small_workbench

SIZE = (120, 40)


def saved_elsewhere(path: Path, notes: str) -> None:
    """Another acctmap open on the same file saves it."""
    other = opened(path)
    other.set_icp_notes(notes)
    other.save()


def hint(app: AcctmapApp) -> str:
    return str(app.screen.query_one("#save-hint", Static).render())


async def test_ctrl_s_over_a_file_another_window_saved_asks_and_cancel_keeps_it(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        saved_elsewhere(path, "Call from A")
        app.workbench.set_icp_notes("Owner from B")
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
        assert isinstance(app.screen, ChangedOnDiskDialog)
        text = str(app.screen.query_one("#changed-message").render())
        assert f"{path} changed on disk since you opened it" in text
        assert "another acctmap or an editor saved it" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.workbench.dirty  # nothing saved, the edit still here
    assert session_io.load(path).icp_notes == "Call from A"


async def test_overwrite_writes_this_window_and_later_saves_need_no_question(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        saved_elsewhere(path, "Call from A")
        app.workbench.set_icp_notes("Owner from B")
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
        await pilot.press("o")
        await app.wait_for_save()
        await pilot.pause()
        assert session_io.load(path).icp_notes == "Owner from B"
        app.workbench.set_icp_notes("again")
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
        assert not isinstance(app.screen, ChangedOnDiskDialog)
    assert session_io.load(path).icp_notes == "again"


async def test_save_as_keeps_both_files(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        path.write_text(path.read_text() + "\n# edited by hand\n")
        app.workbench.set_icp_notes("Owner from B")
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        assert app.screen.query_one("#save-name", Input).value == "call-2.toml"
        await pilot.press("enter")
        await app.wait_for_save()
        await pilot.pause()
        assert app.workbench.path == sessions_dir / "call-2.toml"
    assert path.read_text().endswith("# edited by hand\n")
    assert session_io.load(sessions_dir / "call-2.toml").icp_notes == "Owner from B"


async def test_save_and_quit_over_a_changed_file_asks_and_cancel_does_not_quit(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        saved_elsewhere(path, "Call from A")
        app.workbench.set_icp_notes("Owner from B")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("s")
        await app.wait_for_save()
        await pilot.pause()
        assert isinstance(app.screen, ChangedOnDiskDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not app._exit
        await pilot.press("q", "s")
        await app.wait_for_save()
        await pilot.pause()
        await pilot.press("o")  # overwrite: saved, then it quits
        await app.wait_for_save()
        await pilot.pause()
        assert app._exit
    assert session_io.load(path).icp_notes == "Owner from B"


async def test_a_save_keeps_the_recovery_file_of_the_other_window(sessions_dir: Path) -> None:
    """B autosaved its unsaved work; A's ctrl+s removed it, and B killed lost it; the next open
    offers it though it is older than A's save."""
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    b = opened(path)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        b.set_icp_notes("B unsaved work")
        rec = b.autosave(sessions_dir)
        app.workbench.set_field(app.workbench.session.accounts[0], "owner", "A owner")
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
    assert session_io.load(rec).icp_notes == "B unsaved work"
    os.utime(rec, (path.stat().st_mtime - 60,) * 2)  # B's autosave came before A's save
    again = AcctmapApp(opened(path), sessions_dir)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, RestoreDialog)
        assert "may hold unsaved work of another acctmap" in str(
            again.screen.query_one("#restore-message").render())
        await pilot.press("r")
        await pilot.pause()
        assert again.workbench.session.icp_notes == "B unsaved work"


# --- F2: the quarter's name holds another session --------------------------------------------------


def another_session_at(sessions_dir: Path) -> Path:
    """A worked session of the same quarter and partners, saved under the usual name."""
    earlier = small_workbench()
    for account in earlier.session.accounts[:3]:
        earlier.set_fields(account, owner="Bob B", next_action="B action")
    path = sessions_dir / session_io.suggest_filename(earlier.session)
    earlier.save(path)
    return path


async def test_first_save_suggests_a_free_name_when_the_quarters_is_taken(sessions_dir: Path) -> None:
    taken = another_session_at(sessions_dir)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.workbench.set_icp_notes("second call")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        assert app.screen.query_one("#save-name", Input).value == f"{taken.stem}-2.toml"
        await pilot.press("enter")
        await app.wait_for_save()
        await pilot.pause()
    assert session_io.load(taken).accounts[0].owner == "Bob B"
    assert session_io.load(taken.with_name(f"{taken.stem}-2.toml")).icp_notes == "second call"


async def test_a_name_holding_another_session_is_replaced_only_on_a_second_enter(sessions_dir: Path) -> None:
    taken = another_session_at(sessions_dir)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.workbench.set_icp_notes("second call")
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one("#save-name", Input)
        field.value = taken.name
        await pilot.press("enter")
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)  # asked, nothing written
        said = hint(app)
        assert f"{taken} holds another session" in said
        assert "Northwind x Globex" in said and "3 owners, 3 next actions" in said
        assert "Enter again replaces it" in said
        assert session_io.load(taken).accounts[0].owner == "Bob B"
        await pilot.press("enter")
        await app.wait_for_save()
        await pilot.pause()
        assert app.workbench.path == taken
    assert session_io.load(taken).icp_notes == "second call"


async def test_typing_another_name_after_the_question_asks_again(sessions_dir: Path) -> None:
    taken = another_session_at(sessions_dir)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.workbench.set_icp_notes("second call")
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one("#save-name", Input)
        field.value = taken.name
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("backspace", "l")  # the same name again, its end typed over
        await pilot.pause()
        assert "enter asks before replacing it" in hint(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
    assert session_io.load(taken).accounts[0].owner == "Bob B"


async def test_the_share_safe_view_does_not_name_the_other_session(sessions_dir: Path) -> None:
    taken = another_session_at(sessions_dir)
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.workbench.set_icp_notes("second call")
        await pilot.press("p", "ctrl+s")
        await pilot.pause()
        app.screen.query_one("#save-name", Input).value = taken.name
        await pilot.press("enter")
        await pilot.pause()
        assert "holds another session: call of" in hint(app)
        assert "Northwind x Globex" not in hint(app)


async def test_the_autosave_of_one_window_does_not_write_over_the_others(sessions_dir: Path) -> None:
    """Both windows autosave to .call.recovery.toml: A's autosave replaced B's unsaved work. A now
    writes to a name of its own, which its save removes and the next open offers."""
    path = sessions_dir / "call.toml"
    small_workbench().save(path)
    b = opened(path)
    app = AcctmapApp(opened(path), sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        b.set_icp_notes("B unsaved work")
        usual = b.autosave(sessions_dir)
        app.workbench.set_icp_notes("A unsaved work")
        own = app.autosave_now()
        assert own is not None and own != usual
        assert session_io.load(usual).icp_notes == "B unsaved work"
        assert session_io.load(own).icp_notes == "A unsaved work"
        assert session_io.newer_recovery(path, app.workbench.session.session_id) is not None
        app.workbench.set_icp_notes("A unsaved work, more")
        assert app.autosave_now() == own  # its own name from then on
        await pilot.press("ctrl+s")
        await app.wait_for_save()
        await pilot.pause()
    assert not own.exists()
    assert session_io.load(usual).icp_notes == "B unsaved work"


def test_a_session_name_always_ends_in_toml(tmp_path: Path) -> None:
    """'…-2.tomlzed' (letters typed over the suggestion) was saved under that name, and the start
    screen never listed the session (audit 17 L1)."""
    from acctmap_tui.screens.dialogs import session_path

    assert session_path("q4", tmp_path) == tmp_path / "q4.toml"
    assert session_path("q4.toml", tmp_path) == tmp_path / "q4.toml"
    assert session_path("q4.TOML", tmp_path) == tmp_path / "q4.TOML"
    assert session_path("2026-Q4-x-2.tomlzed", tmp_path) == tmp_path / "2026-Q4-x-2.tomlzed.toml"
    assert session_path("q4.final", tmp_path) == tmp_path / "q4.final.toml"
    assert session_path("other/q4", tmp_path) == Path("other/q4.toml")
    assert session_path("  ", tmp_path) is None
