"""The unsaved mark follows the undo position, as editors do: an edit undone back to what was saved
(or loaded) is saved again; the undo of an edit the file holds is unsaved."""

from __future__ import annotations

from pathlib import Path

from acctmap_tui.core.model import SHARED_CUSTOMER
from acctmap_tui.core.workbench import ChangeKind, Workbench
from tests.ui.factory import opened, small_workbench


def saved(tmp_path: Path) -> Workbench:
    wb = small_workbench()
    wb.save(tmp_path / "call.toml")
    assert not wb.dirty
    return wb


def test_an_edit_undone_back_to_the_save_is_saved(tmp_path: Path) -> None:
    wb = saved(tmp_path)
    acme = wb.session.accounts[0]
    wb.set_field(acme, "owner", "Dana Reyes")
    wb.set_category(acme, SHARED_CUSTOMER.key)
    assert wb.dirty
    wb.undo()
    assert wb.dirty  # one edit still on
    wb.undo()
    assert not wb.dirty
    assert wb.autosave(tmp_path) is None  # nothing to recover


def test_an_edit_undone_back_to_the_load_is_saved(tmp_path: Path) -> None:
    path = saved(tmp_path).path
    assert path is not None
    wb = opened(path)
    assert not wb.dirty
    wb.set_icp_notes("EMEA")
    wb.undo()
    assert not wb.dirty


def test_the_same_edit_made_again_after_its_undo_is_unsaved(tmp_path: Path) -> None:
    wb = saved(tmp_path)  # no redo: doing it again by hand is a new edit
    acme = wb.session.accounts[0]
    wb.set_field(acme, "owner", "Dana Reyes")
    wb.undo()
    wb.set_field(acme, "owner", "Dana Reyes")
    assert wb.dirty


def test_undoing_an_edit_the_file_holds_is_unsaved(tmp_path: Path) -> None:
    wb = small_workbench()
    wb.set_icp_notes("EMEA")
    wb.save(tmp_path / "call.toml")
    assert not wb.dirty
    wb.undo()  # the saved file has the notes: the session now differs from it
    assert wb.dirty
    wb.set_icp_notes("EMEA")  # typed again: a new edit, the file is not known to equal it
    assert wb.dirty


def test_an_edit_after_undoing_below_the_save_stays_unsaved_when_undone(tmp_path: Path) -> None:
    wb = small_workbench()
    acme = wb.session.accounts[0]
    wb.set_field(acme, "owner", "Dana Reyes")
    wb.save(tmp_path / "call.toml")
    wb.undo()
    wb.set_field(acme, "next_action", "Intro")
    wb.undo()
    assert wb.dirty  # still without the owner the file has


def test_a_session_no_file_holds_stays_unsaved_whatever_is_undone() -> None:
    wb = small_workbench()
    wb.dirty = True  # a new session, a restored recovery copy
    wb.set_icp_notes("EMEA")
    wb.undo()
    assert wb.dirty
    assert Workbench(wb.session, dirty=True).dirty and not Workbench(wb.session).dirty


def test_marked_saved_by_hand_then_edit_and_undo_is_saved_again() -> None:
    wb = small_workbench()
    wb.set_icp_notes("EMEA")
    wb.dirty = False
    wb.set_icp_notes("EMEA + APAC")
    wb.undo()
    assert not wb.dirty
    wb.undo()
    assert wb.dirty


def test_notes_typed_on_after_a_save_are_unsaved_and_their_undo_too(tmp_path: Path) -> None:
    """A typing burst is one undo step that takes more as the text is handed over: the save of
    its first part is not the session once more is typed, nor once the burst is undone."""
    wb = small_workbench()
    wb.set_icp_notes("EMEA")
    wb.save(tmp_path / "call.toml")
    wb.set_icp_notes("EMEA + APAC", continuing=True)
    assert wb.dirty
    wb.undo()
    assert wb.session.icp_notes == "" and wb.dirty


def test_a_typing_burst_undone_back_to_the_save_is_saved(tmp_path: Path) -> None:
    wb = saved(tmp_path)
    wb.set_icp_notes("EMEA")
    wb.set_icp_notes("EMEA + APAC", continuing=True)
    wb.undo()
    assert not wb.dirty


def test_switching_phase_and_the_clock_leave_the_mark_as_it_is(tmp_path: Path) -> None:
    wb = saved(tmp_path)
    wb.set_phase("review")
    wb.tick(30)
    assert not wb.dirty
    wb.set_icp_notes("EMEA")
    wb.set_phase("icp")
    wb.undo()
    assert not wb.dirty


def test_an_edit_during_a_background_save_undone_is_saved(tmp_path: Path) -> None:
    wb = small_workbench()
    wb.set_icp_notes("in the file")
    pending = wb.begin_save(tmp_path / "call.toml")
    wb.set_field(wb.session.accounts[0], "owner", "Dana Reyes")  # while it is written
    pending.write()
    wb.finish_save(pending, None)
    assert wb.dirty
    wb.undo()
    assert not wb.dirty  # the file holds the notes, as the session does now
    wb.undo()
    assert wb.dirty


def test_a_failed_save_leaves_the_mark(tmp_path: Path) -> None:
    wb = saved(tmp_path)
    wb.set_icp_notes("EMEA")
    pending = wb.begin_save(tmp_path / "other.toml")
    wb.finish_save(pending, OSError("disk full"))
    assert wb.dirty
    wb.undo()
    assert not wb.dirty  # back to the save that did work


def test_an_edit_no_undo_takes_back_stays_unsaved_after_undos(tmp_path: Path) -> None:
    wb = saved(tmp_path)
    wb.set_icp_notes("EMEA")
    wb._changed(ChangeKind.NOTES, "an edit with no undo step", None)  # none such today
    wb.undo()
    assert wb.dirty


def test_undo_steps_let_go_keep_their_position(tmp_path: Path) -> None:
    """Only the last 200 steps are kept: undoing all of them goes back to where the one let go
    left the session, which was saved."""
    wb = small_workbench()
    wb.set_icp_notes("first")
    wb.save(tmp_path / "call.toml")
    for n in range(200):
        wb.set_icp_notes(f"note {n}")
    while wb.can_undo:
        wb.undo()
    assert wb.session.icp_notes == "first" and not wb.dirty
